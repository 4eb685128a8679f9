"""`knet-check`: a go-live rehearsal against the bank's test host with the merchant's test
credentials. It changes nothing (an inquiry is a read, and nothing is written here):

1. the TLS handshake with the bank's host, trusting KNET_CA_BUNDLE or the system's store;
2. an inquiry for a track id the bank cannot know, which must come back as not found;
3. which fields the answer carried;
4. what it learned of the four things no public source settles (shared/knet.md): whether an
   inquiry answer carries `amt`, whether "not found" is always IPAY0100263, the notice's
   Content-Type, and whether the inquiry's `tranid` is the purchase's. The first and the
   last need a paid test payment (`known`: its track id and the transaction id its signed
   notice carried); the Content-Type needs a real notice, which the app logs.
"""

import secrets
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from gateways.payments import GatewayUnavailable
from gateways.payments.knet import NOT_FOUND, KnetGateway, error_of, is_not_found

PROBE_FILS = 1000  # the inquiry names an amount; 1.000 KWD, for a payment that does not exist


@dataclass
class Rehearsal:
    lines: list[str] = field(default_factory=list)
    passed: bool = True

    def say(self, text: str) -> None:
        self.lines.append(text)

    def fail(self, text: str) -> None:
        self.passed = False
        self.lines.append(f"FAILED: {text}")


def unknown_track_id() -> str:
    """19 digits the app never makes (its track ids start with the date, yymmdd...)."""
    return "99" + f"{secrets.randbelow(10**17):017d}"


def rehearse(knet: KnetGateway, known_track_id: str = "", known_transaction_id: str = "") -> Rehearsal:
    report = Rehearsal()
    _handshake(knet, report)
    if not report.passed:
        return report
    track_id = unknown_track_id()
    try:
        answer = knet.inquiry_fields(track_id, PROBE_FILS)
    except GatewayUnavailable as problem:
        report.fail(f"the inquiry for {track_id} was not answered: {problem.detail or problem}")
        return report
    report.say(f"Inquiry for the unknown track id {track_id}: fields {', '.join(sorted(answer))}.")
    code, text = error_of(answer)
    if not is_not_found(code, text):
        report.fail(
            f"the bank did not answer not-found ({code or answer.get('result', '')[:60]} {text}): "
            "check KNET_TRANPORTAL_ID and KNET_PASSWORD."
        )
    elif code == NOT_FOUND:
        report.say(f"Not found is {NOT_FOUND}, as the sources say ({text}).")
    else:
        report.say(
            f"Not found came as {code or 'no code'} ({text}), not {NOT_FOUND}: the app takes it "
            "as not found by its wording. Tell the project."
        )
    _known_payment(knet, known_track_id, known_transaction_id, report)
    report.say(
        "Notice Content-Type: cannot be learned without a real payment. Pay once with a "
        'test card; the app logs each notice\'s Content-Type ("payment notice received"), and '
        "reads a form, a form without a form Content-Type, or a bare hex body alike."
    )
    return report


def _handshake(knet: KnetGateway, report: Rehearsal) -> None:
    parts = urlsplit(knet.gateway_url)
    if parts.scheme != "https":
        report.say(f"TLS handshake: none, {parts.scheme}:// is not https (a test address only).")
        return
    port = parts.port or 443
    try:
        with socket.create_connection((parts.hostname, port), timeout=knet.timeout) as raw:
            with knet.tls.wrap_socket(raw, server_hostname=parts.hostname) as tls:
                issuer = dict(pair[0] for pair in tls.getpeercert().get("issuer", ()))
                by = issuer.get("organizationName") or issuer.get("commonName", "?")
                report.say(
                    f"TLS handshake with {parts.hostname}:{port}: {tls.version()}, "
                    f"certificate issued by {by}."
                )
    except OSError as problem:  # ssl.SSLError included
        report.fail(
            f"TLS handshake with {parts.hostname}:{port}: {problem}. A certificate the bank's "
            "chain does not verify needs KNET_CA_BUNDLE (KNET's CA, in PEM)."
        )


def _known_payment(knet: KnetGateway, track_id: str, transaction_id: str, report: Rehearsal) -> None:
    if not track_id:
        report.say(
            "Inquiry amt: cannot be learned without a real payment: pay once on the test host "
            "and run again with --track-id."
        )
        report.say("Inquiry tranid: cannot be learned without a real payment (as above).")
        return
    try:
        answer = knet.inquiry_fields(track_id, PROBE_FILS)
    except GatewayUnavailable as problem:
        report.fail(f"the inquiry for {track_id} was not answered: {problem.detail or problem}")
        return
    report.say(f"Inquiry for the paid track id {track_id}: fields {', '.join(sorted(answer))}.")
    if "amt" in answer:
        report.say(f"Inquiry amt: carried ({answer['amt']}).")
    else:
        report.say("Inquiry amt: not carried; the app checks the signed notice's amount instead.")
    tranid = answer.get("tranid", "")
    if not transaction_id:
        report.say(f"Inquiry tranid: {tranid or 'none'}; the signed notice's is not known to compare.")
    elif tranid == transaction_id:
        report.say("Inquiry tranid: the purchase's (the signed notice's).")
    else:
        report.say(
            f"Inquiry tranid: {tranid or 'none'}, not the purchase's {transaction_id}: refunds "
            "name the purchase by its track id (KNET_REFUND_BY=trackid)."
        )
