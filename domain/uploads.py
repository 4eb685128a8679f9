"""Lists of people uploaded as a spreadsheet: reading CSV text or XLSX bytes into numbered
rows, the limits a file must keep, and splitting the people into payable requests.

Nothing here knows the web: a refused file raises UploadRefused with a stable `code`
(and `params`) that the web layer translates, as domain.quote's problems are.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.digits import normalise_digits
from domain.fee_schedule import FeeSchedule
from domain.spreadsheet import csv_document

MAX_ROWS = 1000
# How far down a sheet may reach: room for a title, notes, gaps and rows formatted but left
# empty around MAX_ROWS people. An XLSX of a few KB can declare a million rows, and reading
# them all would hold a worker for as long as it took.
MAX_SHEET_ROWS = 5 * MAX_ROWS
# Columns read of each row: the six and whatever else a company keeps beside them.
MAX_COLUMNS = 50
# A run of this many empty rows ends the sheet: nothing under it is read.
ENDING_EMPTY_ROWS = 100
# An XLSX is a zip: its parts, uncompressed, may not add up to more than this, nor be
# packed tighter than this ratio. A real list of 1,000 people is about 200 KB unpacked.
MAX_XLSX_UNCOMPRESSED = 20 * 1024 * 1024
MAX_XLSX_RATIO = 100
MAX_XLSX_PARTS = 200

COLUMNS = ("civil_id", "name", "category", "passport_number", "passport_expiry", "years")
# The headings of the template files, and other names people give these columns.
HEADINGS = {
    "en": ("Civil ID", "Full name", "Category", "Passport number", "Passport expiry", "Years"),
    "ar": ("الرقم المدني", "الاسم الكامل", "الفئة", "رقم الجواز", "تاريخ انتهاء الجواز", "عدد السنوات"),
}
# A line whose first cell starts with NOTE is not read: the templates' example row and
# their list of categories are such lines, so a template uploaded as it came adds nobody.
NOTE = "#"
EXAMPLE = {
    "en": ("#291030104196", "Mohammed Ali Hassan", None, "A1234567", "31/12/2030", "1"),
    "ar": ("#291030104196", "محمد علي حسن", None, "A1234567", "31/12/2030", "1"),
}
NOTES = {
    "en": (
        "# Lines starting with # are not read: the line under the headings is an example. "
        "Write one person per line, anywhere under the headings.",
        "# Categories: write the code or the name",
    ),
    "ar": (
        "# لا تُقرأ الأسطر التي تبدأ بالعلامة #، والسطر تحت العناوين مثال. اكتب كل شخص في سطر تحت العناوين.",
        "# الفئات: اكتب الرمز أو الاسم",
    ),
}
_OTHER_NAMES = {
    "civil_id": ("civil id number", "civil_id", "civil no", "الرقم المدني للشخص"),
    "name": ("name", "الاسم", "الإسم", "الإسم الكامل"),
    "category": ("residency category", "category code", "فئة الإقامة", "نوع الإقامة"),
    "passport_number": ("passport no", "passport", "رقم جواز السفر"),
    "passport_expiry": (
        "passport expiry date",
        "passport expires",
        "انتهاء الجواز",
        "تاريخ انتهاء جواز السفر",
    ),
    "years": ("number of years", "السنوات", "سنوات"),
}

# Refusals of a whole file.
EMPTY = "empty"
TOO_BIG = "too_big"
NOT_A_SPREADSHEET = "not_a_spreadsheet"
OLD_EXCEL = "old_excel"
PASSWORD_PROTECTED = "password_protected"
ZIP_BOMB = "zip_bomb"
UNREADABLE = "unreadable"
MISSING_COLUMNS = "missing_columns"
TOO_MANY_ROWS = "too_many_rows"
SHEET_TOO_LONG = "sheet_too_long"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and Office's encrypted package
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")


class UploadRefused(ValueError):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Row:
    """One person's line: `number` as the spreadsheet shows it (the headings are row 1)."""

    number: int
    values: dict[str, str]


def read_rows(data: bytes, max_bytes: int) -> list[Row]:
    """The people in an uploaded file, CSV or XLSX, told apart by their bytes, not by name."""
    if len(data) > max_bytes:
        raise UploadRefused(TOO_BIG, max_bytes=max_bytes)
    if not data.strip():
        raise UploadRefused(EMPTY)
    if data.startswith(_OLE2):
        raise UploadRefused(PASSWORD_PROTECTED if _ENCRYPTED_STREAM in data else OLD_EXCEL)
    if data.startswith(b"PK"):
        return read_xlsx(data)
    return read_csv(_decoded(data))


