"""K-Net through a bank-hosted payment page, as in the public K-Net integration kits.

* Start: the payment's fields (tranportal id, password, action 1 = purchase, amount
  with three decimals, currency 414, language, track id, response and error URLs)
  are written as `name=value&...`, encrypted with AES-128-CBC (PKCS#5 padding, the
  resource key as both key and IV) and sent as hex in `trandata` to
  `<gateway>/PaymentHTTP.htm?param=paymentInit`, where the person pays.
* Result: the bank sends the browser (or calls the response URL) with `trandata`
  encrypted the same way: paymentid, result (CAPTURED, NOT CAPTURED, CANCELED...),
  auth, ref, tranid, trackid, amt. The error URL may carry only `trackid`,
  `paymentid` and `ErrorText` in clear: that names a payment to ask about, no more.
* Inquiry (action 8) and refund (action 2): XML fields posted server to server to
  `<gateway>/tranPipe.htm?param=tranInit`; the answer is XML fields too.
"""
import html
import logging
import re
import urllib.error
import urllib.request
from urllib.parse import quote, unquote, urlencode

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from domain.money import fils_to_decimal, kwd_to_fils
from gateways.payments import (CANCELLED, FAILED, PAID, PENDING, UNKNOWN, GatewayUnavailable,
                               PaymentGateway, PaymentResult, PaymentStart, RefundResult,
                               ResultRejected, without_card_data)

log = logging.getLogger("tameen.payments.knet")

CURRENCY_KWD = "414"
ACTION_PURCHASE, ACTION_REFUND, ACTION_INQUIRY = "1", "2", "8"
LANGUAGES = {"ar": "ARA", "en": "USA"}
OUTCOMES = {
    "CAPTURED": PAID,
    "NOT CAPTURED": FAILED,
    "NOT APPROVED": FAILED,
    "DENIED BY RISK": FAILED,
    "HOST TIMEOUT": FAILED,
    "FAILURE": FAILED,
    "CANCELED": CANCELLED,
    "CANCELLED": CANCELLED,
    "INITIALIZED": PENDING,
}
REFUNDED = ("CAPTURED", "SUCCESS", "APPROVED")
_XML_FIELD = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)>(.*?)</\1>", re.S)
_HEX = re.compile(r"[0-9A-Fa-f]+")
MAX_TRANDATA = 8192


# --- trandata ----------------------------------------------------------------------

def _cipher(resource_key: str) -> Cipher:
    key = resource_key.encode("ascii")
    if len(key) != 16:
        raise ValueError("the K-Net resource key is 16 characters (AES-128)")
    return Cipher(algorithms.AES(key), modes.CBC(key))


def encrypt_trandata(plain: str, resource_key: str) -> str:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain.encode()) + padder.finalize()
    encryptor = _cipher(resource_key).encryptor()
    return (encryptor.update(padded) + encryptor.finalize()).hex()


