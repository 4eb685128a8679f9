"""K-Net through the bank-hosted payment page, as KNET's merchant integration manual
(K-064 v1.4, 2023) describes it, with what the public kits add where it is silent.

* Start (action 1): the fields (tranportal id, password, action, langid, currency 414,
  amount with three decimals, response and error URLs, track id, udf1-5) are written
  as `name=value&...` without URL-encoding, encrypted with AES-128-CBC (PKCS#5
  padding, the resource key as both key and IV) and sent as hex in `trandata` to
  `<gateway>/PaymentHTTP.htm?param=paymentInit`, where the person pays.
* Result, current flow (result_delivery "server"): the bank's server POSTs `trandata`
  (with paymentid, trackid, Error and ErrorText in clear) to the response URL, our
  notification address, and sends the browser where our answer `REDIRECT=<url>` says;
  any other answer voids the payment (IPAY0100249). Older flow ("browser"): the bank
  sends the browser itself to the response URL with the same fields.
  The decrypted text is form-encoded: `+` is a space in every field.
* The error URL brings the browser back with clear fields only (Error, ErrorText,
  paymentid, trackid): they name a payment to ask about, no more.
* Inquiry (action 8) and refund (action 2): XML fields posted server to server to
  `<gateway>/tranPipe.htm?param=tranInit`; the answer is XML fields too, with or
  without an XML declaration and a root element. Errors come as
  `<result>!ERROR!-IPAYnnnnnnn-text</result>`, often with `<error_code_tag>`.
"""

import html
import logging
import re
import ssl
import urllib.error
import urllib.request
from urllib.parse import unquote_plus, urlencode

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from domain.money import fils_to_decimal, kwd_to_fils
from gateways.payments import (
    CANCELLED,
    FAILED,
    PAID,
    PENDING,
    UNKNOWN,
    GatewayUnavailable,
    PaymentGateway,
    PaymentResult,
    PaymentStart,
    RefundResult,
    ResultRejected,
    without_card_data,
)

log = logging.getLogger("tameen.payments.knet")

CURRENCY_KWD = "414"
ACTION_PURCHASE, ACTION_REFUND, ACTION_INQUIRY = "1", "2", "8"
SERVER, BROWSER = "server", "browser"  # how the bank brings a result back (see the top)
# `langid` for Arabic and English: the manual's pair, or the older kits'.
LANGUAGE_IDS = {
    "AR,EN": {"ar": "AR", "en": "EN"},
    "ARA,USA": {"ar": "ARA", "en": "USA"},
    "AR,USA": {"ar": "AR", "en": "USA"},  # KNET's own raw PHP sample
}
BY_TRACK_ID, BY_TRANSACTION_ID = "trackid", "transid"  # how a refund names the purchase
AMOUNT_WIDTH = 10  # `amt` is 10 characters: 999999.999 KWD at most

# What a result's word means, in a result the bank signed (trandata).
OUTCOMES = {
    "CAPTURED": PAID,
    "NOT CAPTURED": FAILED,
    "NOT APPROVED": FAILED,
    "DENIED BY RISK": FAILED,
    "HOST TIMEOUT": FAILED,
    "FAILURE": FAILED,
    "VOIDED": FAILED,
    "CANCELED": CANCELLED,
    "CANCELLED": CANCELLED,
    "INITIALIZED": PENDING,
    "IPAY0100048": CANCELLED,  # a signed result may carry only the error: cancelled by the customer
}
# An inquiry also answers SUCCESS for a captured payment (the manual; the kits check for it).
INQUIRY_OUTCOMES = {**OUTCOMES, "SUCCESS": PAID}
REFUNDED = "CAPTURED"  # the only word for a refund made

# Error codes seen in the manual and the kits, with what they mean.
ERRORS = {
    "IPAY0100006": "Invalid tranportal id",
    "IPAY0100013": "Invalid transaction data",
    "IPAY0100015": "Invalid password",
    "IPAY0100040": "Transaction in progress in another tab or window",
    "IPAY0100048": "Cancelled by the customer",
    "IPAY0100137": "Credit amount greater than the authorised amount",
    "IPAY0100159": "External message system error",
    "IPAY0100176": "Decrypting transaction data failed",
    "IPAY0100199": "Previous credit check failure",
    "IPAY0100215": "Invalid tranportal id",
    "IPAY0100249": "Merchant response URL is down",
    "IPAY0100263": "Transaction details not available",
}
NOT_FOUND = "IPAY0100263"
# Whether "not found" is always IPAY0100263 no source settles: the manual's wording and the
# kits' are taken for it whatever the code (knet-check reports the code the bank uses).
_NOT_FOUND_WORDING = re.compile(r"not found|details not available", re.I)
# Not an answer about the payment: the bank could not tell; ask again later.
ASK_AGAIN = ("IPAY0100040", "IPAY0100159")

