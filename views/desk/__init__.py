"""The operator's desk, as pages: login.py (password and TOTP), home.py (the front page),
search.py (payment search), request_page.py (a request's whole story), duplicates.py (one
civil ID covered twice), refunds.py (the refund queue and decisions), audit.py,
export.py, schedules.py and claims.py (a civil ID claimed by its owner) for admins only.
labels.py names every state and audit action for the desk's templates."""

from views.desk import (
    audit,
    blueprints,
    claims,
    duplicates,
    export,
    home,
    login,
    refunds,  # noqa: F401
    request_page,
    schedules,
    search,
)

# The modules above add their pages to these blueprints when they are imported.
BLUEPRINTS = (login.bp, blueprints.desk_search, refunds.bp, blueprints.desk_admin, claims.bp)
