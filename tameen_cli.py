"""The single file's commands: `python3 tameen.pyz COMMAND` (see `make dist`).

    serve               the production server: gunicorn, workers from the core count,
                        listening on HOST:PORT; migrates the database first
    migrate             apply pending schema migrations and list them
    init-db             create missing tables (after pending migrations)
    backup              a consistent copy of the SQLite database under instance/backups/
    reconcile-payments, create-staff, prune-security-records, ...
                        every command the app registers (`app.cli`), found when it starts

Configuration comes from the environment, as for the app (README: Configuration);
the instance folder (generated secrets, the SQLite file, backups) is `./instance`
unless INSTANCE_PATH says otherwise.
"""
import math
import os
import sys
from pathlib import Path

try:  # written into the file by scripts/build_dist.py: the Python it was built with
    from _tameen_build import PYTHON
except ImportError:  # running from the source tree
    PYTHON = tuple(sys.version_info[:2])

if tuple(sys.version_info[:2]) != PYTHON:
    sys.exit(f"tameen.pyz needs Python {PYTHON[0]}.{PYTHON[1]}, not {sys.version.split()[0]}: "
             "its compiled dependencies were built for it.")

import click  # noqa: E402 (after the version check: a wrong Python fails with a clear message)
from flask import current_app  # noqa: E402
from flask.cli import FlaskGroup, NoAppException, ScriptInfo, routes_command, shell_command  # noqa: E402

# Commands that arrive in later versions: named here so that asking for one says so
# instead of "no such command". Once the app registers the real one, it wins.
LATER = {
    "create-staff": "Staff accounts arrive with a later version of Tameen: this one has "
                    "no staff model, so there is no staff account to create yet.",
    "reconcile-payments": "Payments arrive with a later version of Tameen: this one has "
                          "no payments to reconcile yet.",
}


def _load_app():
    from app import create_app
    from settings import ConfigError

    try:
        return create_app()
    except ConfigError as problem:
        raise NoAppException(f"Tameen cannot start: {problem}") from None


def _not_yet(name: str, reason: str) -> click.Command:
    @click.command(name, context_settings={"ignore_unknown_options": True},
                   help=f"(Not in this version.) {reason}")
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args):
        raise click.ClickException(f"{reason} Once the app registers a `{name}` command "
                                   f"(app.cli), `tameen.pyz {name}` runs it.")
    return command


class TameenGroup(FlaskGroup):
    """Its own commands (serve, shell, routes) and every command the app registers."""

    def _app(self, ctx):
        """The app, or None when it cannot start (the reason kept in ctx.meta); tried once."""
        if "tameen.cannot_start" in ctx.meta:
            return None
        try:
            return ctx.ensure_object(ScriptInfo).load_app()
        except NoAppException as problem:
            ctx.meta["tameen.cannot_start"] = problem.format_message()
            return None

    def list_commands(self, ctx):
        names = set(self.commands) | set(LATER)
        app = self._app(ctx)
        if app is None:
            click.secho(f"Error: {ctx.meta['tameen.cannot_start']}\n", err=True, fg="red")
        else:
            names |= set(app.cli.list_commands(ctx))
        return sorted(names)

    def get_command(self, ctx, name):
        if name in self.commands:
            return self.commands[name]
        app = self._app(ctx)
        command = None
        if app is not None:
            if not current_app or current_app._get_current_object() is not app:
                ctx.with_resource(app.app_context())
            command = app.cli.get_command(ctx, name)
        if command is None and name in LATER:
            command = _not_yet(name, LATER[name])
        return command

    def resolve_command(self, ctx, args):
        # Running an app command (not listing them for --help): a start-up problem stops it.
        if args and args[0] not in self.commands and self._app(ctx) is None:
            raise click.ClickException(ctx.meta["tameen.cannot_start"])
        return super().resolve_command(ctx, args)


def workers() -> int:
    """WEB_CONCURRENCY when set, otherwise gunicorn's rule of thumb: 2 per core, plus 1."""
    configured = os.environ.get("WEB_CONCURRENCY", "").strip()
    if configured:
        if not configured.isdigit() or not 1 <= int(configured) <= 64:
            raise click.ClickException("WEB_CONCURRENCY must be a whole number from 1 to 64.")
        return int(configured)
    return 2 * (os.cpu_count() or 1) + 1


@click.command("serve")
def serve_command():
    """Run the production server (gunicorn) on HOST:PORT, after migrating the database."""
    import logging_setup

    logging_setup.configure()
    try:
        app = _load_app()
    except NoAppException as problem:
        raise click.ClickException(problem.format_message()) from None
    server, json_logger = _gunicorn_classes()
    host, port = app.config["HOST"], app.config["PORT"]
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    # A request may wait for the SMS provider through every retry, or for a payment
    # gateway (any *_TIMEOUT setting): let it finish before gunicorn calls the worker stuck.
    waits = [app.config["SMS_HTTP_TIMEOUT"] * (app.config["SMS_HTTP_RETRIES"] + 1)]
    waits += [value for key, value in app.config.items()
              if key.endswith("_TIMEOUT") and isinstance(value, (int, float))]
    options = {
        "bind": bind,
        "workers": workers(),
        "timeout": max(60, math.ceil(max(waits)) + 20),
        "graceful_timeout": 30,
        "preload_app": True,
        "accesslog": None,  # our request lines (views/request_log.py) replace it
        "errorlog": "-",
        "loglevel": "info",
        "logger_class": json_logger,
        "proc_name": "tameen",
        "control_socket_disable": True,  # nothing uses it; it would be one per user, shared
    }
    click.echo(f"Tameen serving on http://{bind} with {options['workers']} workers "
               f"({app.config['APP_ENV']}).", err=True)
    server(app, options).run()


def _gunicorn_classes():
    from gunicorn.app.base import BaseApplication
    from gunicorn.glogging import Logger

    import logging_setup

    class Server(BaseApplication):
        def __init__(self, application, options):
            self.application, self.options = application, options
            super().__init__()

        def load_config(self):
            for key, value in self.options.items():
                self.cfg.set(key, value)

        def load(self):
            return self.application

    class JsonLogger(Logger):
        """gunicorn's own messages (workers starting, timeouts) as masked JSON lines too."""

        def setup(self, cfg):
            super().setup(cfg)
            for handler in self.error_log.handlers:
                handler.setFormatter(logging_setup.JsonFormatter())

    return Server, JsonLogger


def build_cli() -> click.Group:
    cli = TameenGroup(name="tameen.pyz", help=__doc__.split("\n\n")[0], create_app=_load_app,
                      add_default_commands=False, add_version_option=False,
                      load_dotenv=False, set_debug_flag=False)
    cli.params = []  # FlaskGroup's --app, --env-file and --debug mean nothing here
    for command in (serve_command, shell_command, routes_command):
        cli.add_command(command)
    return cli


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("INSTANCE_PATH", str(Path.cwd() / "instance"))
    build_cli().main(args=argv, prog_name="tameen.pyz")


if __name__ == "__main__":
    main()
