"""Taking payments: one small interface, two gateways chosen by PAYMENT_GATEWAY.

* sandbox: a test bank served by the app itself (/sandbox-bank/...), where a person
  approves, declines or cancels; no money moves. It signs its results and keeps its
  own record of payments, so inquiry and refund behave as with a real bank.
* knet: the bank-hosted K-Net page (tranportal id, password, resource key), with the
  AES-encrypted `trandata` of KNET's merchant integration manual (K-064).

A gateway never decides that a request is paid: it says what a returned result claims
(`verify`) and what the bank says when asked (`inquire`); services/payments.py
compares both with the frozen amount before anything is marked paid.
"""

from dataclasses import dataclass, field

# What a result means for the payment, whatever the gateway's own words for it.
PAID = "paid"
FAILED = "failed"
CANCELLED = "cancelled"
PENDING = "pending"  # the gateway knows the payment but it is not decided yet
UNKNOWN = "unknown"  # the gateway has no record of this track id

# Keys that must never be stored with a result, whichever gateway sent them.
CARD_KEYS = (
    "card",
    "cardno",
    "card_number",
    "pan",
    "cvv",
    "cvv2",
    "expiry",
    "expmonth",
    "expyear",
    "password",
    "id",
)


class PaymentError(RuntimeError):
    """Base of the gateway errors. `detail` is the gateway's own error code and wording
    when it gave one, for staff (the message is for the log)."""

    def __init__(self, message: str = "", detail: str = ""):
        super().__init__(message)
        self.detail = detail


class ResultRejected(PaymentError):
    """A returned result that cannot be trusted: bad signature, cannot be decrypted,
    malformed. The message says why, for the log; it never reaches the person."""


class GatewayUnavailable(PaymentError):
    """The gateway could not be asked (network, timeout, an answer it could not read)."""


@dataclass(frozen=True)
class PaymentStart:
    """Where to send the browser to pay."""

    url: str


@dataclass(frozen=True)
class PaymentResult:
    """A result, as returned through the browser (`verify`) or asked for (`inquire`).

    `verified` is False for results nobody signed (K-Net's error URL carries the track
    id in clear): such a result only names the payment to ask the gateway about."""

    track_id: str
    outcome: str  # PAID, FAILED, CANCELLED, PENDING or UNKNOWN
    result_code: str = ""  # the gateway's own word: CAPTURED, NOT CAPTURED, CANCELED...
    amount_fils: int | None = None
    payment_id: str = ""
    transaction_id: str = ""
    auth_code: str = ""
    reference_number: str = ""
    verified: bool = True
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    """`done` only when the gateway says the money went back. A refusal keeps the
    gateway's error code and wording (`error_code`, `error_text`) for staff."""

    done: bool
    result_code: str = ""
    reference_number: str = ""
    error_code: str = ""
    error_text: str = ""
    raw: dict = field(default_factory=dict)


class PaymentGateway:
    name = "abstract"
    is_test = False

    def start(
        self,
        track_id: str,
        amount_fils: int,
        *,
        language: str,
        return_url: str,
        notify_url: str | None = None,
        description: str = "",
    ) -> PaymentStart:
        """Register the payment with the gateway; where the browser goes to pay.

        `return_url` is where the browser comes back; `notify_url` where a gateway that
        reports results server to server (K-Net's current flow) posts them. Every call
        has a new `track_id`: a bank must never see one twice."""
        raise NotImplementedError

    def verify(self, params: dict) -> PaymentResult:
        """The result the browser or the gateway's notice brought, checked (a result
        named only in clear comes back with `verified` False); raises ResultRejected
        when it cannot be trusted."""
        raise NotImplementedError

    def inquire(self, track_id: str, amount_fils: int) -> PaymentResult:
        """Ask the gateway, server to server, what became of a payment;
        raises GatewayUnavailable when it cannot be asked."""
        raise NotImplementedError

    def refund(self, track_id: str, transaction_id: str, amount_fils: int) -> RefundResult:
        """Give back `amount_fils` of a captured payment; GatewayUnavailable when the
        answer does not say whether it went back."""
        raise NotImplementedError


def without_card_data(values: dict) -> dict:
    """A result's fields fit to keep: text only, nothing that looks like card data or a secret."""
    return {str(key): str(value)[:200] for key, value in values.items() if str(key).lower() not in CARD_KEYS}


def tables() -> list:
    """The tables the gateways keep in the app's database (the sandbox bank's books), for
    models.schema to create and migrate beside the app's own."""
    from gateways.payments.sandbox_books import SandboxPayment

    return [SandboxPayment]


def gateway_from_config(config) -> PaymentGateway:
    name = config["PAYMENT_GATEWAY"]
    if name == "knet":
        from gateways.payments.knet import KnetGateway

        return KnetGateway(
            tranportal_id=config["KNET_TRANPORTAL_ID"],
            password=config["KNET_PASSWORD"],
            resource_key=config["KNET_RESOURCE_KEY"],
            gateway_url=config["KNET_GATEWAY_URL"],
            timeout=config["KNET_TIMEOUT"],
            result_delivery=config["KNET_RESULT_DELIVERY"],
            language_ids=config["KNET_LANGUAGE_IDS"],
            refund_by=config.get("KNET_REFUND_BY", "trackid"),
            ca_bundle=config.get("KNET_CA_BUNDLE", ""),
        )
    from gateways.payments.sandbox import SandboxGateway, sandbox_key

    return SandboxGateway(sandbox_key(config["SECRET_KEY"]))
