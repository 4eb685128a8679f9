"""Language choice: `?lang=ar|en` on any page, remembered in a cookie, Arabic by default."""

from urllib.parse import urlencode

import flask_babel
from flask import current_app, g, request, url_for
from jinja2 import pass_context
from markupsafe import Markup

from domain.dates import format_day, format_kuwait_time
from domain.money import format_fils

LANGUAGES = {"ar": "rtl", "en": "ltr"}
DEFAULT_LANGUAGE = "ar"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    # Asked some twenty times a page (templates call locale()): one look-up through the proxy.
    here = g._get_current_object()
    chosen = here.__dict__.get("locale")
    if chosen is None:
        asked = request.args.get("lang")
        here.locale_changed = asked in LANGUAGES and asked != request.cookies.get(COOKIE)
        if asked in LANGUAGES:
            chosen = asked
        elif request.cookies.get(COOKIE) in LANGUAGES:
            chosen = request.cookies[COOKIE]
        else:
            chosen = DEFAULT_LANGUAGE
        here.locale = chosen
    return chosen


def remember_locale(response):
    if g.get("locale_changed"):
        response.set_cookie(
            COOKIE,
            g.locale,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def text_direction() -> str:
    return LANGUAGES[select_locale()]


def other_language() -> str:
    return "en" if select_locale() == "ar" else "ar"


def switch_language_url() -> str:
    """The current page in the other language; a plain link, so it works without JavaScript.

    Only the address's own arguments go through url_for: the query is the visitor's, and
    url_for would obey keywords in it (`_method`, `_anchor`, `_external`, `_scheme`), so
    it is copied as text, without them."""
    if request.endpoint is None or request.method != "GET":
        return url_for("pages.start", lang=other_language())
    query = [
        (key, value)
        for key, value in request.args.items(multi=True)
        if key != "lang" and not key.startswith("_")
    ]
    query.append(("lang", other_language()))
    return f"{url_for(request.endpoint, **(request.view_args or {}))}?{urlencode(query)}"


def translations():
    """This request's catalogue, found once: Flask-Babel looks it up again for every string
    a template translates. Under force_locale (an SMS in the addressee's language) the
    locale is another object, so the catalogue is found again."""
    here = g._get_current_object()  # one look-up through the proxy, not four
    locale = getattr(getattr(here, "_flask_babel", None), "babel_locale", None)
    found = getattr(here, "catalogue", None)
    if found is not None and locale is not None and found[0] is locale:
        return found[1]
    catalogue = flask_babel.get_translations()
    here.catalogue = (getattr(getattr(here, "_flask_babel", None), "babel_locale", None), catalogue)
    return catalogue


@pass_context
def template_gettext(context, string: str, **variables):
    """Jinja's newstyle `_()`, with each plain string translated and escaped once per
    catalogue rather than on every use: the calculator's pages say some fifty of them."""
    escape = context.eval_ctx.autoescape
    if variables:
        translated = translations().ugettext(string)
        return (Markup(translated) if escape else translated) % variables
    memo = _memo(translations(), escape)
    found = memo.get(string)
    if found is None:
        translated = translations().ugettext(string)
        found = memo[string] = (Markup(translated) if escape else translated) % {}
    return found


def _memo(catalogue, escape: bool) -> dict:
    memos = catalogue.__dict__.setdefault("_template_memos", ({}, {}))
    return memos[escape]


# A list inside a sentence: Arabic's own comma in Arabic, where a Latin one reads as foreign.
LIST_SEPARATORS = {"ar": "، ", "en": ", "}


def list_separator() -> str:
    return LIST_SEPARATORS.get(select_locale(), ", ")


def listing(items) -> Markup:
    """`items` as a list inside a sentence, in this page's language, each escaped."""
    return Markup(list_separator()).join(items)


def money(fils: int) -> str:
    return format_fils(fils, select_locale())


def _identifier(text: str) -> Markup:
    return Markup('<bdi class="id">{}</bdi>').format(text)


def dateformat(value, format=None) -> Markup | str:
    """31/03/2028 in both languages, isolated and on one line (.id) inside a sentence in
    either direction. Flask-Babel's filter of the same name wrote the month in words and,
    in Arabic, in Arabic-Indic digits; `format` ("short", "medium"...) is accepted and ignored
    so that templates need not change."""
    return "" if value is None else _identifier(format_day(value))


def datetimeformat(value, format=None) -> Markup | str:
    """31/03/2028 14:05 on Kuwait's clock, for a stored (naive UTC) instant."""
    return "" if value is None else _identifier(format_kuwait_time(value))


def init_app(app) -> None:
    """Call after Flask-Babel's init_app: its template callables and date filters are replaced here."""
    app.after_request(remember_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals["gettext"] = app.jinja_env.globals["_"] = template_gettext
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["listing"] = listing
    app.jinja_env.filters["dateformat"] = dateformat
    app.jinja_env.filters["datetimeformat"] = datetimeformat
    app.jinja_env.globals.update(
        locale=select_locale,
        text_direction=text_direction,
        other_language=other_language,
        switch_language_url=switch_language_url,
    )
