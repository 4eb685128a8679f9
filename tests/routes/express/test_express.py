"""Express payment without an account: the sponsor's code, the workers (at most ten, of
the categories the operator allows), years, check answers, paying through the sandbox
bank, the receipt behind its secret link (404 for any other), its refund after a code to
the same mobile, and an account with the same civil ID and mobile claiming the request."""

from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

import clock
import commands
from models import ExpressSponsor, InsuranceRequest, OneTimeCode, Payment, Refund
from tests.helpers import (
    GOOD_IBAN,
    REFUND_FORM,
    civil_id_for,
    form_post,
    latest_code,
    make_app,
    make_staff,
    mobile_for,
    register_and_login,
    sms_to,
    staff_login,
    stored,
    use_outbox,
)

SPONSOR = civil_id_for(41, born="700505")
MOBILE = mobile_for(41)
E164 = "+965" + MOBILE
EXPIRY = (clock.today_in_kuwait() + timedelta(days=365 * 4)).isoformat()
DOMESTIC_FEE = 5_000  # the seed schedule's domestic worker, a year


def worker(i, serial=None, name="Maria Santos", category="domestic_worker", expiry=EXPIRY):
    civil_id = civil_id_for(100 + 10 * (serial if serial is not None else i), born="950101")
    return {
        f"people-{i}-civil_id": civil_id,
        f"people-{i}-name": name,
        f"people-{i}-category": category,
        f"people-{i}-passport_expiry": expiry,
    }


def workers(count):
    rows = {}
    for i in range(count):
        rows.update(worker(i))
    return rows


def prove_mobile(client, civil_id=SPONSOR, mobile=MOBILE):
    use_outbox(client.application)
    response = form_post(client, "/express", {"civil_id": civil_id, "mobile": mobile})
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith("/express/code")
    response = form_post(client, "/express/code", {"code": latest_code("+965" + mobile)})
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith("/express/workers")


def until_check(client, count=2, years="1"):
    prove_mobile(client)
    response = form_post(client, "/express/workers", {**workers(count), "action": "continue"})
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith("/express/years")
    response = form_post(client, "/express/years", {"insurance_status": "new", "years": years})
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith("/express/check")


def the_request() -> InsuranceRequest:
    return InsuranceRequest.select().order_by(InsuranceRequest.id.desc()).get()


def pay_in_sandbox(client, choice="approve"):
    assert (
        form_post(client, "/express/check", {"confirm": "y", "version": str(the_request().version)})
        .headers["Location"]
        .endswith("/express/pay")
    )
    bank = form_post(client, "/express/pay")
    assert bank.status_code == 303 and bank.headers["Location"].startswith("/sandbox-bank/pay/")
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": choice})
    return client.get(back.headers["Location"])


def paid(client, count=2):
    until_check(client, count)
    back = pay_in_sandbox(client)
    assert back.status_code == 303
    sponsor = ExpressSponsor.get()
    assert back.headers["Location"].endswith(f"/express/receipts/{sponsor.receipt_token}")
    return sponsor


@pytest.fixture
def english(client):
    client.get("/?lang=en")
    return client


def test_the_start_page_links_to_express_payment(english):
    page = english.get("/")
    assert 'href="/express"' in page.text
    assert "Pay for a domestic worker without an account" in page.text


def test_the_whole_express_flow_pays_the_frozen_amount_and_sends_the_receipt_link(english):
    sponsor = paid(english, count=2)
    insurance_request = sponsor.request
    assert insurance_request.owner_id is None
    assert insurance_request.state == InsuranceRequest.PAID
    assert insurance_request.total_fils == 2 * DOMESTIC_FEE
    assert [p.subtotal_fils for p in insurance_request.covered()] == [DOMESTIC_FEE] * 2
    assert insurance_request.sponsor_civil_id == SPONSOR
    link_sms = sms_to(E164)[-1]
    assert f"/express/receipts/{sponsor.receipt_token}" in link_sms
    assert insurance_request.reference in link_sms
    # The link works in any browser, without logging in.
    stranger = english.application.test_client()
    receipt = stranger.get(f"/express/receipts/{sponsor.receipt_token}?lang=en")
    assert receipt.status_code == 200
    assert "Payment received" in receipt.text and insurance_request.reference in receipt.text
    assert "/verify/" in receipt.text  # the same receipt, QR check included
    assert receipt.headers["Referrer-Policy"] == "no-referrer"
    assert "/receipt.csv" not in receipt.text and "/receipt/people" not in receipt.text  # log-in only


