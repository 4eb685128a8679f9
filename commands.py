"""Every operator command, registered on the app in one place: `flask --app app COMMAND`,
or `python3 tameen.pyz COMMAND` from the single file. Commands parse what the operator
typed and call a service, a migration or a backup; they never call a view.

Only `migrate` (and `init-db`) changes the schema. Every other command leaves it as it is,
and one that needs this release's schema refuses to run until `migrate` has."""

import functools
import math
import os
import re
import signal
import sys
import threading
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import AppGroup

import backup
import clock
import logging_setup
import migrations
import models
import release
import scheduled_jobs
from domain import totp
from domain.civil_id import InvalidCivilId
from domain.digits import normalise_digits
from domain.names import InvalidName, check_name
from domain.passwords import WeakPassword
from domain.phone import InvalidMobile, mask_mobile, parse_kuwait_mobile
from models import ExpressSponsor, StaffMember
from services import express, payments, reminders, sms_sender, staff
from settings import ConfigError
from web import metrics
from web.form_fields import civil_id_as_of_today

_USER_NAME = re.compile(r"[a-z][a-z0-9._-]{1,39}")

# --- the schema: only `migrate` changes it ----------------------------------------------

MIGRATE_ADVICE = (
    "Take a backup, then run: python3 tameen.pyz migrate (from a checkout: flask --app app migrate)."
)


def schema_problem() -> str | None:
    """Why the database's schema is not this release's, or None when it is."""
    waiting = models.pending_changes()
    if not waiting:
        return None
    if sum(change.startswith("table ") for change in waiting) == len(models.MODELS):
        return "the database has none of Tameen's tables yet."
    shown = ", ".join(waiting[:6]) + (f" and {len(waiting) - 6} more" if len(waiting) > 6 else "")
    return f"the database schema is not this release's ({migrations.latest()}): pending {shown}."


def require_current_schema() -> None:
    problem = schema_problem()
    if problem:
        raise click.ClickException(f"{problem[0].upper()}{problem[1:]} {MIGRATE_ADVICE}")


def refuses_a_stale_schema(command):
    """Run `command` only on a database at this release's schema; refuse clearly otherwise."""

    @functools.wraps(command)
    def checked(*args, **kwargs):
        require_current_schema()
        return command(*args, **kwargs)

    return checked


class OperatorCommands(AppGroup):
    """Commands run inside the app's context, on a current schema unless registered with
    `needs_current_schema=False` (those that migrate it, or copy it as it is)."""

    def command(self, *args, needs_current_schema: bool = True, **kwargs):
        decorate = super().command(*args, **kwargs)
        return lambda f: decorate(refuses_a_stale_schema(f) if needs_current_schema else f)


operator = OperatorCommands("tameen")


def init_app(app) -> None:
    for command in operator.commands.values():
        app.cli.add_command(command)


@operator.command("init-db", needs_current_schema=False)
def init_db():
    """Create the database tables that do not exist yet (after pending migrations)."""
    models.create_tables()
    click.echo(f"Database ready: {current_app.config['DATABASE_URL']}")


@operator.command("migrate", needs_current_schema=False)
def migrate():
    """Apply pending schema migrations and list them: the one command that changes the
    schema. Take a backup first; restart the server after."""
    ran = list(current_app.extensions.get("migrations_run", [])) + models.create_tables()
    for name, applied in migrations.status(models.db):
        mark = "done now" if name in ran else ("done" if applied else "PENDING")
        click.echo(f"{name:<40} {mark}")
    click.echo("Schema up to date.")


@operator.command("version", needs_current_schema=False)
def version():
    """The release, the schema it expects, and whether the database has it."""
    click.echo(release.describe())
    try:
        problem = schema_problem()
    except Exception as failure:  # any driver error: the database cannot be asked
        click.echo(f"database: not reachable ({type(failure).__name__})")
        raise SystemExit(1) from None
    finally:
        models.close_all_connections()
    click.echo(f"database: {problem} {MIGRATE_ADVICE}" if problem else "database: schema current")


