"""The desk's front page: refunds waiting, payments that need a look, payments the bank
captured after a result had said failed or cancelled, those closed after a day of inquiry
errors, renewal reminders sent and the renewals that followed, the last 30 days at a glance
(from the summary rows: the same cost whatever the size of history), and the search form
(services/desk_home.py reads them)."""

from flask import render_template

import clock
from domain.fee_schedule import started_but_not_in_force
from services.desk_home import front_page
from views.desk.blueprints import desk_search as bp
from views.desk.forms import SearchForm
from web.fee_schedules import active_schedule, all_schedules
from web.language import text_direction
from web.staff_session import staff_required


@bp.get("/")
@staff_required
def home():
    page = front_page(clock.now(), clock.today_in_kuwait(), rtl=text_direction() == "rtl")
    in_force = active_schedule()
    started = started_but_not_in_force(all_schedules().values(), in_force, clock.today_in_kuwait())
    return render_template(
        "desk/home.html", form=SearchForm(formdata=None), in_force=in_force, started=started, **page
    )
