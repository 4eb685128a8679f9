"""A paid request's receipt, for its owner only, with the QR code that opens the public
check (verification.py)."""

from functools import wraps

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from domain.digits import parse_whole_number
from domain.money import fils_to_decimal
from domain.spreadsheet import csv_document
from views.payments.blueprints import receipts as bp
from views.shared.ownership import owned_request
from views.shared.receipt_page import receipt_page
from web.applicant_session import login_required
from web.fee_schedules import schedule_of
from web.language import select_locale

PEOPLE_PER_PAGE = 10


def paid_request(view):
    """Loads the signed-in person's request and its receipt for `view`; a request not paid
    (yet) has none, and its own page says where it stands."""

    @wraps(view)
    @login_required
    def wrapped(reference):
        insurance_request = owned_request(reference)
        found = insurance_request.receipt()
        if found is None:
            return redirect(url_for("requests.show", reference=insurance_request.reference))
        return view(insurance_request, found)

    return wrapped


@bp.get("/requests/<reference>/receipt")
@paid_request
def receipt(insurance_request, found):
    people = insurance_request.covered()
    pages = max(1, -(-len(people) // PEOPLE_PER_PAGE))
    page = min(max(parse_whole_number(request.args.get("page")) or 1, 1), pages)
    shown = people[(page - 1) * PEOPLE_PER_PAGE : page * PEOPLE_PER_PAGE]
    return receipt_page(insurance_request, found, shown, page, pages, len(people))


@bp.get("/requests/<reference>/receipt/people")
@paid_request
def receipt_people(insurance_request, found):
    """Every person of a paid request in one table, to print."""
    return render_template(
        "uploads/receipt_people.html",
        insurance_request=insurance_request,
        receipt=found,
        people=insurance_request.covered(),
        schedule=schedule_of(insurance_request),
        cover=insurance_request.cover_period(),
        refund=insurance_request.latest_refund(),
    )


@bp.get("/requests/<reference>/receipt.csv")
@paid_request
def receipt_csv(insurance_request, found):
    """The people of a paid request as CSV (domain.spreadsheet: a byte-order mark, so that
    Excel shows Arabic names as Arabic, and no name runs as a formula)."""
    schedule, locale = schedule_of(insurance_request), select_locale()
    rows = [
        [
            _("Request reference"),
            _("Civil ID"),
            _("Full name"),
            _("Category"),
            _("Number of years"),
            _("Amount (KD)"),
        ]
    ]
    for person in insurance_request.covered():
        category = schedule.category(person.category_code) if schedule else None
        amount = f"{fils_to_decimal(person.subtotal_fils):.3f}" if person.subtotal_fils is not None else ""
        rows.append(
            [
                insurance_request.reference,
                person.civil_id,
                person.name,
                category.label(locale) if category else person.category_code,
                insurance_request.years,
                amount,
            ]
        )
    return Response(
        csv_document(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=receipt-{insurance_request.reference}.csv"},
    )
