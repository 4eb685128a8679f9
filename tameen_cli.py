"""The single file's commands: `python3 tameen.pyz COMMAND` (see `make dist`).

    serve               the production server: gunicorn, workers from the core count,
                        listening on HOST:PORT; refuses while migrations are pending
    migrate             apply pending schema migrations and list them: the only command
                        that changes the schema (back up first, restart serve after)
    init-db             create missing tables (after pending migrations)
    version             the release, its schema, and whether the database has it
    backup              a consistent copy of the SQLite database under instance/backups/
    reconcile-payments, create-staff, prune-security-records, copy-database
                        and every other command in commands.py, found when the app starts

Configuration comes from the environment, as for the app (README: Configuration);
the instance folder (generated secrets, the SQLite file, backups) is `./instance`
unless INSTANCE_PATH says otherwise.
"""

import os
import sys
from pathlib import Path

try:  # written into the file by scripts/build_dist.py: the Python it was built with
    from _tameen_build import PYTHON
except ImportError:  # running from the source tree
    PYTHON = tuple(sys.version_info[:2])

if tuple(sys.version_info[:2]) != PYTHON:
    sys.exit(
        f"tameen.pyz needs Python {PYTHON[0]}.{PYTHON[1]}, not {sys.version.split()[0]}: "
        "its compiled dependencies were built for it."
    )

import click  # noqa: E402 (after the version check: a wrong Python fails with a clear message)
from flask import current_app  # noqa: E402
from flask.cli import FlaskGroup, NoAppException, ScriptInfo, routes_command, shell_command  # noqa: E402


def _load_app():
    from app import create_app
    from settings import ConfigError

    try:
        return create_app()
    except ConfigError as problem:
        raise NoAppException(f"Tameen cannot start: {problem}") from None


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
        names = set(self.commands)
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
        return command

    def resolve_command(self, ctx, args):
        # Running an app command (not listing them for --help): a start-up problem stops it.
        if args and args[0] not in self.commands and self._app(ctx) is None:
            raise click.ClickException(ctx.meta["tameen.cannot_start"])
        return super().resolve_command(ctx, args)


def build_cli() -> click.Group:
    cli = TameenGroup(
        name="tameen.pyz",
        help=__doc__.split("\n\n")[0],
        create_app=_load_app,
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
        set_debug_flag=False,
    )
    # FlaskGroup's --app, --env-file and --debug mean nothing here; --version is ours.
    cli.params = [
        click.Option(
            ["--version"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_print_version,
            help="Print the release and the schema version, and exit.",
        )
    ]
    from commands import serve

    for command in (serve, shell_command, routes_command):
        cli.add_command(command)
    return cli


def _print_version(ctx, _param, value) -> None:
    """Without the app or its settings: it answers on any machine."""
    if value and not ctx.resilient_parsing:
        from release import describe

        click.echo(describe())
        ctx.exit()


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("INSTANCE_PATH", str(Path.cwd() / "instance"))
    build_cli().main(args=argv, prog_name="tameen.pyz")


if __name__ == "__main__":
    main()