def _decoded(data: bytes) -> str:
    if b"\x00" in data[:4096]:  # binary: an image, a PDF, a program
        raise UploadRefused(NOT_A_SPREADSHEET)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # Excel's "CSV" (not "CSV UTF-8") on Arabic Windows
        return data.decode("cp1256")
    except UnicodeDecodeError:
        raise UploadRefused(NOT_A_SPREADSHEET) from None


def read_csv(text: str) -> list[Row]:
    """Comma or semicolon separated (Excel writes semicolons where the comma is the
    decimal sign), UTF-8 with or without a byte-order mark."""
    text = text.lstrip("\ufeff")
    # The separator is the headings' (the first line that is not a note).
    lines = (line for line in text.split("\n") if line.strip() and not line.startswith(NOTE))
    headings = next(lines, "")
    delimiter = max((";", ",", "\t"), key=headings.count)
    try:
        lines = list(_until_data_ends(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error:
        raise UploadRefused(NOT_A_SPREADSHEET) from None
    return _rows_of(lines)


def read_xlsx(data: bytes) -> list[Row]:
    """The first sheet's values as Excel last saved them: formulas are not worked out (their
    cached value is read, or nothing) and macros are never loaded."""
    _check_zip(data)
    import openpyxl  # only when a spreadsheet comes: it is slow to import

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds for a broken file  # noqa: BLE001
        raise UploadRefused(UNREADABLE) from None
    try:
        if not book.worksheets:
            raise UploadRefused(EMPTY)
        sheet = book.worksheets[0]
        # The size the sheet declares (its <dimension>), checked before a row is read.
        if sheet.max_row is not None and sheet.max_row > MAX_SHEET_ROWS:
            raise UploadRefused(SHEET_TOO_LONG, rows=sheet.max_row, max=MAX_ROWS)
        # Bounds of our own too: a sheet need not declare its size, or may declare it wrong.
        values = sheet.iter_rows(max_row=MAX_SHEET_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
        lines = list(_until_data_ends([_cell_text(value) for value in row] for row in values))
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001
        raise UploadRefused(UNREADABLE) from None
    finally:
        book.close()
    if len(lines) > MAX_SHEET_ROWS:
        raise UploadRefused(SHEET_TOO_LONG, rows=len(lines), max=MAX_ROWS)
    return _rows_of(lines)


def _until_data_ends(lines: Iterable[list[str]]) -> Iterator[list[str]]:
    """The lines, cells trimmed, up to the data's end: a run of ENDING_EMPTY_ROWS empty
    lines, or one line past the headings and MAX_ROWS people (enough for _rows_of to
    refuse the file). Counted as they are read, so the cost grows with the lines read."""
    filled = empty_run = 0
    for line in lines:
        trimmed = [cell.strip() for cell in line]
        if any(trimmed):
            filled, empty_run = filled + 1, 0
        else:
            empty_run += 1
            if empty_run == ENDING_EMPTY_ROWS:
                return
        yield trimmed
        if filled > MAX_ROWS + 1:
            return


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(NOT_A_SPREADSHEET) from None
    if not any(part.filename == "[Content_Types].xml" for part in parts):
        raise UploadRefused(NOT_A_SPREADSHEET)
    unpacked = sum(part.file_size for part in parts)
    packed = sum(part.compress_size for part in parts) or 1
    if len(parts) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNCOMPRESSED or unpacked / packed > MAX_XLSX_RATIO:
        raise UploadRefused(ZIP_BOMB)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _heading_key(text: str) -> str:
    cleaned = unicodedata.normalize("NFKC", normalise_digits(text)).casefold().replace("_", " ")
    return re.sub(r"\s+", " ", cleaned).strip(" :*")


def _column_names() -> dict[str, str]:
    names = {column.replace("_", " "): column for column in COLUMNS}
    for headings in HEADINGS.values():
        names.update((_heading_key(heading), column) for column, heading in zip(COLUMNS, headings))
    for column, others in _OTHER_NAMES.items():
        names.update((_heading_key(other), column) for other in others)
    return names


_COLUMN_OF = _column_names()


def _rows_of(lines: list[list[str]]) -> list[Row]:
    filled = [
        (number, line)
        for number, line in enumerate(lines, start=1)
        if any(line) and not line[0].startswith(NOTE)
    ]
    if not filled:
        raise UploadRefused(EMPTY)
    heading_number, heading = filled[0]
    positions = {}
    for position, text in enumerate(heading):
        column = _COLUMN_OF.get(_heading_key(text))
        if column is not None and column not in positions:
            positions[column] = position
    missing = [column for column in COLUMNS if column not in positions]
    if missing:
        raise UploadRefused(MISSING_COLUMNS, missing=missing)
    people = filled[1:]
    if not people:
        raise UploadRefused(EMPTY)
    if len(people) > MAX_ROWS:
        raise UploadRefused(TOO_MANY_ROWS, max=MAX_ROWS)
    return [
        Row(number, {column: line[at] if at < len(line) else "" for column, at in positions.items()})
        for number, line in people
    ]


def _label_key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


def category_finder(schedule: FeeSchedule):
    """A function from a category as typed (its code, or its label in Arabic or English) to
    its code; the text unchanged when it names no category, for the people rules to refuse."""
    known: dict[str, str] = {}
    for category in schedule.categories:
        # The labels with their article too: as the receipt's CSV writes them.
        for name in (
            category.code,
            category.label_ar,
            category.label_en,
            category.label("ar"),
            category.label("en"),
        ):
            known.setdefault(_label_key(name), category.code)
    return lambda text: known.get(_label_key(text), text)


def template_csv(language: str, categories: Sequence[tuple[str, str]] = ()) -> bytes:
    """The template: the headings, an example line that is not read, then notes and the
    list of `categories` (code, name), not read either. UTF-8 with a byte-order mark so
    that Excel opens the Arabic as Arabic."""
    notes = [[NOTES[language][0]], [NOTES[language][1]]]
    notes += [[f"{NOTE} {code}", name] for code, name in categories]
    return csv_document([HEADINGS[language], _example(language, categories), *notes])


def _example(language: str, categories: Sequence[tuple[str, str]]) -> list[str]:
    example = EXAMPLE[language]
    category = categories[0][1] if categories else "worker"
    return [category if cell is None else cell for cell in example]


def template_xlsx(language: str, categories: Sequence[tuple[str, str]] = ()) -> bytes:
    """The template as an Excel workbook: Excel opens a CSV's commas as columns only where
    the comma is the list separator, and in many Arabic locales it is the semicolon. The
    people's sheet has the headings and an example row that is not read; a second sheet
    lists the categories (only the first sheet is read)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "people" if language == "en" else "الأشخاص"
    sheet.sheet_view.rightToLeft = language == "ar"
    sheet.append(HEADINGS[language])
    sheet.append(_example(language, categories))
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 22
        for row in range(2, MAX_ROWS + 2):  # text, so Excel keeps civil IDs' digits as typed
            sheet[f"{column}{row}"].number_format = "@"
    listed = book.create_sheet("categories" if language == "en" else "الفئات")
    listed.sheet_view.rightToLeft = language == "ar"
    listed.append([NOTES[language][0]])
    listed.append([NOTES[language][1]])
    for code, name in categories:
        listed.append([code, name])
    listed.column_dimensions["A"].width = 26
    listed.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Priced:
    """A person ready to go on a request: where they came from, and their fee."""

    number: int
    years: int
    subtotal_fils: int


def split_into_requests(people: Iterable[Priced], max_fils: int, max_people: int) -> list[list[Priced]]:
    """The people as requests: one number of years each, at most `max_people` people, and
    a total of at most `max_fils`, so that no one payment passes the card's limit. In file
    order within each request. A person whose own fee passes `max_fils` cannot be paid
    online: ValueError (the checking refuses such a row first)."""
    by_years: dict[int, list[Priced]] = {}
    for person in people:
        if person.subtotal_fils > max_fils:
            raise ValueError(f"row {person.number}'s fee passes the per-payment limit")
        by_years.setdefault(person.years, []).append(person)
    requests: list[list[Priced]] = []
    for years in sorted(by_years):
        current: list[Priced] = []
        total = 0
        for person in by_years[years]:
            if current and (len(current) == max_people or total + person.subtotal_fils > max_fils):
                requests.append(current)
                current, total = [], 0
            current.append(person)
            total += person.subtotal_fils
        if current:
            requests.append(current)
    return requests


def duplicate_rows(civil_ids: Sequence[str | None]) -> set[int]:
    """Indexes of the rows whose civil ID an earlier row of the file holds already."""
    seen: set[str] = set()
    repeated = set()
    for index, civil_id in enumerate(civil_ids):
        if civil_id is None:
            continue
        if civil_id in seen:
            repeated.add(index)
        seen.add(civil_id)
    return repeated
