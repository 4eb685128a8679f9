"""The desk speaks the staff's language, not the code's: a payment's state without the
bank's code glued to it, the test bank named as such, the system without its internal
label, searches without a placeholder id, Arabic lists with «،», and no «د.ك..»; on a
phone the admin's menu folds into one <details> menu, and search results stack as cards."""

import re

import pytest

from tests.helpers import approve, form_post, staff_login


def arabic(desk, url: str) -> str:
    return desk.get(url + ("&" if "?" in url else "?") + "lang=ar").text


def test_a_payment_shows_its_state_and_the_banks_code_apart(admin_desk, waiting):
    reference, _refund = waiting
    page = arabic(admin_desk, f"/desk/requests/{reference}")
    assert "(CAPTURED)" not in page
    assert re.search(r"<dt>رمز النتيجة من البنك</dt><dd><bdi class=\"id\">CAPTURED</bdi>", page)
    # Words, not the raw records the history unfolds (<code>) for whoever needs them.
    words = re.sub(r"<[^>]+>", "", re.sub(r"<code.*?</code>", "", page, flags=re.S))
    assert "sandbox" not in words.lower()
    assert "بنك تجريبي، بلا أموال حقيقية" in page
    results = arabic(admin_desk, f"/desk/payments?q={reference}")
    assert "(CAPTURED)" not in results and 'data-label="الحالة"' in results


def test_the_audit_names_the_system_and_desk_actions_in_words(app, admin_desk, waiting):
    reference, _refund = waiting
    admin_desk.get(f"/desk/payments?q={reference}")
    # A failed desk log-in: the system acts, from the desk's log-in form.
    stranger = app.test_client()
    stranger.get("/desk/login")
    form_post(stranger, "/desk/login", {"login": "nobody", "password": "x", "code": "123456"})
    page = arabic(admin_desk, "/desk/audit")
    text = re.sub(r"<[^>]+>", "", page)
    assert "system" not in text.replace("النظام", "")
    assert "desk login" not in text and "النظام (نموذج الدخول إلى المكتب)" in text
    assert "· search" not in text and "بحث في المدفوعات" in text
    assert not re.search(r"بحث في المدفوعات\s*-", text)


def test_arabic_lists_take_the_arabic_comma_and_amounts_end_once(admin_desk, desk, waiting):
    reference, refund = waiting
    assert approve(desk, refund).status_code == 303
    page = arabic(admin_desk, f"/desk/requests/{reference}")
    text = re.sub(r"<[^>]+>", "", page)
    assert "د.ك.." not in text.replace("\u200f", "")
    line = re.sub(r"<[^>]+>", "", re.search(r'<li><a href="/desk/refunds/.*?</li>', page, re.S).group(0))
    assert "، " in line and ", " not in line, line


@pytest.mark.parametrize("role", ["admin", "reviewer"])
def test_the_menu_folds_into_one_details_menu_on_a_phone(admin_desk, desk, role):
    page = (admin_desk if role == "admin" else desk).get("/desk/?lang=en").text
    menu = re.search(r'<details class="desk-menu"><summary>Desk menu</summary>(.*?)</details>', page, re.S)
    assert menu and "Log out" in menu.group(1) and "Refunds" in menu.group(1)
    assert ("Audit log" in menu.group(1)) == (role == "admin")
    assert '<div class="desk-nav-wide">' in page  # the same links in a line, on a wide screen


def test_the_log_in_page_has_no_menu(client):
    page = client.get("/desk/login?lang=en").text
    assert "desk-menu" not in page


def test_staff_log_in_still_works_through_the_menu_layout(app, reviewer):
    fresh = app.test_client()
    fresh.get("/desk/login")
    assert staff_login(fresh, reviewer).status_code == 302
