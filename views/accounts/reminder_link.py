"""The link in a renewal reminder that turns reminders off, without logging in.

The link is a GET that only shows a button; the button POSTs. Phones and chat apps open
links in an SMS to draw a preview, so a GET that turned reminders off would do it for
people who never tapped it. The POST is idempotent: a second press changes nothing.
"""

from flask import Blueprint, abort, render_template

from services import reminders

# Registered on the account blueprint (views/accounts/profile.py): /account/reminders/off/<token>.
bp = Blueprint("reminder_link", __name__, url_prefix="/reminders/off")


def _reminder(token: str):
    found = reminders.reminder_of_link(token)
    if found is None:
        abort(404)
    return found


@bp.get("/<token>")
def stop(token):
    _reminder(token)
    return render_template("accounts/reminders_off.html", token=token, done=False)


@bp.post("/<token>")
def stop_confirmed(token):
    reminders.turn_off_by_link(_reminder(token))
    return render_template("accounts/reminders_off.html", token=token, done=True)
