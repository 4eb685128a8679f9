"""The development outbox: the SMS the app wrote (models.sms), so a developer can read codes.
Only with APP_ENV=development; anywhere else the page does not exist."""

from flask import Blueprint, abort, current_app, render_template

from domain.phone import national_format
from models import SmsMessage

bp = Blueprint("dev_outbox", __name__)


@bp.get("/dev/outbox")
def outbox():
    if current_app.config["APP_ENV"] != "development":
        abort(404)
    messages = list(SmsMessage.select().order_by(SmsMessage.id.desc()).limit(50))
    return render_template(
        "accounts/outbox.html",
        messages=messages,
        national_format=national_format,
        backend=current_app.config["SMS_BACKEND"],
    )
