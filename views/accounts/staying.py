"""«Stay signed in»: the warning before a log-in ends for lack of use posts here, which
counts as using it."""

from flask import g, redirect, request, url_for

from views.accounts import bp
from web.applicant_session import safe_next, still_here


@bp.post("/session/stay")
def stay_signed_in():
    if g.get("user") is None:
        return "", 401
    still_here()
    if request.headers.get("X-Requested-With") == "fetch":  # tameen.js
        return "", 204
    return redirect(safe_next(request.form.get("next")) or url_for("requests.my_requests"))
