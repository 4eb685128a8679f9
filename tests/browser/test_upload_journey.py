"""A company's officer uploads a list with three bad rows, sees them, drops them, pays the
request the rest became in the sandbox bank, and downloads the receipt's CSV."""

import re
import sqlite3

from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps
from tests.helpers import civil_id_for

HEADINGS = "Civil ID,Full name,Category,Passport number,Passport expiry,Years"


def people_file() -> bytes:
    good = [civil_id_for(n * 3, born="850612") for n in range(1, 3)]
    wrong_check_digit = good[0][:11] + str((int(good[0][11]) + 1) % 10)
    lines = [
        HEADINGS,
        f"{good[0]},Ali Hassan,worker,A1234567,{steps.PASSPORT_EXPIRY},1",
        f"{wrong_check_digit},Bad Civil Id,worker,A1234567,{steps.PASSPORT_EXPIRY},1",
        f"{civil_id_for(30, born='850612')},Unknown Category,astronaut,A1234567,{steps.PASSPORT_EXPIRY},1",
        f"{civil_id_for(33, born='850612')},Old Passport,worker,A1234567,2020-01-01,1",
        f"{good[1]},عمالة منزلية,Domestic worker,B7654321,{steps.PASSPORT_EXPIRY},1",
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_upload_drop_bad_rows_pay_and_download_the_receipt_csv(live_server, new_page, tmp_path):
    base = live_server.url
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=610)
    with sqlite3.connect(live_server.database) as database:
        database.execute("UPDATE user SET account_kind = 'company' WHERE civil_id = ?", (civil_id,))
    page = new_page(js=True, locale="en-GB")
    steps.log_in(page, base, civil_id, "en")

    page.goto(f"{base}/requests?lang=en")
    page.get_by_role("link", name="Upload a list of people").click()
    page.wait_for_url("**/uploads/new")
    page.set_input_files(
        "#people_file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": people_file()}]
    )
    # The organisation is the sponsor unless another is chosen: its name and file number.
    page.fill("#company_name", "Gulf Trading Company")
    page.fill("#company_file_number", "201945678")
    page.check("input[name=insurance_status][value=new]")
    page.shots.take(page, "upload")
    page.get_by_role("button", name="Upload and check").click()

    # The three bad rows, each with its row number, column and message.
    page.wait_for_url(re.compile(r".*/uploads/\d+$"))
    problems = page.locator("table.upload-problems tbody tr")
    expect(problems).to_have_count(3)
    numbers = [problems.nth(i).locator("td").first.inner_text() for i in range(3)]
    assert numbers == ["3", "4", "5"]
    expect(problems.nth(1)).to_contain_text("Category")
    expect(page.locator("[data-ready]")).to_have_text("2")
    page.shots.take(page, "problems")

    page.get_by_role("button", name=re.compile("Drop the 3 rows with problems")).click()
    link = page.locator("a[data-upload-request]")
    expect(link).to_have_count(1)
    page.shots.take(page, "requests")
    reference = link.inner_text()
    link.click()

    # The request's own check answers, confirm, pay in the sandbox bank.
    page.wait_for_url(f"**/requests/{reference}/check")
    expect(page.locator("main")).to_contain_text("Ali Hassan")
    page.check("#confirm")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/sandbox-bank/pay/**")
    page.get_by_role("button", name="Approve (test)").click()
    page.wait_for_url(f"**/requests/{reference}/receipt")
    expect(page.locator("main h1")).to_have_text("Health insurance fee receipt")
    expect(page.locator("main")).to_contain_text("Payment received")
    page.shots.take(page, "receipt")

    with page.expect_download() as download:
        page.locator("a[data-receipt-csv]").click()
    saved = tmp_path / "receipt.csv"
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and reference in lines[1]
    assert "Ali Hassan" in data.decode("utf-8-sig") and "عمالة منزلية" in data.decode("utf-8-sig")
