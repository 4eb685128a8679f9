"""Reading uploaded lists of people: CSV as Excel writes it, XLSX, refused files, and
splitting into requests under the per-payment limit."""

import io
import re
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from domain import uploads
from domain.fee_schedule import load_schedule
from domain.uploads import Priced, UploadRefused, read_rows, split_into_requests

LIMIT = 200 * 1024
SEED = Path(__file__).resolve().parents[3] / "fee_schedules" / "seed.toml"
EN = "Civil ID,Full name,Category,Passport number,Passport expiry,Years\r\n"


def refused(data: bytes) -> str:
    with pytest.raises(UploadRefused) as caught:
        read_rows(data, LIMIT)
    return caught.value.code


def test_csv_with_commas_and_row_numbers():
    rows = read_rows(
        (
            EN + "285061200113,Ali,worker,A1234567,2030-01-01,2\r\n\r\n"
            "290031500118,Mona,domestic_worker,B7654321,2031-01-01,1\r\n"
        ).encode(),
        LIMIT,
    )
    assert [row.number for row in rows] == [2, 4]
    assert rows[0].values == {
        "civil_id": "285061200113",
        "name": "Ali",
        "category": "worker",
        "passport_number": "A1234567",
        "passport_expiry": "2030-01-01",
        "years": "2",
    }


def test_arabic_csv_with_bom_semicolons_and_arabic_indic_digits():
    text = (
        "\ufeffالرقم المدني;الاسم الكامل;الفئة;رقم الجواز;تاريخ انتهاء الجواز;عدد السنوات\n"
        "٢٨٥٠٦١٢٠٠١١٣;علي حسن;عامل;A123456;٢٠٣٠-٠١-٠١;٢\n"
    )
    [row] = read_rows(text.encode("utf-8"), LIMIT)
    assert row.values["civil_id"] == "٢٨٥٠٦١٢٠٠١١٣" and row.values["name"] == "علي حسن"
    assert row.number == 2


def test_csv_from_arabic_windows_excel_without_utf8():
    text = "Civil ID;Full name;Category;Passport number;Passport expiry;Years\n1;علي;x;y;z;1\n"
    [row] = read_rows(text.encode("cp1256"), LIMIT)
    assert row.values["name"] == "علي"


def test_columns_in_any_order_and_extra_columns_ignored():
    data = "Years,Notes,Full name,Civil ID,Passport expiry,Category,Passport number\n2,x,Ali,1,d,c,p\n"
    [row] = read_rows(data.encode(), LIMIT)
    assert row.values == {
        "years": "2",
        "name": "Ali",
        "civil_id": "1",
        "passport_expiry": "d",
        "category": "c",
        "passport_number": "p",
    }


def xlsx(lines, **extra) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in lines:
        sheet.append(line)
    for cell, value in extra.items():
        sheet[cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_numbers_and_dates_become_text_and_formulas_are_not_worked_out():
    data = xlsx(
        [list(uploads.HEADINGS["en"]), [285061200113, "Ali", "worker", "A1234567", date(2030, 1, 1), 2.0]],
        A3="=1+1",
        B3="Formula row",
        C3="worker",
        D3="A1",
        E3="2030-01-01",
        F3=1,
    )
    first, second = read_rows(data, LIMIT)
    assert first.values["civil_id"] == "285061200113"
    assert first.values["passport_expiry"] == "2030-01-01" and first.values["years"] == "2"
    assert second.values["civil_id"] == ""  # no cached value: nothing, never a calculation


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", uploads.EMPTY),
        (b"   \r\n", uploads.EMPTY),
        (EN.encode(), uploads.EMPTY),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", uploads.NOT_A_SPREADSHEET),
        (b"%PDF-1.4\n\xff\xfe\x00\x01", uploads.NOT_A_SPREADSHEET),
        (b"PK\x03\x04 not really a zip", uploads.NOT_A_SPREADSHEET),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, uploads.OLD_EXCEL),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"),
            uploads.PASSWORD_PROTECTED,
        ),
        (b"name,phone\nAli,5000\n", uploads.MISSING_COLUMNS),
    ],
)
def test_bad_files_are_refused_with_a_reason(data, code):
    assert refused(data) == code