def test_a_track_id_without_the_journeys_session_opens_nothing(english):
    """The track id is printed on the receipt and guessable in part: it names a payment
    and is no key. Only the browser that paid goes on to the secret receipt link."""
    sponsor = paid(english, count=2)
    track_id = Payment.get().track_id
    people = sponsor.request.covered()
    names_and_ids = [p.name for p in people] + [p.civil_id for p in people]
    stranger = english.application.test_client()
    for method in (stranger.get, stranger.post):
        answer = method(f"/payments/return?trackid={track_id}&lang=en", follow_redirects=True)
        assert answer.status_code == 200 and answer.request.path == "/payments/return"
        assert "Payment received" in answer.text
        assert "The link to your receipt is in the SMS we sent to your mobile." in answer.text
        assert sponsor.receipt_token not in answer.text and "/express/receipts/" not in answer.text
        assert not any(secret in answer.text for secret in names_and_ids + [SPONSOR, MOBILE])
        assert answer.headers["Cache-Control"] == "no-store"
    arabic = stranger.get(f"/payments/return?trackid={track_id}&lang=ar")
    assert "الرسالة النصية" in arabic.text and sponsor.receipt_token not in arabic.text
    # The journey's own browser still goes to its receipt.
    mine = english.get(f"/payments/return?trackid={track_id}")
    assert mine.status_code == 303
    assert mine.headers["Location"].endswith(f"/express/receipts/{sponsor.receipt_token}")


