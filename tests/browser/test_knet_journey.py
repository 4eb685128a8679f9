"""Paying through K-Net in Debian's chromium: the app served with PAYMENT_GATEWAY=knet on
one origin, the fake bank (tests/fakes/knet_bank.py, which follows KNET's manual) on
another host. The Pay form must reach the bank's card page (the CSP's form-action); the
bank's server posts the result to /payments/notify and sends the browser where the app's
`REDIRECT=` line says. Approve, decline then a new try, cancel, and a browser that never
comes back, settled by `flask reconcile-payments`."""

import re
import sqlite3
import subprocess
import sys
import time

import pytest
from playwright.sync_api import TimeoutError as PageTimeout
from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps
from tests.fakes.knet_bank import PASSWORD, RESOURCE_KEY, TRANPORTAL_ID, serve_in_thread

# Another host than the app's 127.0.0.1: another origin and another site, as a real bank is.
BANK_HOST = "127.0.0.2"
WORDS = {
    "en": {
        "received": "Health insurance fee receipt",
        "declined": "The bank declined the payment",
        "cancelled": "The payment was cancelled",
    },
    "ar": {"received": "إيصال رسوم الضمان الصحي"},
}


@pytest.fixture(scope="module")
def bank():
    fake = serve_in_thread(host=BANK_HOST)
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def server(live_server_with, bank):
    return live_server_with(
        PAYMENT_GATEWAY="knet",
        KNET_TRANPORTAL_ID=TRANPORTAL_ID,
        KNET_PASSWORD=PASSWORD,
        KNET_RESOURCE_KEY=RESOURCE_KEY,
        KNET_GATEWAY_URL=bank.url,
        KNET_TIMEOUT="5",
    )


class Journey:
    """A person with a request answered, on check-answers; every console message that
    reports a Content-Security-Policy violation is kept."""

    def __init__(self, new_page, server, bank, serial: int, lang: str = "en", js: bool = True):
        self.server, self.bank, self.lang = server, bank, lang
        self.page = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")
        self.csp_violations = []
        self.page.on(
            "console",
            lambda message: (
                self.csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        civil_id, _ = create_account(f"sqlite:///{server.database}", serial=serial)
        steps.log_in(self.page, server.url, civil_id, lang)
        self.reference = steps.request_at_check(self.page.context.request, server.url)
        self.page.goto(f"{server.url}/requests/{self.reference}/check?lang={lang}")

    def pay(self) -> str:
        """Confirm and continue to payment on check-answers, or press Pay on the request's
        page after a try that failed; the bank's card page must load (a blocked redirect
        never gets there). The track id it shows."""
        if "/check" in self.page.url:
            self.page.check("#confirm")
            self.page.locator("main form button[type=submit]").last.click()
        else:
            self.page.locator("main form button.button-start").click()
        card_page = re.compile(re.escape(self.bank.url) + r"/PaymentHTTP\.htm\?param=paymentInit&")
        try:
            self.page.wait_for_url(card_page)
        except PageTimeout:
            pytest.fail(f"the bank's page never loaded; CSP violations: {self.csp_violations}")
        expect(self.page.locator("#bank-name")).to_have_text("K-Net test bank")
        expect(self.page.locator("#amount")).to_have_text("KWD 110.000")
        assert self.csp_violations == []
        self.page.shots.take(self.page, "bank")
        return self.page.locator("#trackid").inner_text()

    def press(self, button: str) -> None:
        self.page.get_by_role("button", name=button).click()

    def on_request_page(self, words: str) -> None:
        self.page.wait_for_url(f"{self.server.url}/requests/{self.reference}")
        expect(self.page.locator("main")).to_contain_text(words)


def test_approve_goes_to_the_receipt(new_page, server, bank):
    journey = Journey(new_page, server, bank, serial=610, lang="ar", js=False)
    track_id = journey.pay()
    assert bank.payments[track_id].langid == "AR"
    journey.press("Approve")
    journey.page.wait_for_url(f"{server.url}/requests/{journey.reference}/receipt")
    expect(journey.page.locator("main h1")).to_have_text(WORDS["ar"]["received"])
    expect(journey.page.locator("main")).to_contain_text(track_id)
    notice = bank.notices[-1]
    assert notice["status"] == 200 and notice["answer"].startswith(f"REDIRECT={server.url}/")
    assert not bank.payments[track_id].voided and journey.csp_violations == []
    journey.page.shots.take(journey.page, "receipt")


def test_decline_then_pay_again_with_a_new_track_id_then_approve(new_page, server, bank):
    journey = Journey(new_page, server, bank, serial=620)
    first = journey.pay()
    journey.press("Decline")
    journey.on_request_page(WORDS["en"]["declined"])
    journey.page.shots.take(journey.page, "declined")
    second = journey.pay()
    assert second != first and bank.track_ids_seen.count(first) == 1
    journey.press("Approve")
    journey.page.wait_for_url(f"{server.url}/requests/{journey.reference}/receipt")
    expect(journey.page.locator("main h1")).to_have_text(WORDS["en"]["received"])
    assert journey.csp_violations == []


def test_cancel(new_page, server, bank):
    journey = Journey(new_page, server, bank, serial=630)
    track_id = journey.pay()
    journey.press("Cancel")
    journey.on_request_page(WORDS["en"]["cancelled"])
    assert bank.refused[-1] == "IPAY0100048" and bank.payments[track_id].result == "CANCELED"
    journey.page.shots.take(journey.page, "cancelled")


def test_the_browser_never_came_back_and_reconcile_settles_it(new_page, server, bank):
    journey = Journey(new_page, server, bank, serial=640)
    track_id = journey.pay()

    # The bank takes the approval, but the connection drops before the browser follows
    # the bank's redirect back (a route cannot stop a redirect, so the bank's answer is
    # fetched for the browser and replaced).
    def connection_lost(route):
        route.fetch(max_redirects=0)
        route.fulfill(status=200, content_type="text/plain", body="The connection was lost.")

    journey.page.route(f"{bank.url}/pay/**", connection_lost)
    journey.press("Approve")
    expect(journey.page.locator("body")).to_contain_text("The connection was lost.")
    deadline = time.monotonic() + 10
    while not any(n["track_id"] == track_id for n in bank.notices) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert any(n["track_id"] == track_id and n["status"] == 200 for n in bank.notices)
    assert status_of(server, track_id) == "awaiting"

    # Minutes pass (reconcile leaves a fresh payment to the browser), then the operator's cron.
    with sqlite3.connect(server.database) as database:
        database.execute(
            "UPDATE payment SET created_at = datetime(created_at, '-10 minutes') WHERE track_id = ?",
            (track_id,),
        )
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "reconcile-payments"],
        cwd=steps.ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 paid" in done.stdout
    assert status_of(server, track_id) == "paid"

    journey.page.goto(f"{server.url}/requests/{journey.reference}?lang=en")
    expect(journey.page.locator("main")).to_contain_text("Payment received for this request.")
    journey.page.shots.take(journey.page, "reconciled")


def status_of(server, track_id: str) -> str:
    with sqlite3.connect(server.database) as database:
        return database.execute("SELECT state FROM payment WHERE track_id = ?", (track_id,)).fetchone()[0]
