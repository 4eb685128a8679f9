"""The code page's ways on: a spent code offers only a new one, the wait before a new code
counts down, and registering can go back to change the mobile number."""

import re

import pytest

from tests.helpers import HX, form_post, latest_code, register, use_outbox

CIVIL_ID = "291030104196"
MOBILE = "50012345"
E164 = "+96550012345"


def spend_the_code(client):
    code = latest_code(E164)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = form_post(client, "/register/code?lang=en", {"code": wrong})
    return response


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_after_five_wrong_codes_only_a_new_code_is_offered(client, headers):
    register(client, CIVIL_ID, MOBILE)
    response = spend_the_code(client)
    assert 'name="code"' not in response.text and ">Continue<" not in response.text
    assert "so this code no longer works. Send a new code below." in response.text
    spent = "You have typed a wrong code too many times. Ask for a new code."
    assert f'<a href="#resend">{spent}</a>' in response.text
    again = client.get("/register/code?lang=en", headers=headers)
    assert again.status_code == 200 and 'name="code"' not in again.text
    assert 'id="resend"' in again.text


def test_a_new_code_brings_the_box_back(client, clock):
    register(client, CIVIL_ID, MOBILE)
    spend_the_code(client)
    clock.advance(seconds=60)
    assert form_post(client, "/register/code/resend").status_code == 302
    assert 'name="code"' in client.get("/register/code?lang=en").text


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_wait_for_a_new_code_counts_down(client, clock, headers):
    register(client, CIVIL_ID, MOBILE)
    clock.advance(seconds=12)
    response = form_post(client, "/register/code/resend?lang=en", headers=headers)
    # Without JavaScript the sentence is right as sent; countdown.js keeps it live.
    assert "You can ask for a new code in 48 seconds." in response.text
    assert 'data-countdown="48"' in response.text
    assert 'data-ticking="You can ask for a new code in {time}."' in response.text
    assert 'aria-live="polite"' in response.text
    assert re.search(r'<script src="/static/js/countdown\.js[^"]*" defer></script>', response.text)
    arabic = form_post(client, "/register/code/resend?lang=ar")
    assert "يمكنك طلب رمز جديد بعد 48 ثانية" in arabic.text


def test_no_countdown_when_no_wait(client):
    register(client, CIVIL_ID, MOBILE)
    assert "data-countdown" not in client.get("/register/code?lang=en").text


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_change_phone_number_goes_back_with_the_civil_id_kept(client, headers):
    use_outbox(client.application)
    form_post(client, "/register?next=/requests/new", {"civil_id": CIVIL_ID, "mobile": MOBILE})
    page = client.get("/register/code?lang=en", headers=headers)
    assert '<a href="/register?change=mobile">Change phone number</a>' in page.text
    back = client.get("/register?change=mobile&lang=en", headers=headers)
    assert f'value="{CIVIL_ID}"' in back.text and 'value="5001 2345"' in back.text
    assert "autofocus" in back.text
    assert 'action="/register?next=/requests/new"' in back.text or "next=%2Frequests%2Fnew" in back.text


def test_change_phone_number_is_on_the_arabic_page_too(client):
    register(client, CIVIL_ID, MOBILE)
    assert "غيّر رقم الهاتف" in client.get("/register/code?lang=ar").text


def test_a_fresh_register_page_keeps_nothing(client):
    register(client, CIVIL_ID, MOBILE)
    assert f'value="{CIVIL_ID}"' not in client.get("/register?lang=en").text
