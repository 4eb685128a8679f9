"""Full page or fragment: the same URL serves both, chosen by the HX-Request header."""
from flask import make_response, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page_or_partial(page: str, partial: str, **context):
    response = make_response(render_template(partial if is_htmx() else page, **context))
    response.vary.add("HX-Request")
    return response