# The manual's field is 19 wide and forbids - = [ ] / ? . in a track id; letters and
# digits are what every kit sends.
TRACK_ID = re.compile(r"[0-9A-Za-z]{1,19}")
# Results may name a payment started before track ids were held to 19 characters.
TRACK_ID_READ = re.compile(r"[0-9A-Za-z]{1,40}")
ERROR_CODE = re.compile(r"IPAY[0-9]{7}")
_ERROR_RESULT = re.compile(r"!ERROR!\s*-?\s*(IPAY[0-9]{7})?\s*-?\s*(.*)", re.S)
_XML_DECLARATION = re.compile(r"<\?xml[^>]*\?>")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_XML_LEAF = re.compile(r"<([A-Za-z_][\w.-]*)\s*>([^<]*)</\1\s*>|<([A-Za-z_][\w.-]*)\s*/>")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_UDF_UNSAFE = re.compile(r"[^0-9A-Za-z _.,:-]")  # the manual forbids @ and / in udf fields
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
    """`name=value&name=value`, form-encoded as the bank writes it: `+` is a space and
    `%xx` a byte, in every field."""
    pairs = {}
    for part in plain.split("&"):
        if not part:
            continue
        name, equals, value = part.partition("=")
        if not equals or not name:
            raise ResultRejected("trandata is not name=value pairs")
        pairs[unquote_plus(name).strip()] = unquote_plus(value).strip()
    return pairs


def parse_xml_fields(body: str) -> dict[str, str]:
    """The `<name>value</name>` fields of a tranPipe answer: flat as the manual shows
    them, or inside a root element, after an XML declaration or not. The first of a
    name counts; an empty element is an empty value."""
    body = _CDATA.sub(
        lambda found: html.escape(found.group(1), quote=False), _XML_DECLARATION.sub("", body or "")
    )
    fields: dict[str, str] = {}
    for name, value, empty in _XML_LEAF.findall(body):
        if empty:
            fields.setdefault(empty, "")
        else:
            fields.setdefault(name, html.unescape(value).strip())
    return fields


def error_of(fields: dict[str, str]) -> tuple[str, str]:
    """(code, wording) of an error answer, ("", "") when it is none: `!ERROR!-code-text`
    in `result`, or a code in `error_code_tag` (where "null" means none)."""
    tag = fields.get("error_code_tag", "").strip()
    tag = "" if tag.lower() == "null" else tag
    found = _ERROR_RESULT.match(fields.get("result", "").strip())
    if not found and not tag:
        return "", ""
    code = (found.group(1) if found else "") or (tag if ERROR_CODE.fullmatch(tag) else "")
    text = (found.group(2).strip() if found else "") or fields.get("error_text", "").strip()
    if text.lower() == "null":
        text = ""
    return code or tag[:20], (text or ERRORS.get(code) or "an error without a code")[:200]


def describe_error(code: str, text: str = "") -> str:
    """An error for staff: the code, then the bank's wording (or the manual's)."""
    wording = text or ERRORS.get(code, "")
    return f"{code}: {wording}" if code and wording else code or wording


