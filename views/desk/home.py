"""The desk's front page: refunds waiting, payments that need a look, payments the bank
captured after a result had said failed or cancelled, those closed after a day of inquiry
errors, renewal reminders sent and the
renewals that followed, and the search form (services/desk_home.py reads them)."""

from flask import render_template

import clock
from services.desk_home import front_page
from views.desk.blueprints import desk_search as bp
from views.desk.forms import SearchForm
from web.staff_session import staff_required


@bp.get("/")
@staff_required
def home():
    return render_template("desk/home.html", form=SearchForm(formdata=None), **front_page(clock.now()))