def test_the_bank_posting_the_browser_back_without_its_cookie_reaches_the_receipt(english):
    """K-Net posts the browser back across sites, and SameSite=Lax leaves the cookie out
    of that POST: the POST comes back as a GET, which a browser sends with its cookie."""
    until_check(english)
    form_post(english, "/express/check", {"confirm": "y", "version": str(the_request().version)})
    bank = form_post(english, "/express/pay")
    result = form_post(english, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    result_url = urlsplit(result.headers["Location"])
    cookieless = english.application.test_client()
    posted = cookieless.post(result_url.path, data=dict(parse_qsl(result_url.query)))
    assert posted.status_code == 303 and "/express/" not in posted.headers["Location"]
    assert the_request().state == InsuranceRequest.PAID
    arrival = english.get(posted.headers["Location"])
    assert arrival.status_code == 303
    assert arrival.headers["Location"].endswith(f"/express/receipts/{ExpressSponsor.get().receipt_token}")


def test_check_answers_warns_that_wrong_data_is_not_refunded(english):
    until_check(english)
    page = english.get("/express/check")
    assert page.status_code == 200
    assert "Money is not refunded when the data you entered was wrong." in page.text
    refused = form_post(english, "/express/check", {"version": str(the_request().version)})
    assert refused.status_code == 200 and "Error:" in refused.text
    assert the_request().is_draft


def test_an_unknown_receipt_link_is_404(english):
    paid(english)
    assert english.get("/express/receipts/" + "A" * 43).status_code == 404
    assert english.get("/express/receipts/short").status_code == 404


def test_an_unpaid_request_has_no_receipt_for_strangers(english):
    until_check(english)
    token = ExpressSponsor.get().receipt_token
    stranger = english.application.test_client()
    assert stranger.get(f"/express/receipts/{token}").status_code == 404


def test_a_declined_payment_comes_back_to_pay_again(english):
    until_check(english)
    back = pay_in_sandbox(english, "decline")
    assert back.status_code == 303
    again = english.get(back.headers["Location"])
    assert again.status_code == 302 and again.headers["Location"].endswith("/express/pay")
    page = english.get("/express/pay")
    assert "The bank declined the payment" in page.text


def test_ten_workers_are_the_most(english):
    prove_mobile(english)
    rows = {**workers(10), "action": "add"}
    page = form_post(english, "/express/workers", rows)
    assert page.status_code == 200
    assert "One express payment covers at most 10 workers." in page.text
    assert 'name="people-10-civil_id"' not in page.text
    eleven = {**workers(10), **worker(10), "action": "continue"}
    refused = form_post(english, "/express/workers", eleven)
    assert refused.status_code == 200 and "at most 10 workers" in refused.text
    assert not the_request().people.exists()
    accepted = form_post(english, "/express/workers", {**workers(10), "action": "continue"})
    assert accepted.status_code == 302
    assert the_request().people.count() == 10


def test_a_category_express_does_not_allow_is_refused(english):
    prove_mobile(english)
    page = form_post(english, "/express/workers", {**worker(0, category="commercial"), "action": "continue"})
    assert page.status_code == 200
    assert "Express payment is only for these categories" in page.text
    assert not the_request().people.exists()


def test_the_setting_chooses_the_categories(tmp_path):
    app = make_app(tmp_path, EXPRESS_CATEGORIES="worker")
    client = app.test_client()
    client.get("/?lang=en")
    prove_mobile(client)
    refused = form_post(client, "/express/workers", {**worker(0), "action": "continue"})
    assert "Express payment is only for these categories" in refused.text
    accepted = form_post(client, "/express/workers", {**worker(0, category="worker"), "action": "continue"})
    assert accepted.status_code == 302


def test_no_categories_turns_express_payment_off(tmp_path):
    app = make_app(tmp_path, EXPRESS_CATEGORIES="")
    client = app.test_client()
    assert client.get("/express").status_code == 404
    assert 'href="/express"' not in client.get("/").text


def test_the_pages_need_a_proved_mobile(english):
    for page in ("/express/workers", "/express/years", "/express/check", "/express/pay"):
        response = english.get(page)
        assert response.status_code == 302 and response.headers["Location"].endswith("/express")
    use_outbox(english.application)
    form_post(english, "/express", {"civil_id": SPONSOR, "mobile": MOBILE})
    assert english.get("/express/workers").status_code == 302  # the code not typed yet
    typo = "000000" if latest_code(E164) != "000000" else "111111"
    wrong = form_post(english, "/express/code", {"code": typo})
    assert wrong.status_code == 200 and "The code is not right" in wrong.text
    assert not ExpressSponsor.select().exists()


def test_the_code_has_the_same_limits_as_an_accounts(english, clock):
    use_outbox(english.application)
    form_post(english, "/express", {"civil_id": SPONSOR, "mobile": MOBILE})
    too_soon = form_post(english, "/express/code/resend")
    assert too_soon.status_code == 200 and "You can ask for a new code in" in too_soon.text
    for _ in range(OneTimeCode.MAX_ATTEMPTS):
        form_post(english, "/express/code", {"code": "999999" if latest_code(E164) != "999999" else "888888"})
    exhausted = form_post(english, "/express/code", {"code": latest_code(E164)})
    assert "You have typed a wrong code too many times" in exhausted.text
    # At most five codes an hour to one number, however they are asked for.
    for _ in range(OneTimeCode.PER_NUMBER_PER_HOUR - 1):
        clock.advance(seconds=61)
        assert form_post(english, "/express/code/resend").status_code == 302
    clock.advance(seconds=61)
    assert form_post(english, "/express", {"civil_id": SPONSOR, "mobile": MOBILE}).status_code == 429
    assert len(sms_to(E164)) == OneTimeCode.PER_NUMBER_PER_HOUR


def test_the_code_page_tells_nothing_about_accounts(english):
    """An express code goes out whether or not the civil ID has an account, the same way."""
    holder = english.application.test_client()
    register_and_login(holder, SPONSOR, mobile_for(77))
    prove_mobile(english)  # the same pages, a real code to the number typed
    assert ExpressSponsor.get().request.owner_id is None


def test_an_account_with_the_same_civil_id_and_mobile_claims_the_request(english):
    sponsor = paid(english)
    reference = sponsor.request.reference
    newcomer = english.application.test_client()
    user = register_and_login(newcomer, SPONSOR, MOBILE)
    assert stored(reference).owner_id == user.id
    newcomer.get("/?lang=en")
    assert reference in newcomer.get("/requests").text
    assert newcomer.get(f"/requests/{reference}/receipt").status_code == 200
    assert ExpressSponsor.get().claimed_at is not None


def test_another_mobile_does_not_claim_it(english):
    sponsor = paid(english)
    other = english.application.test_client()
    register_and_login(other, SPONSOR, mobile_for(42))
    assert stored(sponsor.request.reference).owner_id is None
    assert other.get(f"/requests/{sponsor.request.reference}").status_code == 404


def test_a_refund_starts_from_the_receipt_link_with_a_code_to_the_same_mobile(english):
    sponsor = paid(english)
    token = sponsor.receipt_token
    stranger = english.application.test_client()
    use_outbox(stranger.application)
    stranger.get("/?lang=en")
    receipt = stranger.get(f"/express/receipts/{token}")
    assert f"/express/receipts/{token}/refund" in receipt.text
    assert stranger.get(f"/express/receipts/{token}/refund/ask").headers["Location"].endswith("/refund")
    sent = form_post(stranger, f"/express/receipts/{token}/refund")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/refund/code")
    assert "code to ask for a refund" in sms_to(E164)[-1]
    done = form_post(stranger, f"/express/receipts/{token}/refund/code", {"code": latest_code(E164)})
    assert done.headers["Location"].endswith("/refund/ask")
    asked = form_post(stranger, f"/express/receipts/{token}/refund/ask", REFUND_FORM)
    assert asked.status_code == 303
    refund = Refund.get()
    assert refund.request_id == sponsor.request_id and refund.iban == GOOD_IBAN
    assert stored(sponsor.request.reference).state == InsuranceRequest.REFUND_REQUESTED
    assert "Your refund request is waiting for review." in stranger.get(f"/express/receipts/{token}").text


def test_a_refund_needs_the_right_code(english):
    sponsor = paid(english)
    token = sponsor.receipt_token
    form_post(english, f"/express/receipts/{token}/refund")
    code = latest_code(E164)
    wrong = form_post(
        english,
        f"/express/receipts/{token}/refund/code",
        {"code": "123456" if code != "123456" else "654321"},
    )
    assert wrong.status_code == 200 and "The code is not right" in wrong.text
    assert form_post(english, f"/express/receipts/{token}/refund/ask", REFUND_FORM).status_code == 302
    assert not Refund.select().exists()


def test_an_express_request_is_not_any_accounts(english):
    sponsor = paid(english)
    other = english.application.test_client()
    register_and_login(other, civil_id_for(55), mobile_for(55))
    reference = sponsor.request.reference
    for page in (f"/requests/{reference}", f"/requests/{reference}/receipt"):
        assert other.get(page).status_code == 404


def test_the_desk_finds_an_express_payment_and_decides_on_its_refund(english, clock):
    sponsor = paid(english)
    token, reference = sponsor.receipt_token, sponsor.request.reference
    form_post(english, f"/express/receipts/{token}/refund")
    form_post(english, f"/express/receipts/{token}/refund/code", {"code": latest_code(E164)})
    assert form_post(english, f"/express/receipts/{token}/refund/ask", REFUND_FORM).status_code == 303
    admin = make_staff(english.application, login="admin1", role="admin")
    desk = english.application.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, admin).status_code == 302
    for query in (reference, SPONSOR):
        assert reference in desk.get(f"/desk/payments?q={query}").text
    page = desk.get(f"/desk/requests/{reference}")
    assert page.status_code == 200 and "Paid without an account" in page.text
    refund = Refund.get()
    assert desk.get(f"/desk/refunds/{refund.id}").status_code == 200
    assert admin.may_decide_on(sponsor.request)
    day = clock.now().date().isoformat()
    for kind in ("payments", "refunds"):
        exported = desk.get(f"/desk/export?kind={kind}&date_from={day}&date_to={day}")
        assert exported.status_code == 200 and reference in exported.text and SPONSOR in exported.text


