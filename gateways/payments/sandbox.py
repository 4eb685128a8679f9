"""The sandbox: a test bank inside the app, so the whole payment journey can be walked
without a bank contract and without money. Its pages live in
views/payments/sandbox_bank.py; its record of payments is the SandboxPayment table (sandbox_books.py),
separate from the app's own Payment rows, as a bank's books are separate from the
merchant's.

Results travel back through the browser as query parameters signed with HMAC-SHA256,
keyed from SECRET_KEY, so a changed amount or result is refused like a real gateway's.
"""

import hashlib
import hmac
import secrets
from urllib.parse import urlencode

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
from gateways.payments.sandbox_books import SandboxPayment

# The sandbox bank's words, as K-Net's.
CAPTURED = "CAPTURED"
NOT_CAPTURED = "NOT CAPTURED"
CANCELED = "CANCELED"
OUTCOMES = {CAPTURED: PAID, NOT_CAPTURED: FAILED, CANCELED: CANCELLED}
CHOICES = {"approve": CAPTURED, "decline": NOT_CAPTURED, "cancel": CANCELED}
SIGNED_FIELDS = ("track_id", "payment_id", "result", "amount_fils", "auth", "ref", "tran_id")
PATH = "/sandbox-bank/pay/"


def sandbox_key(secret_key: str) -> bytes:
    """Its own key, derived from SECRET_KEY: a signature made for the bank cannot pass
    for anything else the app signs."""
    return hmac.new(secret_key.encode(), b"tameen sandbox bank results v1", hashlib.sha256).digest()


def _canonical(values: dict) -> bytes:
    return "\n".join(f"{name}={values.get(name, '')}" for name in SIGNED_FIELDS).encode()


class SandboxGateway(PaymentGateway):
    name = "sandbox"
    is_test = True

    def __init__(self, key: bytes):
        self.key = key

    # --- the merchant's side -------------------------------------------------------

    def start(self, track_id, amount_fils, *, language, return_url, notify_url=None, description=""):
        # Its page sends the browser back with the signed result: no server-to-server notice.
        row = SandboxPayment.open(track_id, amount_fils, return_url, description)
        return PaymentStart(f"{PATH}{row.payment_id}?{urlencode({'lang': language})}")

    def verify(self, params):
        values = {name: str(params.get(name, "")) for name in SIGNED_FIELDS}
        signature = str(params.get("signature", ""))
        named = str(params.get("trackid", ""))
        if not signature and named.isascii() and named.isalnum() and len(named) <= 40:
            # A payment named in clear (where a notice sends the browser): only to ask about.
            return PaymentResult(track_id=named, outcome=UNKNOWN, verified=False)
        if not signature or not hmac.compare_digest(signature, self.sign(values)):
            raise ResultRejected("sandbox result: signature does not match")
        if values["result"] not in OUTCOMES or not values["track_id"]:
            raise ResultRejected("sandbox result: unknown result or no track id")
        if not values["amount_fils"].isascii() or not values["amount_fils"].isdigit():
            raise ResultRejected("sandbox result: amount is not whole fils")
        return PaymentResult(
            track_id=values["track_id"],
            outcome=OUTCOMES[values["result"]],
            result_code=values["result"],
            amount_fils=int(values["amount_fils"]),
            payment_id=values["payment_id"],
            transaction_id=values["tran_id"],
            auth_code=values["auth"],
            reference_number=values["ref"],
            raw=without_card_data(values),
        )

    def inquire(self, track_id, amount_fils):
        try:
            row = SandboxPayment.get_or_none(SandboxPayment.track_id == track_id)
        except Exception as problem:  # its "network" is the database
            raise GatewayUnavailable(str(problem)) from problem
        if row is None:
            return PaymentResult(track_id=track_id, outcome=UNKNOWN, result_code="NOT FOUND")
        values = row.result_fields()
        return PaymentResult(
            track_id=row.track_id,
            outcome=OUTCOMES.get(row.result, PENDING),
            result_code=row.result or "PENDING",
            amount_fils=row.amount_fils,
            payment_id=row.payment_id,
            transaction_id=row.tran_id or "",
            auth_code=row.auth or "",
            reference_number=row.ref or "",
            raw=without_card_data(values),
        )

    def refund(self, track_id, transaction_id, amount_fils):
        done = SandboxPayment.refund(track_id, amount_fils)
        return RefundResult(
            done=done,
            result_code=CAPTURED if done else NOT_CAPTURED,
            reference_number=f"RF{secrets.randbelow(10**10):010d}" if done else "",
        )

    # --- the bank's side (views/payments/sandbox_bank.py) -----------------------

    def sign(self, values: dict) -> str:
        return hmac.new(self.key, _canonical(values), hashlib.sha256).hexdigest()

    def result_url(self, row) -> str:
        """Where the bank sends the browser once the person has chosen: the merchant's
        response URL with the signed result."""
        values = row.result_fields()
        query = urlencode({**values, "signature": self.sign(values)})
        separator = "&" if "?" in row.response_url else "?"
        return f"{row.response_url}{separator}{query}"
