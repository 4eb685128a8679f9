"""A fake K-Net bank, written from KNET's merchant integration manual (K-064 v1.4) and
the public kits as ../shared/knet.md sums them up, not from our adapter: it shares no
code with gateways/payments/knet.py, so a misreading there shows here.

What it does, as the bank does:
* `PaymentHTTP.htm?param=paymentInit`: checks the tranportal id, decrypts `trandata`
  (AES-128-CBC, the resource key as key and IV), checks the password and the fields
  (track id: at most 19 letters and digits, never seen before; udf fields without
  `@` or `/`; currency 414; three decimals), then shows a hosted card page with three
  buttons: approve, decline, cancel. Errors show the bank's codes: IPAY0100006 (bad
  tranportal id), IPAY0100013 (trandata that does not decrypt), IPAY0100176 (fields
  it cannot take), IPAY0100015 (bad password).
* After approve or decline, in the current flow, its *server* POSTs
  `trandata=<HEX>&paymentid=..&trackid=..` (form-encoded, the decrypted text
  form-encoded too: `NOT+CAPTURED`) to the response URL and waits for HTTP 200 with one
  line `REDIRECT=<absolute URL>`, where it sends the browser. Anything else, or no
  answer in `answer_timeout` seconds, voids the payment and sends the browser to the
  error URL with Error=IPAY0100249. In the older flow (`flow="browser"`) it sends the
  browser itself to the response URL with the same fields.
* Cancel sends the browser to the error URL with Error=IPAY0100048.
* `tranPipe.htm?param=tranInit`: inquiry (action 8) answers SUCCESS for a captured
  payment and `!ERROR!-IPAY0100263-...` for one it does not know; refund (action 2),
  whole or partial (§7), naming the purchase by its track id (udf5=TrackID, §3.7.2) or
  its transaction id, answers CAPTURED, or refuses: IPAY0100137 (refunds summing above
  what was captured).

It runs on its own server (`serve_in_thread`, over TLS with `tls=(cert, key)`), another
origin than the app's. Tests steer it: `down`, `inquiry_answer` (a raw body),
`answer_timeout`, `deliver` (how its server reaches the response URL; route tests pass
the app's test client).

No public source settles four things (../shared/knet.md); each has a switch for the
answer other than the one above, so the adapter is tested under both:
* `inquiry_amt=False`: the inquiry's answer carries no `amt`;
* `not_found_code`, `not_found_text`: another code (and wording) for "not found";
* `notice_as="hex"`: the notice is a bare hex body without a Content-Type;
* `inquiry_tranid="own"`: the inquiry's `tranid` is one of its own, not the purchase's;
and `cancel_known=False`: a payment cancelled on its page is unknown to the inquiry.
"""

import html
import re
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from flask import Flask, Response, redirect, request
from werkzeug.serving import make_server

TRANPORTAL_ID = "900123"
PASSWORD = "fake-password"
RESOURCE_KEY = "A1B2C3D4E5F6G7H8"

ERRORS = {
    "IPAY0100006": "Invalid tranportal id",
    "IPAY0100013": "Invalid Transaction data",
    "IPAY0100015": "Invalid tranportal password",
    "IPAY0100048": "Cancelled by the user",
    "IPAY0100137": "Credit Amount Greater Than Authorised Amount",
    "IPAY0100176": "Invalid Transaction data",
    "IPAY0100199": "Previous credit check failure",
    "IPAY0100249": "Merchant response URL is down",
    "IPAY0100263": "Transaction not found.",
}
CHOICES = {"approve": "CAPTURED", "decline": "NOT CAPTURED", "cancel": "CANCELED"}
TRACK_ID = re.compile(r"[0-9A-Za-z]{1,19}")
XML_FIELD = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)>([^<]*)</\1>")


def _cipher(key: str) -> Cipher:
    return Cipher(algorithms.AES(key.encode()), modes.CBC(key.encode()))


def bank_encrypt(plain: str, key: str = RESOURCE_KEY) -> str:
    """As the bank does: upper-case hex."""
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain.encode()) + padder.finalize()
    encryptor = _cipher(key).encryptor()
    return (encryptor.update(data) + encryptor.finalize()).hex().upper()


def bank_decrypt(text: str, key: str = RESOURCE_KEY) -> str | None:
    try:
        decryptor = _cipher(key).decryptor()
        data = decryptor.update(bytes.fromhex(text)) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return (unpadder.update(data) + unpadder.finalize()).decode()
    except ValueError:
        return None


def bank_error(code: str, text: str | None = None) -> str:
    return f"!ERROR!-{code}-{text or ERRORS[code]}"


