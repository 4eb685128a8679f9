"""The desk's front page: refunds waiting, payments that need a look, payments the bank
captured after a result had said failed or cancelled, those closed after a day of inquiry
errors, renewal reminders sent and the
renewals that followed, and the search form."""

from datetime import timedelta

from flask import render_template

import clock
from domain.fee_schedule import started_but_not_in_force
from models import Payment, Refund
from services.reminders import desk_counts
from views.desk.blueprints import desk_search as bp
from views.desk.forms import SearchForm
from web.fee_schedules import active_schedule, all_schedules
from web.staff_session import staff_required


@bp.get("/")
@staff_required
def home():
    waiting = Refund.select().where(Refund.state == Refund.REQUESTED).count()
    mismatches = list(
        Payment.select().where(Payment.state == Payment.MISMATCH).order_by(Payment.id.desc()).limit(20)
    )
    in_force = active_schedule()
    return render_template(
        "desk/home.html",
        form=SearchForm(formdata=None),
        waiting=waiting,
        mismatches=mismatches,
        captured_late=Payment.captured_late(limit=20),
        given_up=Payment.closed_after_inquiry_errors(clock.now() - timedelta(days=7)),
        reminders=desk_counts(),
        in_force=in_force,
        started=started_but_not_in_force(all_schedules().values(), in_force, clock.today_in_kuwait()),
    )
