"""Account pages render whole, or as their main content alone for an htmx request."""
from flask import make_response, render_template

from views.htmx import is_htmx


def render(template: str, status: int = 200, **context):
    layout = "accounts/_fragment.html" if is_htmx() else "base.html"
    response = make_response(render_template(template, layout=layout, **context), status)
    response.vary.add("HX-Request")
    return response