def test_the_setting_is_checked_when_the_app_starts(tmp_path):
    from settings import ConfigError, load_settings

    assert load_settings({"APP_ENV": "testing", "SECRET_KEY": "k" * 40}, tmp_path)["EXPRESS_CATEGORIES"] == (
        "domestic_worker",
        "domestic_worker_kuwaiti",
        "domestic_worker_kuwaiti_4th",
    )
    chosen = load_settings(
        {"APP_ENV": "testing", "SECRET_KEY": "k" * 40, "EXPRESS_CATEGORIES": " worker , domestic_worker "},
        tmp_path,
    )
    assert chosen["EXPRESS_CATEGORIES"] == ("worker", "domestic_worker")
    with pytest.raises(ConfigError, match="EXPRESS_CATEGORIES"):
        load_settings(
            {"APP_ENV": "testing", "SECRET_KEY": "k" * 40, "EXPRESS_CATEGORIES": "Domestic Worker"}, tmp_path
        )


def test_a_reminder_link_renews_the_same_workers_after_the_mobile_is_proved(english):
    sponsor = paid(english, count=2)
    previous = sponsor.request
    with english.application.test_request_context():
        link = commands._renew_url(previous)
    assert link.endswith(f"/express/renew/{sponsor.receipt_token}")

    later = english.application.test_client()
    later.get("/?lang=en")
    start = later.get(urlsplit(link).path)
    assert start.status_code == 302 and start.headers["Location"].endswith("/express")
    page = later.get("/express")
    assert previous.reference in page.text and f'value="{SPONSOR}"' in page.text
    prove_mobile(later)

    renewal = the_request()
    assert renewal.id != previous.id and renewal.owner_id is None
    assert renewal.insurance_status == "renewal" and renewal.years == previous.years
    assert [(p.civil_id, p.category_code) for p in renewal.covered()] == [
        (p.civil_id, p.category_code) for p in previous.covered()
    ]
    assert renewal.current_cover_end == previous.cover_end
    assert 'value="Maria Santos"' in later.get("/express/workers").text
    # Choosing the years keeps it a renewal from the day the paid cover ends.
    assert form_post(later, "/express/years", {"years": "2"}).status_code == 302
    kept = InsuranceRequest.get_by_id(renewal.id)
    assert (kept.insurance_status, kept.years) == ("renewal", 2)
    assert kept.current_cover_end == renewal.current_cover_end