@dataclass
class BankPayment:
    track_id: str
    payment_id: str
    amt: str
    langid: str
    response_url: str
    error_url: str
    udf: dict
    result: str | None = None  # CAPTURED, NOT CAPTURED, CANCELED; None while on the card page
    auth: str = ""
    ref: str = ""
    tranid: str = ""
    voided: bool = False
    refunds: list = field(default_factory=list)


FORM = "application/x-www-form-urlencoded"


def post_form(url: str, body: bytes, timeout: float, content_type: str | None = FORM) -> tuple[int, str, str]:
    """The bank's server posting to the merchant: (status, content type, body);
    status 0 when nothing came back in time. `content_type` None sends none."""
    call = urllib.request.Request(url, data=body, method="POST")
    call.add_unredirected_header("Content-Type", content_type or "")
    try:
        with urllib.request.urlopen(call, timeout=timeout) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read(4096).decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), ""
    except (OSError, TimeoutError):
        return 0, "", ""


class KnetBank:
    def __init__(
        self,
        *,
        flow: str = "server",
        answer_timeout: float = 5.0,
        deliver=post_form,
        langids=("AR", "EN"),
        inquiry_word: str = "SUCCESS",
        inquiry_amt: bool = True,
        not_found_code: str = "IPAY0100263",
        not_found_text: str | None = None,
        notice_as: str = "form",
        inquiry_tranid: str = "purchase",
        cancel_known: bool = True,
    ):
        self.inquiry_amt = inquiry_amt
        self.not_found_code = not_found_code
        self.not_found_text = not_found_text
        self.notice_as = notice_as
        self.inquiry_tranid = inquiry_tranid
        self.cancel_known = cancel_known
        self.flow = flow
        self.answer_timeout = answer_timeout
        self.deliver = deliver
        self.langids = langids
        self.inquiry_word = inquiry_word  # what an inquiry says of a captured payment
        self.payments: dict[str, BankPayment] = {}  # by track id
        self.track_ids_seen: list[str] = []  # every paymentInit's, in order
        self.refused: list[str] = []  # every error code it showed or answered
        self.notices: list[dict] = []  # what its server posted, and the merchant's answer
        self.inquiries: list[dict] = []  # every tranPipe request's fields
        self.down = False
        self.inquiry_answer: str | None = None  # a raw body to answer every tranPipe call with
        self.url = ""
        self._server = None
        self.app = self._pages()

    # --- what happens at the bank --------------------------------------------------

    def payment_init(self, query: dict) -> tuple[str, BankPayment | None]:
        """The browser arriving with a payment: ("", payment) for the card page, or
        (error, None)."""
        if query.get("tranportalId") != TRANPORTAL_ID:
            return self._refuse("IPAY0100006"), None
        plain = bank_decrypt(query.get("trandata", ""))
        if plain is None:
            return self._refuse("IPAY0100013"), None
        fields = {
            unquote_plus(name): unquote_plus(value)
            for name, _, value in (part.partition("=") for part in plain.split("&"))
        }
        if fields.get("id") != TRANPORTAL_ID:
            return self._refuse("IPAY0100006"), None
        if fields.get("password") != PASSWORD:
            return self._refuse("IPAY0100015"), None
        problem = self._check_purchase(fields)
        if problem:
            return self._refuse("IPAY0100176", f"Invalid Transaction data: {problem}"), None
        track_id = fields["trackid"]
        self.track_ids_seen.append(track_id)
        payment = BankPayment(
            track_id=track_id,
            payment_id=f"{secrets.randbelow(10**18):018d}",
            amt=fields["amt"],
            langid=fields["langid"],
            response_url=fields["responseURL"],
            error_url=fields["errorURL"],
            udf={f"udf{n}": fields.get(f"udf{n}", "") for n in range(1, 6)},
        )
        self.payments[track_id] = payment
        return "", payment

    def _check_purchase(self, fields: dict) -> str:
        if fields.get("action") != "1" or fields.get("currencycode") != "414":
            return "action or currency"
        if fields.get("langid") not in self.langids:
            return f"langid {fields.get('langid')}"
        if not re.fullmatch(r"[0-9]+\.[0-9]{3}", fields.get("amt", "")):
            return "amt"
        track_id = fields.get("trackid", "")
        if not TRACK_ID.fullmatch(track_id):
            return "trackid"
        if track_id in self.track_ids_seen:
            return "trackid used before"
        if any(char in fields.get(f"udf{n}", "") for n in range(1, 6) for char in "@/"):
            return "udf"
        for name in ("responseURL", "errorURL"):
            if not fields.get(name, "").startswith(("http://", "https://")):
                return name
        return ""

    def decide(self, track_id: str, result: str = "CAPTURED", **changes) -> dict:
        """The person chose on the card page: the books say so, and what the bank's
        server posts to the response URL is returned (the fields changed by `changes`
        inside trandata, to tamper with)."""
        payment = self.payments[track_id]
        payment.result = result
        payment.auth = f"{secrets.randbelow(10**6):06d}" if result == "CAPTURED" else ""
        payment.ref = f"{secrets.randbelow(10**12):012d}"
        payment.tranid = f"{secrets.randbelow(10**15):015d}"
        fields = {
            "paymentid": payment.payment_id,
            "result": result,
            "auth": payment.auth,
            "avr": "N",
            "ref": payment.ref,
            "tranid": payment.tranid,
            "postdate": "0110",
            "trackid": track_id,
            **payment.udf,
            "amt": payment.amt,
            "authRespCode": "00" if result == "CAPTURED" else "05",
            **changes,
        }
        return {
            "trandata": bank_encrypt(urlencode(fields)),
            "paymentid": payment.payment_id,
            "trackid": track_id,
        }

    def choose(self, track_id: str, choice: str) -> str:
        """The person pressed approve, decline or cancel: where the browser goes next."""
        payment = self.payments[track_id]
        if payment.result is not None:
            return self._error_url(payment, "IPAY0100040", "Transaction already processed")
        if choice == "cancel":
            payment.result = "CANCELED"
            return self._error_url(payment, "IPAY0100048")
        notice = self.decide(track_id, CHOICES[choice])
        if self.flow == "browser":
            return _with_query(payment.response_url, notice)
        if self.notice_as == "hex":
            status, kind, text = self.deliver(
                payment.response_url, notice["trandata"].encode(), self.answer_timeout, None
            )
        else:
            status, kind, text = self.deliver(
                payment.response_url, urlencode(notice).encode(), self.answer_timeout, FORM
            )
        lines = text.strip().splitlines()
        self.notices.append({"track_id": track_id, "fields": notice, "status": status, "answer": text})
        if status == 200 and len(lines) == 1 and re.fullmatch(r"REDIRECT=https?://\S+", lines[0]):
            return lines[0].partition("=")[2]
        payment.voided = True  # the merchant did not take it: no money moves
        return self._error_url(payment, "IPAY0100249")

    def _error_url(self, payment: BankPayment, code: str, text: str | None = None) -> str:
        self.refused.append(code)
        return _with_query(
            payment.error_url,
            {
                "paymentid": payment.payment_id,
                "trackid": payment.track_id,
                "Error": code,
                "ErrorText": text or ERRORS[code],
            },
        )

    def capture_late(self, track_id: str) -> None:
        """The bank's books change after the result was sent (a host timeout resolved)."""
        self.payments[track_id].result = "CAPTURED"
        self.payments[track_id].voided = False

    def tran_pipe(self, body: str) -> str:
        fields = dict(XML_FIELD.findall(body))
        self.inquiries.append(fields)
        if self.inquiry_answer is not None:
            return self.inquiry_answer
        if fields.get("id") != TRANPORTAL_ID:
            return self._xml_error("IPAY0100006")
        if fields.get("password") != PASSWORD:
            return self._xml_error("IPAY0100015")
        payment = self._named(fields)
        if fields.get("action") == "8":
            unknown = payment is None or payment.result is None
            if unknown or (payment.result == "CANCELED" and not self.cancel_known):
                return self._xml_error(self.not_found_code, self.not_found_text)
            word = "NOT CAPTURED" if payment.voided else payment.result
            answer = {
                "result": self.inquiry_word if word == "CAPTURED" else word,
                "auth": payment.auth,
                "ref": payment.ref,
                "avr": "N",
                "postdate": "0110",
                "tranid": payment.tranid
                if self.inquiry_tranid == "purchase"
                else f"{secrets.randbelow(10**15):015d}",
                "trackid": payment.track_id,
                "payid": payment.payment_id,
                **payment.udf,
                "amt": payment.amt,
            }
            if not self.inquiry_amt:
                del answer["amt"]
            return _xml(answer)
        if fields.get("action") == "2":
            if payment is None or payment.result != "CAPTURED" or payment.voided:
                return self._xml_error("IPAY0100263")
            refunded = sum(_fils(amt) for amt in payment.refunds)
            if refunded + _fils(fields.get("amt", "")) > _fils(payment.amt):
                return self._xml_error("IPAY0100137")
            payment.refunds.append(fields["amt"])
            return _xml(
                {
                    "result": "CAPTURED",
                    "auth": payment.auth,
                    "ref": "RF" + payment.ref[2:],
                    "avr": "N",
                    "postdate": "0110",
                    "tranid": f"{secrets.randbelow(10**15):015d}",
                    "trackid": payment.track_id,
                    "payid": payment.payment_id,
                    "amt": fields["amt"],
                }
            )
        return self._xml_error("IPAY0100176")

    def _named(self, fields: dict) -> BankPayment | None:
        """transid is the track id with udf5=TrackID, the bank's transaction id without."""
        if fields.get("udf5") == "TrackID":
            return self.payments.get(fields.get("transid", ""))
        return next(
            (p for p in self.payments.values() if p.tranid and p.tranid == fields.get("transid")), None
        )

    def _refuse(self, code: str, text: str | None = None) -> str:
        self.refused.append(code)
        return bank_error(code, text)

    def _xml_error(self, code: str, text: str | None = None) -> str:
        self.refused.append(code)
        wording = text or ERRORS.get(code, "Error")
        return _xml(
            {"result": bank_error(code, wording), "error_code_tag": code, "error_service_tag": "null"}
        )

    # --- its pages, on a server of its own ------------------------------------------

    def _pages(self) -> Flask:
        app = Flask("fake_knet_bank")

        @app.before_request
        def outage():
            if self.down:
                return Response("Service Unavailable", 503, content_type="text/plain")
            return None

        @app.get("/kpg/PaymentHTTP.htm")
        def payment_page():
            if request.args.get("param") != "paymentInit":
                return Response("Not Found", 404)
            error, payment = self.payment_init(request.args.to_dict())
            if payment is None:
                return _page("K-Net: error", f'<p id="error">{html.escape(error)}</p>')
            buttons = "".join(
                f'<button type="submit" name="choice" value="{choice}">{label}</button> '
                for choice, label in (("approve", "Approve"), ("decline", "Decline"), ("cancel", "Cancel"))
            )
            return _page(
                "K-Net: pay",
                f"""<h1 id="bank-name">K-Net test bank</h1>
<p>Merchant <span id="merchant">{TRANPORTAL_ID}</span> asks for
<strong id="amount">KWD {html.escape(payment.amt)}</strong>.</p>
<p>Payment id <span id="paymentid">{payment.payment_id}</span>,
track id <span id="trackid">{html.escape(payment.track_id)}</span>.</p>
<form method="post" action="/kpg/pay/{payment.payment_id}">{buttons}</form>""",
            )

        @app.post("/kpg/pay/<payment_id>")
        def choose(payment_id):
            payment = next((p for p in self.payments.values() if p.payment_id == payment_id), None)
            choice = request.form.get("choice", "")
            if payment is None or choice not in CHOICES:
                return Response("Not Found", 404)
            return redirect(self.choose(payment.track_id, choice), 303)

        @app.post("/kpg/tranPipe.htm")
        def tran_pipe():
            answer = self.tran_pipe(request.get_data(as_text=True))
            return Response(answer, 200, content_type="text/xml; charset=utf-8")

        return app

    def serve_in_thread(self, port: int = 0, host: str = "127.0.0.1", tls=None) -> "KnetBank":
        """Serve its pages on `host:port` (0: any free port) until `stop()`; `url` is
        then its K-Net address, ending in /kpg. `tls`: (certificate file, key file)."""
        self._server = make_server(host, port, self.app, threaded=True, ssl_context=tls)
        self.url = f"{'https' if tls else 'http'}://{host}:{self._server.server_port}/kpg"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def serve_in_thread(port: int = 0, host: str = "127.0.0.1", tls=None, **options) -> KnetBank:
    """A fake bank serving on its own port."""
    return KnetBank(**options).serve_in_thread(port, host, tls)


