"""CSV cells written as text: no formula wherever a spreadsheet may split a line, and the
values read back as written by a reader that splits on commas."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.spreadsheet import FORMULA_STARTS, SEPARATORS, csv_document, safe_cell, safe_text

# Text rich in what matters here: formula starts, separators, quotes, spaces, Arabic.
TRICKY = st.text(alphabet=st.sampled_from(list("=+-@\t\r\n,; \"'aZ1علي.")), max_size=20)
VALUES = st.one_of(TRICKY, st.text(max_size=20), st.integers(), st.none())
ROWS = st.lists(st.lists(VALUES, min_size=1, max_size=5), min_size=1, max_size=5)


def read(document: bytes, delimiter: str) -> list[list[str]]:
    text = document.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


@pytest.mark.parametrize(
    "value, cell",
    [
        ("Ali;=1+2", '"Ali;\'=1+2"'),
        ("=HYPERLINK()", "'=HYPERLINK()"),
        ("Ali,+1", '"Ali,\'+1"'),
        ("Ali\t@SUM(A1)", '"Ali\t\'@SUM(A1)"'),
        ("Ali; -1", '"Ali; \'-1"'),
        ("\t=1", "\"'\t'=1\""),
        ('Say "hi"', '"Say ""hi"""'),
        ("Ali; Hasan", '"Ali; Hasan"'),
        ("Al-Sabah", "Al-Sabah"),
        ("علي حسن", "علي حسن"),
        ("-5.000", "'-5.000"),
        (None, ""),
        (12, "12"),
    ],
)
def test_cells(value, cell):
    assert safe_cell(value) == cell


@given(ROWS)
def test_a_comma_reader_reads_back_every_cell_as_written(rows):
    assert read(csv_document(rows), ",") == [[safe_text(value) for value in row] for row in rows]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@given(rows=ROWS)
def test_no_field_starts_a_formula_whichever_separator_the_spreadsheet_splits_on(delimiter, rows):
    for line in read(csv_document(rows), delimiter):
        for field in line:
            assert field.lstrip(" \t\r")[:1] not in FORMULA_STARTS - {"\t", "\r"}, line


@given(st.text(alphabet=st.characters(blacklist_characters="".join(FORMULA_STARTS | SEPARATORS | {'"'}))))
def test_text_with_nothing_to_guard_is_unchanged(text):
    assert safe_cell(text) == text


@given(TRICKY)
def test_only_apostrophes_are_added(text):
    guarded = safe_text(text)
    assert guarded.replace("'", "") == text.replace("'", "")
    assert len(guarded) - len(text) == guarded.count("'") - text.count("'")
