"""Bilingual error pages; a 500 never shows a traceback."""
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from web.htmx import is_htmx

MESSAGES = {
    400: (_l("Something in the request was not right"),
          _l("Go back, check your answers and try again.")),
    403: (_l("You cannot open this page"),
          _l("This page is not available to your account.")),
    404: (_l("Page not found"),
          _l("Check the address, or start again from the home page.")),
    405: (_l("That action is not allowed here"),
          _l("Go back and use the buttons on the page.")),
    429: (_l("Too many attempts"),
          _l("For your security, please wait before trying again.")),
    500: (_l("Sorry, something went wrong on our side"),
          _l("Your answers are saved. Please try again in a few minutes.")),
}
CSRF_MESSAGE = (_l("This form has expired"),
                _l("For your security, forms expire. Go back, reload the page and submit it again."))


def render_error(code: int, title, detail, retry_after: int | None = None):
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    in_place = is_htmx()
    if in_place:
        # The pages' htmx-config swaps error answers into the request's target, so the
        # message shows where the answer was awaited; an error is no address to go back to.
        headers["HX-Push-Url"] = "false"
    response = render_template("partials/error.html" if in_place else "error.html", code=code,
                               title=title, detail=detail, retry_after=retry_after,
                               in_place=in_place)
    return response, code, headers


def handle_http_error(error: HTTPException):
    code = error.code if error.code in MESSAGES else 500
    title, detail = CSRF_MESSAGE if isinstance(error, CSRFError) else MESSAGES[code]
    retry_after = getattr(error, "retry_after", None)
    return render_error(code, title, detail, retry_after)


def init_app(app) -> None:
    # Unhandled exceptions reach this handler as InternalServerError once Flask has
    # logged them, so a 500 shows this page and never a traceback.
    app.register_error_handler(HTTPException, handle_http_error)
