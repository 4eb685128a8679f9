"""Getting a signed-in browser context to a payment's pages quickly: the request's
question pages are answered through the context's own HTTP client (same cookies, real
forms and CSRF tokens), so a browser test or a quality stop spends its page loads on
the payment pages themselves."""
import re
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.conftest import civil_id_for

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ADULT = civil_id_for(11, born="850612")
SECOND = civil_id_for(12, born="900315")
PASSPORT_EXPIRY = (date.today() + timedelta(days=365 * 4)).isoformat()
PEOPLE = {"Ali Hassan": (ADULT, "worker"), "Mona Saleh": (SECOND, "domestic_worker")}


def _post(api, url: str, form: dict) -> str:
    token = CSRF.search(api.get(url).text()).group(1)
    response = api.post(url, form={"csrf_token": token, **form}, max_redirects=0)
    assert response.status in (302, 303), f"{url}: {response.status}"
    return response.headers["location"]


def request_at_check(api, base: str) -> str:
    """A new request answered up to "check your answers"; its reference."""
    token = CSRF.search(api.get(base + "/requests").text()).group(1)
    started = api.post(base + "/requests/new", form={"csrf_token": token}, max_redirects=0)
    reference = re.search(r"/requests/(TM-[^/]+)/", started.headers["location"]).group(1)
    at = f"{base}/requests/{reference}"
    _post(api, f"{at}/service", {"service_type": "group"})
    people = {"action": "continue"}
    for i, (name, (civil_id, category)) in enumerate(PEOPLE.items()):
        people.update({f"people-{i}-civil_id": civil_id, f"people-{i}-name": name,
                       f"people-{i}-category": category, f"people-{i}-passport_number": f"P{i}123456",
                       f"people-{i}-passport_expiry": PASSPORT_EXPIRY})
    _post(api, f"{at}/people", people)
    _post(api, f"{at}/sponsor", {"action": "me"})
    _post(api, f"{at}/cover", {"insurance_status": "new", "years": "2"})
    return reference


def awaiting_payment(api, base: str) -> str:
    reference = request_at_check(api, base)
    _post(api, f"{base}/requests/{reference}/check", {"confirm": "y"})
    return reference


def sandbox_bank_page(api, base: str) -> str:
    """A request awaiting payment, Pay pressed: the sandbox bank's page address."""
    return press_pay(api, base, awaiting_payment(api, base))


def press_pay(api, base: str, reference: str) -> str:
    token = CSRF.search(api.get(f"{base}/requests/{reference}").text()).group(1)
    response = api.post(f"{base}/requests/{reference}/pay", form={"csrf_token": token},
                        max_redirects=0)
    assert response.status == 303, response.status
    return base + response.headers["location"]


def receipt_page(api, base: str) -> str:
    """A request paid in the sandbox bank: its receipt's address."""
    bank = sandbox_bank_page(api, base)
    back = _post(api, bank, {"choice": "approve"})
    response = api.get(back if back.startswith("http") else base + back, max_redirects=0)
    assert response.status == 303, response.status
    return base + response.headers["location"]


def verify_page(api, base: str) -> str:
    return re.search(r'class="verify-link">([^<]+)<', api.get(receipt_page(api, base)).text()).group(1)


def in_language(url: str, lang: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"] + [("lang", lang)]
    return parts._replace(query=urlencode(query)).geturl()


def request_to_pay(api, base: str) -> str:
    """A request awaiting payment: its page, with the Pay button."""
    return f"{base}/requests/{awaiting_payment(api, base)}"


def request_declined(api, base: str) -> str:
    """A request whose payment the bank declined: its page says so and offers Pay again."""
    back = _post(api, sandbox_bank_page(api, base), {"choice": "decline"})
    response = api.get(back if back.startswith("http") else base + back, max_redirects=0)
    assert response.status == 303, response.status
    return base + response.headers["location"]
