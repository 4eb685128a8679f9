"""The start page, the pages about who runs the site (about and contact, privacy notice,
refund policy), and the health check."""
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template

from models import database_is_up
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
    return Operator(name=config[f"OPERATOR_NAME_{suffix}"], address=config[f"OPERATOR_ADDRESS_{suffix}"],
                    phone=config["OPERATOR_PHONE"], email=config["OPERATOR_EMAIL"])


@bp.get("/")
def start():
    return public_page(lambda: render_template("start.html", schedule=active_schedule()))


# The same for every visitor of a language: kept in memory and by browsers like the start page.
@bp.get("/about")
def about():
    return public_page(lambda: render_template("pages/about.html"))


@bp.get("/privacy")
def privacy():
    return public_page(lambda: render_template("pages/privacy.html"))


@bp.get("/refund-policy")
def refund_policy():
    return public_page(lambda: render_template("pages/refund_policy.html"))


@bp.get("/healthz")
def healthz():
    if database_is_up():
        return {"status": "ok", "database": "up"}, 200
    return {"status": "unavailable", "database": "down"}, 503
