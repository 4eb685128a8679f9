"""Payment search at the desk: by request reference, civil ID (holder, sponsor or a
covered person) or track ID, and by the day it was made."""

from flask import render_template

import models
from services.payment_search import RESULTS, search_payments
from views.desk.blueprints import desk_search as bp
from views.desk.forms import SearchForm
from web.staff_session import staff_required


@bp.get("/payments")
@staff_required
def payments():
    form = SearchForm()
    results = None
    if form.validate():
        day = getattr(form.on, "parsed", None)
        results = search_payments(form.q.data or "", day)
        models.audit(
            "desk.search",
            ("search", "-"),
            after={"q": form.q.data or "", "on": day.isoformat() if day else "", "found": len(results)},
        )
    return render_template("desk/payments.html", form=form, results=results, limit=RESULTS)
