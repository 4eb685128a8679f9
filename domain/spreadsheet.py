"""The cells of every CSV file the app writes, safe to open in a spreadsheet.

A spreadsheet runs a cell that begins with = + - or @ as a formula (some skip a leading
tab, carriage return, space or quote first). And it splits a line at its own list
separator, which is not always the comma: in many Arabic locales it is the semicolon,
and some take the tab. So a name `Ali;=1+2` arrives there as a cell `=1+2`. Every value
is therefore written as text: an apostrophe wherever a formula could begin (at its start,
and after any separator or line break), and the whole cell quoted when it holds a
separator, a quote or a line break, so that a reader splitting on commas keeps it whole.
"""

from collections.abc import Iterable, Iterator

FORMULA_STARTS = frozenset("=+-@\t\r")
SEPARATORS = frozenset(",;\t\r\n")
_QUOTED_WHEN_HELD = SEPARATORS | {'"'}
# Between a separator and a formula: spaces, and quotes a reader may take as quoting.
_SKIPPED_BEFORE_A_FORMULA = frozenset(' "')


def safe_text(value) -> str:
    """`value` as text, with an apostrophe before each place a formula could begin: its
    start, and right after a separator or line break, spaces and quotes skipped."""
    text = "" if value is None else str(value)
    out = []
    cell_starts = True
    for character in text:
        if cell_starts and character in FORMULA_STARTS:
            out.append("'")
        out.append(character)
        cell_starts = character in SEPARATORS or (cell_starts and character in _SKIPPED_BEFORE_A_FORMULA)
    return "".join(out)


def safe_cell(value) -> str:
    """`value` as one field of a comma-separated line: safe_text, quoted (its quotes
    doubled) when it holds a separator, a quote or a line break."""
    text = safe_text(value)
    if any(character in _QUOTED_WHEN_HELD for character in text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_document(rows: Iterable[Iterable]) -> bytes:
    """The rows as CSV: comma-separated lines ending in CRLF, every cell through
    safe_cell, UTF-8 with a byte order mark so that spreadsheets show Arabic as Arabic."""
    return b"".join(csv_chunks(rows))


def csv_chunks(rows: Iterable[Iterable], lines_per_chunk: int = 500) -> Iterator[bytes]:
    """csv_document a piece at a time, as the rows come: a download of any length is
    written in the memory of a few hundred lines."""
    yield "\ufeff".encode()
    lines = []
    for row in rows:
        lines.append(_line(row))
        if len(lines) == lines_per_chunk:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def _line(row: Iterable) -> str:
    cells = [safe_cell(value) for value in row]
    if cells == [""]:  # an empty line would read as no cells at all
        cells = ['""']
    return ",".join(cells) + "\r\n"