@operator.command("backup", needs_current_schema=False)  # a copy as it is, before migrating
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the copy (default: instance/backups).",
)
@click.option(
    "--keep",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Keep only this many newest backups in the folder (0: keep all).",
)
@scheduled_jobs.recorded("backup")
def backup_database(folder: Path | None, keep: int):
    """Copy the SQLite database, consistently, while the app keeps running."""
    database_url = current_app.config["DATABASE_URL"]
    source = backup.sqlite_path(database_url)
    if source is None:
        raise click.ClickException(
            backup.PG_DUMP_ADVICE if "postgres" in database_url else "backup copies SQLite databases only."
        )
    config = current_app.config
    try:
        target = backup.backup_sqlite(source, folder or Path(current_app.instance_path) / "backups")
        if config["BACKUP_AGE_RECIPIENT"]:
            target = backup.encrypt(target, config["BACKUP_AGE_RECIPIENT"])
        click.echo(f"Backup written: {target} ({target.stat().st_size} bytes)")
        for gone in backup.prune(target.parent, keep):
            click.echo(f"Removed old backup: {gone}")
        if config["BACKUP_COPY_COMMAND"]:
            backup.send_off(target, config["BACKUP_COPY_COMMAND"])
            click.echo(f"Backup sent off: {target.name}")
    except backup.BackupError as problem:
        raise click.ClickException(str(problem)) from None


@operator.command("copy-database")
@click.option(
    "--to",
    "target_url",
    required=True,
    metavar="URL",
    envvar="TARGET_DATABASE_URL",
    help="DATABASE_URL of the empty database to fill, e.g. postgresql://... "
    "(or TARGET_DATABASE_URL, kept out of the process list).",
)
def copy_database(target_url: str):
    """Copy every row into another, empty database (moving to PostgreSQL). Stop the app
    first; then point DATABASE_URL at the new database and start it."""
    from playhouse.db_url import connect

    try:
        options = {"pragmas": models.SQLITE_PRAGMAS} if target_url.startswith("sqlite") else {}
        target = connect(target_url, unquote_user=True, unquote_password=True, **options)
        copied = backup.copy_database(models.db, target, models.MODELS)
    except backup.BackupError as problem:
        raise click.ClickException(str(problem)) from None
    for table, count in copied.items():
        click.echo(f"{table:<24} {count} rows")
    click.echo(
        f"Copied {sum(copied.values())} rows. Now set DATABASE_URL to the new database, run migrate "
        "(it also makes the audit log append-only there) and start the app."
    )


def staff_login_and_civil_id(login: str, civil_id: str | None) -> tuple[str, str]:
    """(login name, civil ID) from what the operator typed; click.BadParameter otherwise."""
    login = normalise_digits(login).strip().lower()
    given = normalise_digits(civil_id).strip() if civil_id else None
    if login.isdigit():
        try:
            login = civil_id_as_of_today(login)
        except InvalidCivilId as problem:
            raise click.BadParameter(f"{login} is not a valid civil ID: {problem}") from problem
        if given and given != login:
            raise click.BadParameter("--civil-id differs from the civil ID used as the login")
        return login, login
    if not _USER_NAME.fullmatch(login):
        raise click.BadParameter("a user name is 2 to 40 of a-z 0-9 . _ - and starts with a letter")
    if not given:
        raise click.BadParameter(
            "--civil-id is required with a user name: it stops staff deciding on their own requests"
        )
    try:
        return login, civil_id_as_of_today(given)
    except InvalidCivilId as problem:
        raise click.BadParameter(f"--civil-id is not a valid civil ID: {problem}") from problem


