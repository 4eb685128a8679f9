"""Checking and pricing an uploaded list of 1,000 people: reading the file (CSV and XLSX),
every row through the people page's rules, the duplicate and paid-already checks, and the
split into requests under the per-payment limit. The aim: under 2 s on a 2-core machine.

Run alone: `.venv/bin/python bench/upload.py [runs]`; prints the best and median of each.
"""

import io
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import clock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROWS = 1000
CATEGORIES = ("worker", "Domestic worker", "إقامة تجارية", "student")


def people_csv() -> bytes:
    from domain.civil_id import check_digit

    expiry = (clock.today_in_kuwait() + timedelta(days=6 * 366)).isoformat()
    lines, serial = ["الرقم المدني;الاسم الكامل;الفئة;رقم الجواز;تاريخ انتهاء الجواز;عدد السنوات"], 0
    while len(lines) <= ROWS:
        serial += 1
        first11 = f"2850612{serial:04d}"
        digit = check_digit(first11)
        if digit is None:
            continue
        n = len(lines)
        lines.append(f"{first11}{digit};موظف رقم {n};{CATEGORIES[n % 4]};A{n:07d};{expiry};{1 + n % 3}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def people_xlsx(csv_bytes: bytes) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for line in csv_bytes.decode("utf-8-sig").splitlines():
        book.active.append(line.split(";"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main(runs: int = 5) -> None:
    from app import create_app
    from domain.uploads import read_rows
    from models import User
    from services.uploads import covered_civil_ids
    from views.uploads.checking import check_upload
    from web.fee_schedules import active_schedule

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "APP_ENV": "testing",
                "SECRET_KEY": "b" * 64,
                "INSTANCE_PATH": folder,
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "MIGRATE_ON_START": True,
            }
        )
        with app.app_context():  # the uploader, whose own paid requests the check looks through
            officer = User.create(
                civil_id="280050512345", mobile="+96550000000", language="ar", account_kind="company"
            )
        data = {"CSV": people_csv()}
        data["XLSX"] = people_xlsx(data["CSV"])
        limit = app.config["MAX_PAYMENT_FILS"]
        print(f"{ROWS} people, MAX_PAYMENT_FILS={limit}, best and median of {runs} runs")
        for kind, content in data.items():
            times = []
            for _run in range(runs):
                with app.test_request_context("/?lang=ar"):
                    started = time.perf_counter()
                    rows = read_rows(content, app.config["UPLOAD_MAX_BYTES"])
                    today = clock.today_in_kuwait()
                    checked = check_upload(
                        rows,
                        active_schedule(),
                        today,
                        limit,
                        lambda ids, today=today: covered_civil_ids(officer, ids, today),
                    )
                    requests = checked.requests(limit)
                    times.append(time.perf_counter() - started)
            assert len(checked.ready) == ROWS, checked.problems[:3]
            print(
                f"{kind:4} ({len(content) // 1024} KB): read, check and price {ROWS} rows in "
                f"{min(times):.2f} s best, {statistics.median(times):.2f} s median; "
                f"{len(requests)} requests, KD {checked.total_fils / 1000:,.3f}"
            )


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:2]])
