"""The blueprints that several desk modules add pages to. Templates name their endpoints
`desk_search.*` (home.py, search.py, request_page.py) and `desk_admin.*` (audit.py,
export.py, schedules.py), so each is defined here once and app.py registers it once."""

from flask import Blueprint

from views.desk.labels import labels

desk_search = Blueprint("desk_search", __name__, url_prefix="/desk")
desk_admin = Blueprint("desk_admin", __name__, url_prefix="/desk")
for blueprint in (desk_search, desk_admin):
    blueprint.context_processor(labels)
