"""One structured log line per request, with a request id; personal numbers never logged
in full, whoever logs them."""

import json
import logging
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import logging_setup
from tests.helpers import form_post

CIVIL_ID = "290010112345"
MOBILE = "+96550012345"
IBAN = "KW81CBKU0000000000001234560101"
CODE = "493817"
SECRETS = (CIVIL_ID, MOBILE, "50012345", IBAN, CODE)


def request_lines(caplog) -> list[dict]:
    return [record.fields for record in caplog.records if record.name == "tameen.request"]


def written(caplog) -> str:
    """The records as the production handler writes them: JSON lines."""
    formatter = logging_setup.JsonFormatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


def test_one_line_per_request_with_id_method_path_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/fees?lang=en")
    lines = request_lines(caplog)
    assert len(lines) == 1
    line = lines[0]
    assert line["method"] == "GET" and line["path"] == "/fees" and line["query"] == "lang=en"
    assert line["status"] == 200 and isinstance(line["duration_ms"], float)
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert response.headers["X-Request-Id"] == line["request_id"]
    parsed = json.loads(written(caplog).splitlines()[-1])
    assert parsed["logger"] == "tameen.request" and parsed["request_id"] == line["request_id"]


def test_a_well_formed_incoming_request_id_is_kept(client, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/fees", headers={"X-Request-Id": "edge-7f3a9c21.lb1"})
    assert response.headers["X-Request-Id"] == "edge-7f3a9c21.lb1"
    assert request_lines(caplog)[0]["request_id"] == "edge-7f3a9c21.lb1"


@pytest.mark.parametrize(
    "incoming",
    ["short", "has space in it", "x" * 101, "semi;colon-id", '"quoted-value"', "-starts-with-dash"],
)
def test_a_malformed_incoming_request_id_is_replaced(client, incoming):
    returned = client.get("/healthz", headers={"X-Request-Id": incoming}).headers["X-Request-Id"]
    assert returned != incoming and re.fullmatch(r"[0-9a-f]{32}", returned)


def test_every_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-Id"] for _ in range(5)}
    assert len(ids) == 5


def test_refused_and_failed_requests_are_logged_with_their_status(app, caplog):
    caplog.set_level(logging.INFO)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/test/broken", view_func=broken)
    client = app.test_client()
    client.get("/no-such-page")
    client.post("/login", data={"civil_id": "1"})  # no CSRF token: refused before the view
    client.get("/test/broken")
    statuses = [(line["path"], line["status"]) for line in request_lines(caplog)]
    assert statuses == [("/no-such-page", 404), ("/login", 400), ("/test/broken", 500)]


def test_personal_numbers_in_the_query_are_masked(client, caplog):
    caplog.set_level(logging.INFO)
    arabic_civil_id = "%D9%A2%D9%A9%D9%A0%D9%A0%D9%A1%D9%A0%D9%A1%D9%A1%D9%A2%D9%A3%D9%A4%D9%A5"
    client.get(
        f"/fees?civil_id={CIVIL_ID}&mobile=%2B96550012345&other=5001+2345"
        f"&iban={IBAN}&code={CODE}&typed={arabic_civil_id}"
    )
    line = request_lines(caplog)[0]
    assert line["query"] == (
        "civil_id=*********345&mobile=**********45&other=*******45"
        "&iban=**************************0101&code=******"
        "&typed=*********٣٤٥"
    )
    text = written(caplog)
    for secret in SECRETS + ("٢٩٠٠١٠١١٢٣٤٥",):
        assert secret not in text


def test_personal_numbers_in_the_path_are_masked(client, caplog):
    caplog.set_level(logging.INFO)
    client.get(f"/requests/{CIVIL_ID}")
    assert request_lines(caplog)[0]["path"] == "/requests/*********345"


@pytest.fixture
def production_log():
    """What the servers write (logging_setup.configure): JSON lines, here into a buffer."""
    import io

    stream = io.StringIO()
    handler = logging_setup.configure(stream=stream)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)


SPACED_CIVIL_ID = "2 910301 04196"
# Every way a civil ID, an IBAN or a receipt's code can reach a logged address: the
# secret, and how many of its letters and digits may stay readable (a civil ID's last 3,
# an IBAN's last 4, nothing of a receipt's code).
WRITTEN_FORMS = [
    (f"/fees?civil_id={SPACED_CIVIL_ID.replace(' ', '+')}", "291030104196", 3),
    (f"/fees?civil_id={SPACED_CIVIL_ID.replace(' ', '%20')}", "291030104196", 3),
    ("/fees?civil_id=291-030-104196", "291030104196", 3),
    ("/requests/291-030-104196", "291030104196", 3),
    ("/requests/2%20910301%2004196", "291030104196", 3),
    (
        "/fees?civil_id=%D9%A2+%D9%A9%D9%A1%D9%A0%D9%A3%D9%A0%D9%A1+%D9%A0%D9%A4%D9%A1%D9%A9%D9%A6",
        "٢٩١٠٣٠١٠٤١٩٦",
        3,
    ),
    ("/fees?iban=KW81-CBKU-0000-0000-0000-1234-5601-01", "KW81CBKU0000000000001234560101", 4),
    ("/fees?iban=KW81+CBKU+0000+0000+0000+1234+5601+01", "KW81CBKU0000000000001234560101", 4),
    ("/fees?iban=kw81%20cbku%200000%200000%200000%201234%205601%2001", "kw81cbku0000000000001234560101", 4),
    ("/verify/Zx8_kP2-qL5mN7rT9vW1yA", "Zx8_kP2-qL5mN7rT9vW1yA", 0),
    ("/verify/Zx8_kP2-qL5mN7rT9vW1yA?lang=en", "Zx8_kP2-qL5mN7rT9vW1yA", 0),
]
_LABELS = re.compile(r"^/(fees|requests|verify)/?|civil_id=|iban=|lang=en")


