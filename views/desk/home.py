"""The desk's front page: refunds waiting, payments that need a look, payments the bank
captured after a result had said failed or cancelled, those closed after a day of inquiry
errors, renewal reminders sent and the
renewals that followed, the last 30 days at a glance (from the summary rows: the same
cost whatever the size of history), and the search form."""

from datetime import timedelta

from flask import render_template

import clock
from domain.daily_chart import chart, last_days
from models import DailySummary, Payment, Refund
from services.reminders import desk_counts
from views.desk.blueprints import desk_search as bp
from views.desk.forms import SearchForm
from web.language import text_direction
from web.staff_session import staff_required


@bp.get("/")
@staff_required
def home():
    waiting = Refund.select().where(Refund.state == Refund.REQUESTED).count()
    mismatches = list(
        Payment.select().where(Payment.state == Payment.MISMATCH).order_by(Payment.id.desc()).limit(20)
    )
    days = last_days(clock.today_in_kuwait())
    daily = chart(days, DailySummary.between(days[0], days[-1]), rtl=text_direction() == "rtl")
    return render_template(
        "desk/home.html",
        form=SearchForm(formdata=None),
        waiting=waiting,
        mismatches=mismatches,
        captured_late=Payment.captured_late(limit=20),
        given_up=Payment.closed_after_inquiry_errors(clock.now() - timedelta(days=7)),
        reminders=desk_counts(),
        daily=daily,
    )