@operator.command("create-staff")
@click.argument("login")
@click.option("--name", required=True, help="The staff member's full name, as colleagues know it.")
@click.option(
    "--role",
    type=click.Choice(StaffMember.ROLES),
    default=StaffMember.REVIEWER,
    show_default=True,
    help="reviewer: payments and refunds; admin: also the audit log, exports and fee schedules.",
)
@click.option("--civil-id", help="Their civil ID; required when LOGIN is a user name.")
@click.option(
    "--mobile",
    help="Their Kuwaiti mobile number, so that they cannot decide on a request whose holder has it.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking.",
)
def create_staff(login, name, role, civil_id, mobile, password_stdin):
    """Create a desk account: LOGIN is a civil ID or a user name. Prints the TOTP secret
    and its otpauth:// address once."""
    login, civil_id = staff_login_and_civil_id(login, civil_id)
    name = name.strip()
    if not 2 <= len(name) <= 100:
        raise click.BadParameter("the name has 2 to 100 characters", param_hint="--name")
    try:
        check_name(name)
    except InvalidName as problem:
        raise click.BadParameter(
            f"{problem}: type the name instead of pasting it", param_hint="--name"
        ) from problem
    if mobile:
        try:
            mobile = parse_kuwait_mobile(normalise_digits(mobile))
        except InvalidMobile as problem:
            raise click.BadParameter(
                f"not a Kuwaiti mobile number: {problem}", param_hint="--mobile"
            ) from problem
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with models.db.connection_context():
            _, secret = staff.create_staff_member(
                login,
                civil_id,
                name,
                role,
                password,
                current_app.extensions["password_hasher"],
                created_by="flask create-staff",
                mobile=mobile or None,
            )
    except WeakPassword as problem:
        raise click.ClickException(f"password refused: {problem}") from problem
    except staff.StaffExists:
        raise click.ClickException(f"a staff member with the login {login} exists already") from None
    click.echo(f"Staff member created: {login} ({role}).")
    click.echo("Add this secret to their authenticator app now; it is not shown again.")
    click.echo(f"TOTP secret: {secret}")
    click.echo(f"Provisioning URI: {totp.provisioning_uri(secret, login)}")


