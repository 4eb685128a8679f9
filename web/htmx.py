"""Full page or fragment: the same URL serves both, chosen by the HX-Request header."""

from flask import make_response, render_template, request

# What decides between page and fragment, for caches to tell the answers apart.
VARY = ("HX-Request", "HX-History-Restore-Request")


def is_htmx() -> bool:
    # Back restores a whole page, even from an htmx that sends HX-Request with it.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_partial(page: str, partial: str, **context):
    response = make_response(render_template(partial if is_htmx() else page, **context))
    response.vary.update(VARY)
    return response