def _amount(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return kwd_to_fils(text)
    except ValueError as problem:
        raise ResultRejected(f"amount {text[:20]!r} is not an amount in KWD") from problem


def _kwd(fils: int) -> str:
    text = f"{fils_to_decimal(fils):.3f}"
    if fils < 0 or len(text) > AMOUNT_WIDTH:
        raise ValueError(f"K-Net's amount is at most {AMOUNT_WIDTH} characters (999999.999 KWD)")
    return text


def is_not_found(code: str, text: str) -> bool:
    """The bank saying it has no such transaction: IPAY0100263, or its words for it."""
    return code == NOT_FOUND or bool(_NOT_FOUND_WORDING.search(text or ""))


class InquiryRefused(GatewayUnavailable):
    """The bank answered the inquiry with an error (`code`, IPAYnnnnnnn when it gave one)
    that says nothing about the payment: ask again later; errors that last past
    KNET_INQUIRY_GIVE_UP_HOURS close the payment as failed (manual §3.5.5)."""

    def __init__(self, message: str, detail: str, code: str):
        super().__init__(message, detail)
        self.code = code


def _result_code(text: str) -> str:
    """The result's word, upper case, single spaces: `NOT+CAPTURED` and the kits'
    `FAILURE(NOT CAPTURED)` are NOT CAPTURED."""
    words = " ".join(text.replace("+", " ").upper().split())
    wrapped = re.fullmatch(r"FAILURE ?\((.+)\)", words)
    return wrapped.group(1).strip() if wrapped else words


def _udf(text: str) -> str:
    return _UDF_UNSAFE.sub("", text)[:255]


def _xml(fields: dict[str, str]) -> bytes:
    return "".join(
        f"<{name}>{html.escape(value, quote=False)}</{name}>" for name, value in fields.items()
    ).encode()


class KnetGateway(PaymentGateway):
    name = "knet"

    def __init__(
        self,
        *,
        tranportal_id: str,
        password: str,
        resource_key: str,
        gateway_url: str,
        timeout: float = 20.0,
        result_delivery: str = SERVER,
        language_ids: str = "AR,EN",
        refund_by: str = BY_TRACK_ID,
        ca_bundle: str = "",
    ):
        _cipher(resource_key)  # refuse a key of the wrong length now, not at the first payment
        if result_delivery not in (SERVER, BROWSER):
            raise ValueError("K-Net results come by the bank's server or by the browser")
        self.tranportal_id = tranportal_id
        self.password = password
        self.resource_key = resource_key
        self.gateway_url = gateway_url.rstrip("/")
        self.timeout = timeout
        self.result_delivery = result_delivery
        self.language_ids = LANGUAGE_IDS[language_ids]
        if refund_by not in (BY_TRACK_ID, BY_TRANSACTION_ID):
            raise ValueError("a K-Net refund names the purchase by trackid or transid")
        self.refund_by = refund_by
        # KNET's CA (manual §8 item 1) for our own calls to the bank; the system's store without one.
        self.tls = ssl.create_default_context(cafile=ca_bundle or None)

    @property
    def payment_url(self) -> str:
        return f"{self.gateway_url}/PaymentHTTP.htm?param=paymentInit"

    @property
    def tran_pipe_url(self) -> str:
        return f"{self.gateway_url}/tranPipe.htm?param=tranInit"

    def start(self, track_id, amount_fils, *, language, return_url, notify_url=None, description=""):
        if not TRACK_ID.fullmatch(track_id):
            raise ValueError("a K-Net track id is 1 to 19 letters and digits")
        # The current flow's response URL is the notification address, which the bank's
        # server calls; the browser comes back to the error URL, or where we answer.
        response_url = notify_url if self.result_delivery == SERVER else return_url
        if not response_url:
            raise ValueError("K-Net's current flow needs the notification address")
        for url in (response_url, return_url):
            if not url.startswith(("https://", "http://")) or re.search(r"[&\s]", url):
                raise ValueError("K-Net takes absolute addresses without & (they are not encoded)")
        fields = {
            "id": self.tranportal_id,
            "password": self.password,
            "action": ACTION_PURCHASE,
            "langid": self.language_ids.get(language, self.language_ids["ar"]),
            "currencycode": CURRENCY_KWD,
            "amt": _kwd(amount_fils),
            "responseURL": response_url,
            "errorURL": return_url,
            "trackid": track_id,
            "udf1": _udf(description),
            "udf2": "",
            "udf3": "",
            "udf4": "",
            "udf5": "",
        }
        plain = "&".join(f"{name}={value}" for name, value in fields.items())
        query = urlencode(
            {
                "trandata": encrypt_trandata(plain, self.resource_key),
                "tranportalId": self.tranportal_id,
                "responseURL": response_url,
                "errorURL": return_url,
            }
        )
        return PaymentStart(f"{self.payment_url}&{query}")

    def verify(self, params):
        if params.get("trandata"):
            fields = parse_pairs(decrypt_trandata(str(params["trandata"]), self.resource_key))
            return self._result(fields, verified=True)
        track_id = str(params.get("trackid") or params.get("trackId") or "").strip()
        if TRACK_ID_READ.fullmatch(track_id):
            # Clear fields (the error URL, or a notice without trandata): anyone could have
            # written them, so they only tell which payment to ask the bank about.
            code = str(params.get("Error") or "").strip()
            text = str(params.get("ErrorText") or "").strip()
            word = code if ERROR_CODE.fullmatch(code) else _result_code(text)
            return PaymentResult(
                track_id=track_id,
                outcome=UNKNOWN,
                result_code=word[:60],
                verified=False,
                raw=without_card_data(
                    {
                        "trackid": track_id,
                        "Error": code,
                        "ErrorText": text,
                        "paymentid": params.get("paymentid", ""),
                    }
                ),
            )
        raise ResultRejected("no trandata and no track id")

    def inquiry_fields(self, track_id: str, amount_fils: int) -> dict[str, str]:
        """The bank's answer to an inquiry (action 8) about `track_id`, field by field, as
        it came (knet-check shows them); GatewayUnavailable when it cannot be asked."""
        return self._tran_pipe(
            {
                "id": self.tranportal_id,
                "password": self.password,
                "action": ACTION_INQUIRY,
                "amt": _kwd(amount_fils),
                "transid": track_id,
                "udf5": "TrackID",
                "trackid": track_id,
            }
        )

    def inquire(self, track_id, amount_fils):
        answer = self.inquiry_fields(track_id, amount_fils)
        code, text = error_of(answer)
        if (code or text) and is_not_found(code, text):
            return PaymentResult(
                track_id=track_id,
                outcome=UNKNOWN,
                result_code=code or NOT_FOUND,
                raw=without_card_data(answer),
            )
        if code or text:
            # Wrong credentials, a bad request, the bank's own trouble: nothing is known
            # about the payment, so it stays as it is and is asked about again later.
            log.warning("K-Net inquiry for %s refused: %s", track_id, describe_error(code, text))
            raise InquiryRefused(
                f"inquiry refused: {describe_error(code, text)[:80]}",
                detail=describe_error(code, text),
                code=code or "!ERROR!",
            )
        if not _result_code(answer.get("result", "")):
            raise GatewayUnavailable("the inquiry's answer has no result")
        if answer.get("trackid") and answer["trackid"] != track_id:
            raise ResultRejected("the inquiry answered about another track id")
        return self._result(
            {**answer, "trackid": track_id, "paymentid": answer.get("payid") or answer.get("paymentid", "")},
            verified=True,
            outcomes=INQUIRY_OUTCOMES,
        )

    def refund(self, track_id, transaction_id, amount_fils):
        # The track id names the purchase (udf5=TrackID), as the manual's only raw refund
        # sample does (§3.7.2); KNET_REFUND_BY=transid names it by the bank's transaction
        # id from the signed notice instead, where there is one.
        by_transaction = self.refund_by == BY_TRANSACTION_ID and bool(transaction_id)
        answer = self._tran_pipe(
            {
                "id": self.tranportal_id,
                "password": self.password,
                "action": ACTION_REFUND,
                "amt": _kwd(amount_fils),
                "transid": transaction_id if by_transaction else track_id,
                "udf5": "" if by_transaction else "TrackID",
                "trackid": track_id,
            }
        )
        code, text = error_of(answer)
        if code in ASK_AGAIN:
            raise GatewayUnavailable(f"refund not answered: {code}", detail=describe_error(code, text))
        if code or text:
            return RefundResult(
                done=False,
                result_code=code or "!ERROR!",
                error_code=code,
                error_text=text,
                raw=without_card_data(answer),
            )
        word = _result_code(answer.get("result", ""))
        if not word:
            raise GatewayUnavailable("the refund's answer has no result")
        return RefundResult(
            done=word == REFUNDED,
            result_code=word[:40],
            reference_number=answer.get("ref", "")[:32],
            raw=without_card_data(answer),
        )

    def _result(self, fields: dict, verified: bool, outcomes: dict = OUTCOMES) -> PaymentResult:
        track_id = fields.get("trackid", "")
        if not TRACK_ID_READ.fullmatch(track_id):
            raise ResultRejected("the result has no track id")
        code = _result_code(fields.get("result", ""))
        if not code:
            error = str(fields.get("Error") or "").strip()
            code = error if ERROR_CODE.fullmatch(error) else _result_code(fields.get("ErrorText", ""))
        if not code:
            raise ResultRejected("the result has no result code")
        return PaymentResult(
            track_id=track_id,
            outcome=outcomes.get(code, FAILED),
            result_code=code[:40],
            amount_fils=_amount(fields.get("amt")),
            payment_id=fields.get("paymentid", "")[:64],
            transaction_id=fields.get("tranid", "")[:64],
            auth_code=fields.get("auth", "")[:32],
            reference_number=fields.get("ref", "")[:32],
            verified=verified,
            raw=without_card_data(fields),
        )

    def _tran_pipe(self, fields: dict[str, str]) -> dict[str, str]:
        request = urllib.request.Request(
            self.tran_pipe_url, data=_xml(fields), method="POST", headers={"Content-Type": "application/xml"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.tls) as response:
                body = response.read(64 * 1024).decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            raise GatewayUnavailable(f"HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, ssl.SSLError):
                raise GatewayUnavailable(
                    f"TLS: {reason}",
                    detail="the bank's certificate is not trusted: check KNET_CA_BUNDLE",
                ) from error
            raise GatewayUnavailable(type(error).__name__) from error
        answer = parse_xml_fields(body)
        if not answer:
            raise GatewayUnavailable("the answer holds no fields")
        return answer