def _with_query(url: str, fields: dict) -> str:
    separator = "&" if urlsplit(url).query else "?"
    return f"{url}{separator}{urlencode(fields)}"


def _fils(amount: str) -> int:
    whole, _, part = amount.partition(".")
    return int(whole or 0) * 1000 + int((part + "000")[:3] or 0)


def _xml(fields: dict) -> str:
    return "".join(
        f"<{name}>{html.escape(str(value), quote=False)}</{name}>" for name, value in fields.items()
    )


def _page(title: str, body: str) -> Response:
    return Response(
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{title}</title>'
        f"<body>{body}</body></html>",
        200,
        content_type="text/html; charset=utf-8",
    )


def through_test_client(client):
    """`deliver` for route tests: the bank's server reaching the app through a Flask test
    client (a client of its own: the bank has none of the person's cookies)."""

    def deliver(
        url: str, body: bytes, timeout: float, content_type: str | None = FORM
    ) -> tuple[int, str, str]:
        parts = urlsplit(url)
        answer = client.post(
            parts.path,
            data=body,
            base_url=f"{parts.scheme}://{parts.netloc}",
            headers={"Content-Type": content_type} if content_type else {},
        )
        return answer.status_code, answer.headers.get("Content-Type", ""), answer.get_data(as_text=True)

    return deliver


def query_of(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))
