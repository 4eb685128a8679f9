"""The start page, the pages about who runs the site (about and contact, privacy notice,
refund policy), and the health checks."""

from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template

from models import database_is_up
from services.monitoring import readiness
from web.fee_schedules import active_schedule
from web.language import select_locale
from web.page_cache import public_page

bp = Blueprint("pages", __name__)


@dataclass(frozen=True)
class Operator:
    """The organisation that runs this site (settings.py), in the reader's language."""

    name: str
    address: str
    phone: str
    email: str

    @property
    def phone_link(self) -> str:
        return "tel:" + self.phone.replace(" ", "")


@bp.app_template_global()
def operator() -> Operator:
    config, suffix = current_app.config, "AR" if select_locale() == "ar" else "EN"
    return Operator(
        name=config[f"OPERATOR_NAME_{suffix}"],
        address=config[f"OPERATOR_ADDRESS_{suffix}"],
        phone=config["OPERATOR_PHONE"],
        email=config["OPERATOR_EMAIL"],
    )


@bp.get("/")
def start():
    return public_page(lambda: render_template("start.html", schedule=active_schedule()))


def _operator_page(template: str, own_address: str):
    """Ours, the same for every visitor of a language (kept like the start page), unless
    the operator keeps this page on its own site: then every link to it leads there."""
    address = current_app.config.get(own_address)
    if address:
        return redirect(address, 302)
    return public_page(lambda: render_template(template))


@bp.get("/about")
def about():
    return _operator_page("pages/about.html", "OPERATOR_ABOUT_URL")


@bp.get("/privacy")
def privacy():
    return _operator_page("pages/privacy.html", "OPERATOR_PRIVACY_URL")


@bp.get("/refund-policy")
def refund_policy():
    return _operator_page("pages/refund_policy.html", "OPERATOR_REFUND_POLICY_URL")


@bp.get("/healthz")
def healthz():
    if database_is_up():
        return {"status": "ok", "database": "up"}, 200
    return {"status": "unavailable", "database": "down"}, 503


@bp.get("/readyz")
def readyz():
    """Ready to serve: the database answers and its schema is this release's (no migration
    pending). /healthz stays the cheap liveness check."""
    checks = readiness()
    ready = all(value == "ok" for value in checks.values())
    return {"status": "ready" if ready else "unavailable", **checks}, 200 if ready else 503