def decrypt_trandata(text: str, resource_key: str) -> str:
    """The plain text of `trandata`; ResultRejected when it is not what the key made."""
    text = (text or "").strip()
    if not text or len(text) > MAX_TRANDATA or not _HEX.fullmatch(text) or len(text) % 32:
        raise ResultRejected("trandata is not hex in whole AES blocks")
    decryptor = _cipher(resource_key).decryptor()
    padded = decryptor.update(bytes.fromhex(text)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
    except ValueError as problem:  # bad padding or not UTF-8: another key, or changed bytes
        raise ResultRejected("trandata does not decrypt with this resource key") from problem
    if not plain.isprintable():
        raise ResultRejected("trandata decrypts to something that is not text")
    return plain


def parse_pairs(plain: str) -> dict[str, str]:
    """`name=value&name=value`, as the kits write it (values may be %-encoded)."""
    pairs = {}
    for part in plain.split("&"):
        if not part:
            continue
        name, equals, value = part.partition("=")
        if not equals or not name:
            raise ResultRejected("trandata is not name=value pairs")
        pairs[unquote(name).strip()] = unquote(value).strip()
    return pairs


def parse_xml_fields(body: str) -> dict[str, str]:
    """The flat `<name>value</name>...` answers of tranPipe, without a root element."""
    return {name: html.unescape(value.strip()) for name, value in _XML_FIELD.findall(body)}


def _amount(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return kwd_to_fils(text)
    except ValueError as problem:
        raise ResultRejected(f"amount {text[:20]!r} is not an amount in KWD") from problem


def _kwd(fils: int) -> str:
    return f"{fils_to_decimal(fils):.3f}"


def _result_code(text: str) -> str:
    return " ".join(text.replace("+", " ").upper().split())


def _xml(fields: dict[str, str]) -> bytes:
    return "".join(f"<{name}>{html.escape(value, quote=False)}</{name}>"
                   for name, value in fields.items()).encode()


class KnetGateway(PaymentGateway):
    name = "knet"

    def __init__(self, *, tranportal_id: str, password: str, resource_key: str, gateway_url: str,
                 timeout: float = 20.0):
        _cipher(resource_key)  # refuse a key of the wrong length now, not at the first payment
        self.tranportal_id = tranportal_id
        self.password = password
        self.resource_key = resource_key
        self.gateway_url = gateway_url.rstrip("/")
        self.timeout = timeout

    @property
    def payment_url(self) -> str:
        return f"{self.gateway_url}/PaymentHTTP.htm?param=paymentInit"

    @property
    def tran_pipe_url(self) -> str:
        return f"{self.gateway_url}/tranPipe.htm?param=tranInit"

    def start(self, track_id, amount_fils, *, language, response_url, error_url, description=""):
        if not re.fullmatch(r"[0-9A-Za-z]{1,40}", track_id):
            raise ValueError("a K-Net track id is letters and digits")
        fields = {
            "id": self.tranportal_id, "password": self.password, "action": ACTION_PURCHASE,
            "langid": LANGUAGES.get(language, "USA"), "currencycode": CURRENCY_KWD,
            "amt": _kwd(amount_fils), "responseURL": response_url, "errorURL": error_url,
            "trackid": track_id, "udf1": quote(description, safe=""), "udf2": "", "udf3": "",
            "udf4": "", "udf5": "",
        }
        plain = "&".join(f"{name}={value}" for name, value in fields.items())
        query = urlencode({"trandata": encrypt_trandata(plain, self.resource_key),
                           "tranportalId": self.tranportal_id,
                           "responseURL": response_url, "errorURL": error_url})
        return PaymentStart(f"{self.payment_url}&{query}")

    def verify(self, params):
        if params.get("trandata"):
            fields = parse_pairs(decrypt_trandata(str(params["trandata"]), self.resource_key))
            return self._result(fields, verified=True)
        track_id = str(params.get("trackid") or params.get("trackId") or "").strip()
        if re.fullmatch(r"[0-9A-Za-z]{1,40}", track_id):
            # The error URL's clear text: it only tells which payment to ask about.
            error = str(params.get("ErrorText") or params.get("Error") or "")[:200]
            return PaymentResult(track_id=track_id, outcome=UNKNOWN, result_code=_result_code(error),
                                 verified=False, raw=without_card_data({"trackid": track_id,
                                                                        "ErrorText": error}))
        raise ResultRejected("no trandata and no track id")

    def inquire(self, track_id, amount_fils):
        answer = self._tran_pipe({"id": self.tranportal_id, "password": self.password,
                                  "action": ACTION_INQUIRY, "amt": _kwd(amount_fils),
                                  "transid": track_id, "udf5": "TrackID", "trackid": track_id})
        error = answer.get("error_code_tag") or answer.get("error_text") or ""
        if error or answer.get("result", "").startswith("!ERROR!"):
            text = error or answer.get("result", "")
            if re.search(r"not (found|available)|no record", text + answer.get("error_text", ""), re.I):
                return PaymentResult(track_id=track_id, outcome=UNKNOWN, result_code=text[:60],
                                     raw=without_card_data(answer))
            log.warning("K-Net inquiry for %s refused: %s", track_id, text[:200])
            raise GatewayUnavailable(f"inquiry refused: {text[:60]}")
        if not answer.get("result"):
            raise GatewayUnavailable("the inquiry's answer has no result")
        if answer.get("trackid") and answer["trackid"] != track_id:
            raise ResultRejected("the inquiry answered about another track id")
        return self._result({**answer, "trackid": track_id,
                             "paymentid": answer.get("payid") or answer.get("paymentid", "")},
                            verified=True)

    def refund(self, track_id, transaction_id, amount_fils):
        answer = self._tran_pipe({"id": self.tranportal_id, "password": self.password,
                                  "action": ACTION_REFUND, "amt": _kwd(amount_fils),
                                  "transid": transaction_id, "trackid": track_id})
        code = _result_code(answer.get("result", ""))
        return RefundResult(done=code in REFUNDED, result_code=code,
                            reference_number=answer.get("ref", ""), raw=without_card_data(answer))

    def _result(self, fields: dict, verified: bool) -> PaymentResult:
        track_id = fields.get("trackid", "")
        if not track_id:
            raise ResultRejected("the result has no track id")
        error = fields.get("Error") or fields.get("ErrorText") or ""
        code = _result_code(fields.get("result", "")) or _result_code(error)
        if not code:
            raise ResultRejected("the result has no result code")
        outcome = OUTCOMES.get(code, FAILED)
        return PaymentResult(
            track_id=track_id, outcome=outcome, result_code=code[:40],
            amount_fils=_amount(fields.get("amt")), payment_id=fields.get("paymentid", "")[:64],
            transaction_id=fields.get("tranid", "")[:64], auth_code=fields.get("auth", "")[:32],
            reference_number=fields.get("ref", "")[:32], verified=verified,
            raw=without_card_data(fields))

    def _tran_pipe(self, fields: dict[str, str]) -> dict[str, str]:
        request = urllib.request.Request(self.tran_pipe_url, data=_xml(fields), method="POST",
                                         headers={"Content-Type": "application/xml"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(64 * 1024).decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            raise GatewayUnavailable(f"HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise GatewayUnavailable(type(error).__name__) from error
        answer = parse_xml_fields(body)
        if not answer:
            raise GatewayUnavailable("the answer holds no fields")
        return answer
