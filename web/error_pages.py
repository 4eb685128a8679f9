"""Bilingual error pages; a 500 never shows a traceback, and every 5xx leaves one error
line with its traceback in the log."""

import logging

from flask import current_app, g, has_request_context, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from web.htmx import is_htmx
from web.page_cache import public_page

MESSAGES = {
    400: (_l("Something in the request was not right"), _l("Go back, check your answers and try again.")),
    403: (_l("You cannot open this page"), _l("This page is not available to your account.")),
    404: (_l("Page not found"), _l("Check the address, or start again from the home page.")),
    405: (_l("That action is not allowed here"), _l("Go back and use the buttons on the page.")),
    413: (_l("What you sent is too large"), _l("Go back, shorten your answers and try again.")),
    429: (_l("Too many attempts"), _l("For your security, please wait before trying again.")),
    500: (
        _l("Sorry, something went wrong on our side"),
        _l("Your answers are saved. Please try again in a few minutes."),
    ),
}
CSRF_MESSAGE = (
    _l("This form has expired"),
    _l("For your security, forms expire. Go back, reload the page and submit it again."),
)


def render_error(code: int, title, detail, retry_after: int | None = None):
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    in_place = is_htmx()
    if in_place:
        # The pages' htmx-config swaps error answers into the request's target, so the
        # message shows where the answer was awaited; an error is no address to go back to.
        headers["HX-Push-Url"] = "false"

    def build():
        return render_template(
            "partials/error.html" if in_place else "error.html",
            code=code,
            title=title,
            detail=detail,
            retry_after=retry_after,
            in_place=in_place,
        ), code

    # The same for every visitor of a language, unless the page's language link leads back
    # to the address asked (a GET that reached a view) or it counts down a wait.
    if retry_after or (request.endpoint is not None and request.method == "GET"):
        return *build(), headers
    response = public_page(build, key=("error", code, str(title)), public=False)
    response.headers.extend(headers)
    return response


def handle_http_error(error: HTTPException):
    code = error.code
    if code >= 500 and getattr(error, "original_exception", None) is None:
        # Flask logs the exceptions it turns into a 500 itself; not those raised as HTTP errors.
        current_app.log_exception((type(error), error, error.__traceback__))
    if isinstance(error, CSRFError):
        title, detail = CSRF_MESSAGE
    else:
        title, detail = MESSAGES.get(code) or MESSAGES[500 if code >= 500 else 400]
    retry_after = getattr(error, "retry_after", None)
    return render_error(code, title, detail, retry_after)


class OneLinePerFault(logging.Filter):
    """Drops an error record whose exception was already logged in this request: the
    same exception raised at the same place. An after-request hook that fails on the page
    fails again on the error page, and Flask logs each failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info or not record.exc_info[1] or not has_request_context():
            return True
        _kind, error, trace = record.exc_info
        while trace is not None and trace.tb_next is not None:
            trace = trace.tb_next
        place = (trace.tb_frame.f_code.co_filename, trace.tb_lineno) if trace else None
        fault = (type(error), str(error), place)
        logged = g.setdefault("logged_faults", set())
        if fault in logged:
            return False
        logged.add(fault)
        return True


_ONE_LINE_PER_FAULT = OneLinePerFault()  # one for every app: apps share the "app" logger


def init_app(app) -> None:
    # Unhandled exceptions reach this handler as InternalServerError once Flask has
    # logged them, so a 500 shows this page and never a traceback.
    app.register_error_handler(HTTPException, handle_http_error)
    app.logger.addFilter(_ONE_LINE_PER_FAULT)