def test_a_reminder_link_of_another_sponsor_starts_a_fresh_request(english):
    sponsor = paid(english, count=1)
    other = english.application.test_client()
    other.get("/?lang=en")
    other.get(f"/express/renew/{sponsor.receipt_token}")
    prove_mobile(other, civil_id=civil_id_for(42, born="700505"), mobile=mobile_for(42))
    fresh = the_request()
    assert fresh.id != sponsor.request_id and fresh.covered() == [] and fresh.insurance_status is None


def test_an_unknown_or_unpaid_renewal_link_is_not_found(english):
    assert english.get("/express/renew/" + "A" * 43).status_code == 404
    prove_mobile(english)  # a draft, not paid
    assert english.get(f"/express/renew/{ExpressSponsor.get().receipt_token}").status_code == 404


# --- the receipt link expires ---------------------------------------------------------


def test_a_link_past_its_age_shows_the_new_link_page_not_the_receipt(english, clock):
    sponsor = paid(english, count=2)
    token, reference = sponsor.receipt_token, sponsor.request.reference
    clock.advance(days=399, hours=23)
    stranger = english.application.test_client()
    assert "Payment received" in stranger.get(f"/express/receipts/{token}?lang=en").text
    clock.advance(hours=1)
    page = stranger.get(f"/express/receipts/{token}?lang=en")
    assert page.status_code == 200 and "This link has expired" in page.text
    assert "400 days" in page.text and MOBILE[-3:] in page.text
    assert reference not in page.text and "Maria Santos" not in page.text and SPONSOR not in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    for dead in (f"/express/receipts/{token}/refund", f"/express/receipts/{token}/refund/ask"):
        assert stranger.get(dead).headers["Location"] == f"/express/receipts/{token}"
    renew = stranger.get(f"/express/renew/{token}")
    assert renew.headers["Location"] == f"/express/receipts/{token}"
    assert 'value="' + SPONSOR not in stranger.get("/express?lang=en").text