@pytest.mark.parametrize("address, secret, readable", WRITTEN_FORMS)
def test_every_written_form_is_masked_in_what_a_request_logs(
    client, production_log, address, secret, readable
):
    client.get(address)
    written_lines = production_log.getvalue()
    line = json.loads([text for text in written_lines.splitlines() if "tameen.request" in text][-1])
    logged = _LABELS.sub("", f"{line['path']}?{line['query']}")
    assert len(re.findall(r"[^\W_]", logged)) <= readable, logged
    compact = re.sub(r"[\s+\-]|%20", "", written_lines)
    assert secret.lower()[: -readable or None] not in compact.lower(), written_lines


def test_the_readable_part_of_a_masked_iban_and_a_logged_receipt_address(client, production_log):
    client.get("/fees?iban=KW81-CBKU-0000-0000-0000-1234-5601-01")
    client.get("/verify/Zx8_kP2-qL5mN7rT9vW1yA")
    lines = [json.loads(line) for line in production_log.getvalue().splitlines() if "tameen.request" in line]
    assert lines[0]["query"] == "iban=" + "*" * 32 + "01-01"
    assert lines[1]["path"] == "/verify/" + "*" * 22


def test_every_logger_is_masked_messages_arguments_and_tracebacks(app, caplog):
    caplog.set_level(logging.INFO)
    other = logging.getLogger("tameen.anything")
    other.warning("SMS to %s failed for %s", MOBILE, CIVIL_ID)
    other.info(f"IBAN {IBAN} refund; code {CODE}; local 5001-2345")
    try:
        raise ValueError(f"duplicate key value: Key (civil_id)=({CIVIL_ID}) already exists")
    except ValueError:
        other.exception("saving failed")
    logging.getLogger("werkzeug").info('127.0.0.1 - - "GET /reset?mobile=50012345 HTTP/1.1" 200 -')
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == "SMS to **********45 failed for *********345"
    assert messages[1] == "IBAN **************************0101 refund; code ******; local *******45"
    text = written(caplog)
    assert "Key (civil_id)=(*********345)" in text
    for secret in SECRETS + ("5001-2345",):
        assert secret not in text


def test_form_bodies_are_never_logged(client, caplog):
    caplog.set_level(logging.INFO)
    form_post(client, "/login", {"civil_id": CIVIL_ID, "password": "a long enough passphrase"})
    text = written(caplog)
    assert CIVIL_ID not in text and "passphrase" not in text


@pytest.mark.parametrize(
    "text",
    [
        "request 7871fc3ec207414aa6fe0171cd7c3b88 took 12.5 ms",
        "reference TM-7K3Q-9XP4, status 200, at 2026-01-10T08:00:00Z",
        "payment 100000000012345678 for 50.000 KWD",  # longer digit runs are not civil IDs
        "export from 2026-01-10 2026-01-31",  # nor 16 digits in groups
        "client 192.168.100.200 at 2026-01-10 08:00:00.123",
    ],
)
def test_ordinary_numbers_and_ids_stay_readable(text):
    assert logging_setup.mask(text) == text


def test_configure_writes_masked_json_lines(tmp_path):
    import io

    stream = io.StringIO()
    root = logging.getLogger()
    handler = logging_setup.configure(stream=stream)
    try:
        logging.getLogger("tameen.test").warning("code %s sent to %s", CODE, MOBILE)
    finally:
        root.removeHandler(handler)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["message"] == "code ****** sent to **********45"
    assert line["level"] == "warning" and line["logger"] == "tameen.test"


def test_a_written_record_is_masked_once(production_log, monkeypatch):
    """Every request writes a line: masking it again at each stage of its way out (made,
    filtered, formatted) was most of that line's cost."""
    calls = []
    real_mask = logging_setup.mask
    monkeypatch.setattr(logging_setup, "mask", lambda text: calls.append(text) or real_mask(text))
    logging.getLogger("tameen.test").warning(
        "sent to %s", MOBILE, extra={"fields": logging_setup.masked({"path": f"/x/{CODE}"})}
    )
    line = json.loads(production_log.getvalue().splitlines()[-1])
    assert line["path"] == "/x/******" and line["message"] == "sent to **********45"
    assert sorted(calls) == sorted(["sent to " + MOBILE, f"/x/{CODE}"])


@given(st.text(alphabet="0123456789abcdef", min_size=32, max_size=32))
def test_a_request_id_as_made_here_holds_nothing_to_mask(request_id):
    """web/request_log.py writes such ids without masking them: it would change none."""
    assert logging_setup.mask(request_id) == request_id


def test_an_incoming_request_id_is_masked(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/fees", headers={"X-Request-Id": f"edge-{CIVIL_ID}"})
    assert request_lines(caplog)[0]["request_id"] == "edge-*********345"
