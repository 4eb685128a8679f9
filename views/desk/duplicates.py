"""Possible double payments across accounts: the same civil ID covered by two paid
requests for overlapping days. The resident is not told (it would show them another
account's cover); the desk sees them here, a page at a time, newest first."""

from flask import render_template, request

from services.double_cover import possible_duplicates
from views.desk.blueprints import desk_search as bp
from web.staff_session import staff_required

PER_PAGE = 50


@bp.get("/duplicates")
@staff_required
def duplicates():
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1
    found, more = possible_duplicates(page, PER_PAGE)
    return render_template("desk/duplicates.html", duplicates=found, page=page, more=more)