def test_a_code_to_the_same_mobile_issues_a_new_link_and_the_old_stays_dead(english, clock):
    sponsor = paid(english, count=1)
    old = sponsor.receipt_token
    clock.advance(days=401)
    stranger = english.application.test_client()
    sent = form_post(stranger, f"/express/receipts/{old}/new-link")
    assert sent.headers["Location"] == f"/express/receipts/{old}/new-link/code"
    code = latest_code(E164)
    wrong = form_post(stranger, f"/express/receipts/{old}/new-link/code?lang=en", {"code": "000000"})
    if code != "000000":
        assert wrong.status_code == 200 and "The code is not right" in wrong.text
    right = form_post(stranger, f"/express/receipts/{old}/new-link/code", {"code": code})
    new = ExpressSponsor.get().receipt_token
    assert new != old and right.status_code == 303
    assert right.headers["Location"] == f"/express/receipts/{new}"
    assert f"/express/receipts/{new}" in sms_to(E164)[-1]
    receipt = english.application.test_client().get(f"/express/receipts/{new}?lang=en")
    assert receipt.status_code == 200 and "Payment received" in receipt.text
    for dead in ("", "/refund", "/new-link/code"):
        assert stranger.get(f"/express/receipts/{old}{dead}").status_code == 404
    assert form_post(stranger, f"/express/receipts/{old}/new-link").status_code == 404
    clock.advance(days=399)
    assert "Payment received" in stranger.get(f"/express/receipts/{new}?lang=en").text


def test_a_live_link_needs_no_new_one_and_the_period_is_a_setting(tmp_path, clock):
    app = make_app(tmp_path, EXPRESS_LINK_DAYS="30")
    client = app.test_client()
    client.get("/?lang=en")
    sponsor = paid(client, count=1)
    token = sponsor.receipt_token
    sent = form_post(client, f"/express/receipts/{token}/new-link")
    assert sent.headers["Location"] == f"/express/receipts/{token}"
    assert ExpressSponsor.get().receipt_token == token
    clock.advance(days=30)
    assert "This link has expired" in client.get(f"/express/receipts/{token}?lang=en").text


def test_a_reminder_for_a_cover_that_outlasts_the_link_carries_a_new_one(english, clock):
    until_check(english, count=1, years="2")
    assert pay_in_sandbox(english).status_code == 303
    sponsor = ExpressSponsor.get()
    old = sponsor.receipt_token
    clock.at = datetime.combine(sponsor.request.cover_end - timedelta(days=7), datetime.min.time())
    with english.application.test_request_context():
        link = commands._renew_url(sponsor.request)
    new = ExpressSponsor.get().receipt_token
    assert new != old and link.endswith(f"/express/renew/{new}")
    later = english.application.test_client()
    assert later.get(urlsplit(link).path).headers["Location"].endswith("/express")


@pytest.mark.parametrize("lang, label", [("en", "Civil ID number"), ("ar", "الرقم المدني")])
def test_the_receipt_prints_the_sponsor_as_given_never_none(english, lang, label):
    """The sponsor gave a civil ID and no name: the receipt prints just that (it printed
    "None" for the name)."""
    sponsor = paid(english)
    assert sponsor.request.sponsor_kind == "person" and sponsor.request.sponsor_name is None
    receipt = english.application.test_client().get(f"/express/receipts/{sponsor.receipt_token}?lang={lang}")
    assert "None" not in receipt.text
    assert f'{label}: <bdi class="id">{SPONSOR}</bdi>' in receipt.text
    check_page_sponsor = english.get("/express/check").text
    assert "None" not in check_page_sponsor
