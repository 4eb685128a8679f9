"""The start page and the health check."""
from flask import Blueprint, render_template

from models import database_is_up
from web.fee_schedules import active_schedule
from web.page_cache import public_page

bp = Blueprint("pages", __name__)


@bp.get("/")
def start():
    return public_page(lambda: render_template("start.html", schedule=active_schedule()))


@bp.get("/healthz")
def healthz():
    if database_is_up():
        return {"status": "ok", "database": "up"}, 200
    return {"status": "unavailable", "database": "down"}, 503
