"""Payment search at the desk: by request reference, civil ID (holder, sponsor or a
covered person) or track ID, and by the day it was made."""

from flask import render_template
from peewee import JOIN

import models
from domain.dates import kuwait_day_in_utc
from models import InsuranceRequest, InsuredPerson, Payment, User
from views.desk.blueprints import desk_search as bp
from views.desk.forms import SearchForm
from web.staff_session import staff_required

RESULTS = 100


def search_payments(text: str, day) -> list[Payment]:
    """Payments whose request reference, track ID, holder's, sponsor's or covered person's
    civil ID is `text`, made on `day` (Kuwait) when given; newest first."""
    query = (
        Payment.select(Payment, InsuranceRequest, User)
        .join(InsuranceRequest)
        # An express payment's request has no account (owner NULL): found all the same.
        .join(User, JOIN.LEFT_OUTER)
        .switch(Payment)
    )
    if text:
        upper = text.upper()
        covered = InsuredPerson.select(InsuredPerson.request).where(InsuredPerson.civil_id == text)
        query = query.where(
            (InsuranceRequest.reference == upper)
            | (Payment.track_id == text)
            | (User.civil_id == text)
            | (User.released_civil_id == text)
            | (InsuranceRequest.sponsor_civil_id == text)
            | (InsuranceRequest.id.in_(covered))
        )
    if day:
        start, end = kuwait_day_in_utc(day)
        query = query.where((Payment.created_at >= start) & (Payment.created_at < end))
    return list(query.order_by(Payment.id.desc()).limit(RESULTS))


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
