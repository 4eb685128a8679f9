"""Tameen: the application factory, and `python app.py` to serve."""

import os
import sys
from pathlib import Path

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

import clock
import commands
import logging_setup
import models
from gateways import payments as payment_gateways
from models import secret_box
from services import messages, sms_sender
from settings import ConfigError, default_app_env, load_settings
from views import accounts, desk, express, fees, guides, pages
from views import payments as payment_pages
from views.accounts import dev_outbox, profile
from views.requests import my_requests, questions, refund
from views.uploads import pages as upload_pages
from web import (
    applicant_session,
    assets,
    compression,
    error_pages,
    fee_schedules,
    form_fields,
    language,
    metrics,
    page_cache,
    public_address,
    rate_limits,
    request_log,
    security,
    session_cookie,
    site_root,
    staff_session,
    state_labels,
)

ROOT = Path(__file__).resolve().parent

babel = Babel()
csrf = CSRFProtect()


def create_app(config: dict | None = None) -> Flask:
    instance_path = Path(
        (config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH") or ROOT / "instance"
    )
    # Static files are served by web/assets.py (compressed, versioned), not Flask's route.
    app = Flask(__name__, instance_path=str(instance_path), static_folder=None)
    app.url_map.strict_slashes = False
    instance_path.mkdir(parents=True, exist_ok=True)

    # Explicit config (tests, embedding) wins over the environment.
    app.config.update(config or {})
    environ = {"APP_ENV": default_app_env(ROOT), **os.environ, **(config or {})}
    app.config.update(load_settings(environ, instance_path))
    if app.config["APP_ENV"] != "production":
        clock.start_from_environment(environ)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    app.config["BABEL_DEFAULT_LOCALE"] = language.DEFAULT_LANGUAGE
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Kuwait"

    request_log.init_app(app)  # first: it times and logs every request, refused ones too
    metrics.init_app(app)  # and observes each request's duration (/metrics)
    page_cache.init_app(app)  # first middleware: the others wrap it
    site_root.init_app(app)
    babel.init_app(app, locale_selector=language.select_locale)
    session_cookie.init_app(app)
    csrf.init_app(app)
    language.init_app(app)
    state_labels.init_app(app)
    security.init_app(app)
    public_address.init_app(app)  # before rate_limits: its ProxyFix wraps this one
    compression.init_app(app)
    error_pages.init_app(app)
    form_fields.init_app(app)
    fee_schedules.init_app(app, ROOT / "fee_schedules")
    applicant_session.init_app(app)
    staff_session.init_app(app)  # after applicant_session: staff are loaded apart from applicants
    messages.init_app(app)
    rate_limits.init_app(app)
    payment_pages.init_app(app)

    secret_box.use_key(app.config["TOTP_ENCRYPTION_KEY"])  # before migrating: 0014 uses it
    models.open_database(app.config["DATABASE_URL"])
    models.keep_tables(*payment_gateways.tables())  # the sandbox bank's books
    # Only `migrate` changes the schema in production (operating.md: Upgrading). Starting
    # does no database work at all, so gunicorn's master forks its workers with no
    # connection open; `python app.py` and the tests ask for the migration here.
    if app.config.get("MIGRATE_ON_START"):
        app.extensions["migrations_run"] = models.create_tables()  # migrations, then new tables
    app.teardown_appcontext(_close_connection)

    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["asset_url"] = assets.asset_url
    for blueprint in (
        assets.bp,
        pages.bp,
        fees.bp,
        guides.bp,
        accounts.bp,
        profile.bp,
        dev_outbox.bp,
        my_requests.bp,
        questions.bp,
        *payment_pages.BLUEPRINTS,
        refund.bp,
        upload_pages.bp,
        *desk.BLUEPRINTS,
        *express.BLUEPRINTS,
    ):
        app.register_blueprint(blueprint)
    commands.init_app(app)
    return app


def _close_connection(_exception=None) -> None:
    if not models.db.is_closed():
        models.db.close()


def serve() -> None:
    os.environ.setdefault("APP_ENV", "development")
    logging_setup.configure(werkzeug_request_lines=False)  # ours carry the request id
    try:
        # A developer's convenience; a production server migrates only when told (`migrate`).
        app = create_app({"MIGRATE_ON_START": os.environ["APP_ENV"] == "development"})
    except ConfigError as problem:
        sys.exit(f"Tameen cannot start: {problem}")
    sms_sender.start_thread(app)  # so a developer sees the SMS go out (`send-sms` in production)
    app.run(host=app.config["HOST"], port=app.config["PORT"], threaded=True)


if __name__ == "__main__":
    serve()