def test_missing_columns_are_named():
    with pytest.raises(UploadRefused) as caught:
        read_rows(b"Civil ID,Full name\n1,2\n", LIMIT)
    assert caught.value.params["missing"] == ["category", "passport_number", "passport_expiry", "years"]


def test_too_big_and_too_many_rows():
    assert refused(b"x" * (LIMIT + 1)) == uploads.TOO_BIG
    many = EN + "1,a,b,c,d,1\n" * (uploads.MAX_ROWS + 1)
    assert refused(many.encode()) == uploads.TOO_MANY_ROWS
    assert len(read_rows((EN + "1,a,b,c,d,1\n" * uploads.MAX_ROWS).encode(), LIMIT)) == uploads.MAX_ROWS


def test_a_zip_bomb_is_refused_before_it_is_opened():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (30 * 1024 * 1024))
    assert len(out.getvalue()) < LIMIT
    assert refused(out.getvalue()) == uploads.ZIP_BOMB


def test_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", b"jpeg")
    assert refused(out.getvalue()) == uploads.NOT_A_SPREADSHEET


def test_a_broken_workbook_is_unreadable():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml at all <")
    assert refused(out.getvalue()) == uploads.UNREADABLE


def test_categories_by_code_or_label_in_either_language():
    find = uploads.category_finder(load_schedule(SEED))
    assert find("worker") == "worker"
    assert find("  Domestic   worker ") == "domestic_worker"
    assert find("عمالة منزلية") == "domestic_worker"
    assert find("astronaut") == "astronaut"


def test_template_csv_has_a_bom_and_the_headings():
    data = uploads.template_csv("ar")
    assert data.startswith("\ufeff".encode())
    assert read_rows(data + b"1,2,3,4,5,6\r\n", LIMIT)[0].values["years"] == "6"


def test_split_keeps_every_request_under_the_limit_and_one_years_each():
    people = [Priced(n, 1 + n % 2, 50_000 * (1 + n % 2)) for n in range(2, 1002)]
    groups = split_into_requests(people, max_fils=1_000_000, max_people=20)
    assert all(sum(p.subtotal_fils for p in g) <= 1_000_000 and len(g) <= 20 for g in groups)
    assert all(len({p.years for p in g}) == 1 for g in groups)
    assert sorted(p.number for g in groups for p in g) == list(range(2, 1002))
    assert sum(p.subtotal_fils for g in groups for p in g) == sum(p.subtotal_fils for p in people)


def test_a_person_whose_fee_alone_passes_the_limit_cannot_be_split():
    with pytest.raises(ValueError):
        split_into_requests([Priced(2, 5, 250_000)], max_fils=100_000, max_people=20)


def test_duplicate_rows_after_the_first():
    assert uploads.duplicate_rows(["a", None, "b", "a", None, "a"]) == {3, 5}


def far_cell_xlsx(declared=True) -> bytes:
    """The review's 4.9 KB workbook: a person, and one cell at Excel's last row. openpyxl
    fills the gap with empty rows, a million of them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(uploads.HEADINGS["en"]))
    sheet.append(["285061200113", "Ali", "worker", "A1234567", "2030-01-01", 2])
    sheet.cell(row=1048576, column=1, value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue() if declared else without_dimension(out.getvalue())


def without_dimension(data: bytes) -> bytes:
    """The workbook with its sheets' <dimension> taken out: a sheet need not declare it."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            content = source.read(part.filename)
            if part.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"<dimension [^>]*/>", b"", content)
            archive.writestr(part.filename, content)
    return out.getvalue()