@operator.command("reconcile-payments")
@scheduled_jobs.recorded("reconcile-payments")
def reconcile_payments():
    """Ask the gateway about payments left waiting (a closed tab, a lost return) and settle
    them. Exits 1 when a payment became a mismatch or the gateway did not answer."""
    with models.db.connection_context():
        counts = payments.reconcile()
    click.echo(
        "Payments asked about: "
        + (", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "none")
        + "."
    )
    if counts[models.Payment.MISMATCH] or counts[payments.INQUIRY_FAILED]:
        sys.exit(1)  # staff must look, or the bank is down: systemd marks the run failed


@operator.command("knet-check", needs_current_schema=False)  # the bank's test host, before going live
@click.option("--track-id", default="", help="A test payment's track id, paid on the test host.")
def knet_check(track_id: str):
    """Rehearse going live with K-Net against its test host; changes nothing."""
    from gateways.payments.knet import KnetGateway
    from gateways.payments.knet_check import rehearse

    knet = current_app.extensions["payment_gateway"]
    if not isinstance(knet, KnetGateway):
        raise click.ClickException("knet-check needs PAYMENT_GATEWAY=knet and the KNET_ settings.")
    click.echo(f"K-Net at {knet.gateway_url}, tranportal id {knet.tranportal_id}.")
    transaction_id = ""
    if track_id:
        require_current_schema()
        with models.db.connection_context():
            found = models.Payment.by_track_id(track_id)
        transaction_id = (found.transaction_id or "") if found else ""
    report = rehearse(knet, track_id, transaction_id)
    for line in report.lines:
        click.echo(line)
    if not report.passed:
        raise SystemExit(1)
    click.echo("knet-check passed: nothing was changed.")


@operator.command("prune-security-records")
@scheduled_jobs.recorded("prune-security-records")
def prune_security_records():
    """Delete SMS codes, rate-limit counters and outbox messages nobody can use any more."""
    with models.db.connection_context():
        removed = models.prune_security_records(clock.now())
    click.echo(f"Removed {removed} old records.")


@operator.command("send-reminders")
@click.option("--dry-run", is_flag=True, help="List the reminders due and not sent yet; send nothing.")
@scheduled_jobs.recorded("send-reminders")
def send_reminders(dry_run: bool):
    """SMS the holders of paid requests whose cover ends within REMINDER_LEAD_DAYS, each
    reminder once even when runs overlap. Run it daily (README: the systemd timer)."""
    leads = current_app.config["REMINDER_LEAD_DAYS"]
    # The link context first: popping it closes the connection (app.py's teardown).
    with _links_context(), models.db.connection_context():
        today = reminders.today()
        if dry_run:
            due = 0
            for item in reminders.not_sent_yet(today, leads):
                due += 1
                click.echo(
                    f"{item.request.reference}  {item.lead_days:>3} days  cover ends "
                    f"{item.cover_end.isoformat()}  to {mask_mobile(item.mobile)}"
                )
            click.echo(
                f"Would send {due} reminders ({today.isoformat()}, lead days {','.join(map(str, leads))})."
            )
            return
        counts = reminders.send_reminders(today, leads, _renew_url, _stop_url)
    click.echo(
        f"Reminders due: {counts['due']}; sent now: {counts['sent']}; sent before: "
        f"{counts['sent before']}; held by another run: {counts['held by another run']}; "
        f"refused by the provider: {counts['refused by the provider']}."
    )
    if counts["refused by the provider"]:
        sys.exit(1)  # systemd marks the run failed; the next run tries them again


@operator.command("send-sms")
@click.option("--once", is_flag=True, help="One pass over the messages due, then exit.")
@click.option(
    "--idle",
    type=click.FloatRange(min=0.1, max=60),
    default=sms_sender.IDLE_SECONDS,
    show_default=True,
    help="Seconds to rest after a pass that found nothing to send.",
)
def send_sms(once: bool, idle: float):
    """Deliver the SMS outbox through SMS_BACKEND, each message once, until stopped (or
    once). Run it beside the server, as many as you like on as many servers (README: the
    systemd unit); pages only write to the outbox."""
    stop = threading.Event()
    if not once:
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
    counts = sms_sender.run(current_app._get_current_object(), stop, once=once, idle=idle)
    click.echo(
        "SMS " + (", ".join(f"{what}: {n}" for what, n in sorted(counts.items())) or "due: none") + "."
    )


def _links_context():
    """Absolute links for the SMS: from PUBLIC_URL when set (production must), otherwise
    from HOST and PORT, the address `python app.py` serves on."""
    if current_app.config.get("SERVER_NAME"):
        return current_app.app_context()
    host, port = current_app.config["HOST"], current_app.config["PORT"]
    return current_app.test_request_context(base_url=f"http://{host}:{port}")


def _renew_url(insurance_request) -> str:
    if insurance_request.owner_id is None and "express.renew" in current_app.view_functions:
        sponsor = express.link_for_reminder(
            ExpressSponsor.of_request(insurance_request), insurance_request.cover_end
        )
        return url_for("express.renew", token=sponsor.receipt_token, _external=True)
    return url_for("requests.renewal.renew", reference=insurance_request.reference, _external=True)


def _stop_url(token: str) -> str:
    return url_for("profile.reminder_link.stop", token=token, _external=True)


def workers() -> int:
    """WEB_CONCURRENCY when set, otherwise gunicorn's rule of thumb: 2 per core, plus 1."""
    configured = os.environ.get("WEB_CONCURRENCY", "").strip()
    if configured:
        if not configured.isdigit() or not 1 <= int(configured) <= 64:
            raise click.ClickException("WEB_CONCURRENCY must be a whole number from 1 to 64.")
        return int(configured)
    return 2 * (os.cpu_count() or 1) + 1


@click.command("serve")
def serve():
    """Run the production server (gunicorn) on HOST:PORT; refuses while migrations are
    pending. GUNICORN_CMD_ARGS and a gunicorn.conf.py change gunicorn's settings."""
    from app import create_app  # the app registers these commands: import it late

    logging_setup.configure()
    try:
        app = create_app()
    except ConfigError as problem:
        raise click.ClickException(f"Tameen cannot start: {problem}") from None
    try:
        problem = schema_problem()
    finally:
        models.close_all_connections()  # the workers, forked from here, open their own
    if problem:
        raise click.ClickException(f"Tameen cannot serve: {problem} {MIGRATE_ADVICE}")
    metrics.share_between_workers(app.instance_path)  # before the workers fork
    server, json_logger = _gunicorn_classes()
    options = gunicorn_options(app.config, json_logger)
    gunicorn = server(app, options)
    click.echo(
        f"Tameen serving on http://{gunicorn.cfg.bind[0]} with {gunicorn.cfg.workers} "
        f"{gunicorn.cfg.worker_class_str} workers ({app.config['APP_ENV']}).",
        err=True,
    )
    gunicorn.run()


def gunicorn_options(config, logger_class=None) -> dict:
    host, port = config["HOST"], config["PORT"]
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    # A request may wait for the SMS provider through every retry, or for a payment
    # gateway (any *_TIMEOUT setting): let it finish before gunicorn calls the worker stuck.
    waits = [config["SMS_HTTP_TIMEOUT"] * (config["SMS_HTTP_RETRIES"] + 1)]
    waits += [
        value for key, value in config.items() if key.endswith("_TIMEOUT") and isinstance(value, (int, float))
    ]
    return {
        "bind": bind,
        "workers": workers(),
        "timeout": max(60, math.ceil(max(waits)) + 20),
        "graceful_timeout": 30,
        "preload_app": True,
        "accesslog": None,  # our request lines (web/request_log.py) replace it
        "errorlog": "-",
        "loglevel": "info",
        "logger_class": logger_class or "gunicorn.glogging.Logger",
        "proc_name": "tameen",
        "child_exit": metrics.child_exit,  # a dead worker's live gauges leave /metrics
        "control_socket_disable": True,  # nothing uses it; it would be one per user, shared
        # Only what the documented proxy (nginx on the same machine) sends: the scheme. The
        # client's address is the app's to read (PROXY_HOPS), and no header sets the
        # script root or the path (gunicorn's default takes SCRIPT_NAME from 127.0.0.1,
        # and a proxy that forwards it would let a client choose every link of a page).
        "forwarded_allow_ips": "127.0.0.1,::1",
        "forwarder_headers": "",
        "secure_scheme_headers": {"X-FORWARDED-PROTO": "https"},
    }


def _before_fork(server, worker) -> None:
    """In gunicorn's master, before each worker: no connection for the worker to inherit."""
    models.close_all_connections()


def _after_fork(server, worker) -> None:
    """In a new worker: whatever the master still held is not the worker's to use."""
    models.forget_inherited_connections()


def _one_then_the_other(first, then):
    def both(server, worker):  # gunicorn checks a hook takes exactly these two
        first(server, worker)
        then(server, worker)

    return both


def _gunicorn_classes():
    from gunicorn.app.base import Application
    from gunicorn.config import get_default_config_file
    from gunicorn.glogging import Logger

    class Server(Application):
        """gunicorn with serve's options as its defaults, then gunicorn's own order: a
        config file (GUNICORN_CMD_ARGS's --config, else ./gunicorn.conf.py), then
        GUNICORN_CMD_ARGS. Serve's fork hooks run before any the config file names."""

        def __init__(self, application, options):
            self.application, self.options = application, options
            super().__init__()

        def load_config(self):
            for key, value in self.options.items():
                self.cfg.set(key, value)
            from_environment = self.cfg.parser().parse_args(self.cfg.get_cmd_args_from_env())
            config_file = from_environment.config or get_default_config_file()
            if config_file:
                self.load_config_from_file(config_file)
            for key, value in vars(from_environment).items():
                if value is not None and key != "args":
                    self.cfg.set(key.lower(), value)
            self._hooks_first(pre_fork=_before_fork, post_fork=_after_fork)

        def _hooks_first(self, **ours):
            for name, hook in ours.items():
                self.cfg.set(name, _one_then_the_other(hook, getattr(self.cfg, name)))

        def load(self):
            return self.application

    class JsonLogger(Logger):
        """gunicorn's own messages (workers starting, timeouts) as masked JSON lines too."""

        def setup(self, cfg):
            super().setup(cfg)
            for handler in self.error_log.handlers:
                handler.setFormatter(logging_setup.JsonFormatter())

    return Server, JsonLogger
