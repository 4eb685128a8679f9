"""The catalogues hold exactly the strings the code uses. translations/messages.pot is what
the Makefile's `messages` target would extract from the code today; each language's
messages.po has every one of those strings and no other; Arabic, the default language, has a
translation for each. When this fails: `make messages`, translate in
translations/ar/LC_MESSAGES/messages.po whatever is new (msgstr ""), and commit the three files."""

import re
import shlex
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("ar", "en")
SHOWN = 20  # strings listed in a failure; the count says how many more


def extract_arguments() -> list[str]:
    """The options of the Makefile's `pybabel extract` line, without its output file, so this
    check extracts as `make messages` does."""
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if "pybabel extract " in line:
            arguments = shlex.split(line.partition("pybabel extract ")[2])
            output = arguments.index("-o")
            del arguments[output : output + 2]
            return arguments
    raise AssertionError("the Makefile has no `pybabel extract` line")


def message_ids(path: Path) -> set:
    """A catalogue's message ids: the text, or (singular, plural) for a plural message."""
    with path.open("rb") as file:
        return {message.id for message in read_po(file) if message.id}


def listed(ids) -> str:
    names = sorted(" | ".join(id) if isinstance(id, tuple) else id for id in ids)
    more = f"\n  ... and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return "".join(f"\n  {name!r}" for name in names[:SHOWN]) + more


def translated(message) -> bool:
    """Every form has a text (Arabic has six plural forms), and none is a fuzzy guess."""
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms) and not message.fuzzy


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set:
    """The message ids in the code and templates now, extracted into a scratch file."""
    pot = tmp_path_factory.mktemp("catalogue") / "messages.pot"
    arguments = extract_arguments()
    # The Makefile runs from the project's folder: its paths (babel.cfg, ".") are relative to it.
    arguments = [str(ROOT / word) if word in ("babel.cfg", ".") else word for word in arguments]
    CommandLineInterface().run(["pybabel", "--quiet", "extract", *arguments, "-o", str(pot)])
    return message_ids(pot)


def test_the_extract_uses_the_makefiles_options():
    arguments = extract_arguments()
    assert "--no-location" in arguments and arguments[-1] == "."
    assert ["-F", "babel.cfg"] == arguments[arguments.index("-F") :][:2]


def test_the_template_catalogue_is_what_the_code_holds(extracted):
    committed = message_ids(TRANSLATIONS / "messages.pot")
    new, gone = extracted - committed, committed - extracted
    assert not new and not gone, (
        "translations/messages.pot is out of date: run `make messages`."
        f"\nIn the code, not in messages.pot ({len(new)}):{listed(new)}"
        f"\nIn messages.pot, no longer in the code ({len(gone)}):{listed(gone)}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_has_every_string_and_no_other(extracted, language):
    catalogue = message_ids(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    missing, unused = extracted - catalogue, catalogue - extracted
    assert not missing and not unused, (
        f"translations/{language}/LC_MESSAGES/messages.po is out of date: run `make messages`."
        f"\nMissing ({len(missing)}):{listed(missing)}"
        f"\nUnused ({len(unused)}):{listed(unused)}"
    )


def test_every_arabic_string_is_translated():
    with (TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalogue = read_po(file)
    untranslated = {message.id for message in catalogue if message.id and not translated(message)}
    assert not untranslated, (
        f"Arabic strings with no translation, or a fuzzy one ({len(untranslated)}):{listed(untranslated)}"
    )


def arabic_texts() -> list[str]:
    with (TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalogue = read_po(file)
    texts = []
    for message in catalogue:
        if message.id:
            texts += message.string if isinstance(message.string, tuple) else [message.string]
    return texts


def test_no_arabic_sentence_ends_on_an_amount():
    """An amount in Arabic ends with its own dot («50.000 د.ك.»): a full stop after it
    reads «د.ك..». The sentence puts the amount elsewhere, or in brackets."""
    ending = [text for text in arabic_texts() if re.search(r"%\((amount|fee|limit|total)\)s\.", text)]
    assert not ending, "\n".join(ending)


def test_arabic_lists_use_the_arabic_comma():
    """«،» between Arabic words: a Latin comma among them is a foreign mark."""
    latin = [text for text in arabic_texts() if re.search(r"[\u0600-\u06ff]\s*,|,\s*[\u0600-\u06ff]", text)]
    assert not latin, "\n".join(latin)