def test_a_sheet_declaring_a_million_rows_is_refused_before_reading():
    data = far_cell_xlsx()
    assert len(data) < 5 * 1024
    started = time.monotonic()
    with pytest.raises(UploadRefused) as caught:
        read_rows(data, LIMIT)
    assert time.monotonic() - started < 1
    assert caught.value.code == uploads.SHEET_TOO_LONG
    assert caught.value.params == {"rows": 1048576, "max": uploads.MAX_ROWS}


def test_a_sheet_that_does_not_declare_its_size_ends_at_a_run_of_empty_rows():
    data = far_cell_xlsx(declared=False)
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    started = time.monotonic()
    [row] = read_rows(data, LIMIT)
    assert time.monotonic() - started < 1
    assert row.number == 2 and row.values["name"] == "Ali"


def test_people_after_a_short_gap_are_read_and_after_a_long_one_are_not():
    person = "285061200113,Ali,worker,A1234567,2030-01-01,2\r\n"
    short = EN + person + "\r\n" * (uploads.ENDING_EMPTY_ROWS - 1) + person
    assert [row.number for row in read_rows(short.encode(), LIMIT)] == [2, uploads.ENDING_EMPTY_ROWS + 2]
    long = EN + person + ",,,,,\r\n" * uploads.ENDING_EMPTY_ROWS + person
    assert [row.number for row in read_rows(long.encode(), LIMIT)] == [2]


def test_a_sheet_reaching_past_the_rows_a_list_may_have_is_refused():
    """People spread down the sheet in gaps shorter than the run that ends it."""
    gap = uploads.ENDING_EMPTY_ROWS - 1
    lines = [list(uploads.HEADINGS["en"])]
    while len(lines) <= uploads.MAX_SHEET_ROWS:
        lines += [["285061200113", "Ali", "worker", "A1", "2030-01-01", 1]] + [[None] * 6] * gap
    with pytest.raises(UploadRefused) as caught:
        read_rows(without_dimension(xlsx(lines)), LIMIT)
    assert caught.value.code == uploads.SHEET_TOO_LONG


def test_reading_grows_with_the_rows_not_their_square():
    """A thousand people, read in a small fraction of a second, in a sheet that declares
    its size and in one that does not."""
    people = [[f"28506{n:07d}", "Worker", "worker", "A1", "2030-01-01", 1] for n in range(uploads.MAX_ROWS)]
    data = xlsx([list(uploads.HEADINGS["en"]), *people])
    for workbook in (data, without_dimension(data)):
        started = time.monotonic()
        assert len(read_rows(workbook, 2 * LIMIT)) == uploads.MAX_ROWS
        assert time.monotonic() - started < 1


CATEGORIES = [("worker", "Worker (Art. 18)"), ("domestic_worker", "Domestic worker, at home (Art. 20)")]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_csv_template_lists_the_categories_and_an_example_that_is_not_read(language):
    data = uploads.template_csv(language, CATEGORIES)
    text = data.decode("utf-8-sig")
    assert "# worker,Worker (Art. 18)" in text
    assert '"Domestic worker, at home (Art. 20)"' in text
    assert "#291030104196" in text and "31/12/2030" in text
    with pytest.raises(uploads.UploadRefused) as refused:  # as it came: nobody in it
        read_rows(data, LIMIT)
    assert refused.value.code == uploads.EMPTY
    rows = read_rows(data + b"279040907388,Sara,worker,B7654321,31/12/2030,1\r\n", LIMIT)
    assert [row.values["civil_id"] for row in rows] == ["279040907388"]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_xlsx_template_has_an_example_row_that_is_not_read_and_a_sheet_of_categories(language):
    book = openpyxl.load_workbook(io.BytesIO(uploads.template_xlsx(language, CATEGORIES)))
    people, categories = book.worksheets
    assert [cell.value for cell in people[2]][0] == "#291030104196"
    assert [cell.value for cell in people[2]][2] == "Worker (Art. 18)"
    assert ["worker", "Worker (Art. 18)"] in [[cell.value for cell in row] for row in categories.iter_rows()]
    with pytest.raises(uploads.UploadRefused):
        read_rows(uploads.template_xlsx(language, CATEGORIES), LIMIT)
