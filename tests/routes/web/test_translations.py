"""Every user-facing string exists in Arabic, and the catalogue knows every string in the code."""

from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ["app.py", "settings.py", "models", "views", "templates", "domain", "gateways"]
METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
}


def arabic_catalogue():
    with open(ROOT / "translations/ar/LC_MESSAGES/messages.po", "rb") as po:
        return read_po(po, locale="ar")


def strings_in_code() -> set[str]:
    found = set()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            messages = extract_from_dir(path, METHOD_MAP, keywords=KEYWORDS)
        elif path.is_file():
            messages = ((None, None, m[1]) for m in extract_from_file("python", path, keywords=KEYWORDS))
        else:
            continue
        found.update(m[2] if isinstance(m[2], str) else m[2][0] for m in messages)
    return found - {""}


def test_every_arabic_entry_is_translated():
    untranslated = [
        message.id
        for message in arabic_catalogue()
        if message.id and not (all(message.string) if message.pluralizable else message.string)
    ]
    assert untranslated == []


def test_no_fuzzy_arabic_entries():
    assert [m.id for m in arabic_catalogue() if m.id and m.fuzzy] == []


def test_catalogue_holds_every_string_in_the_code():
    catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in arabic_catalogue()}
    missing = sorted(strings_in_code() - catalogue)
    assert missing == [], "run `make messages` and translate: " + repr(missing)
