"""The refund queue at the desk: approving through the gateway or by bank transfer,
rejecting with a note, and the rules that make a paid request refunded once, in full,
by a reviewer with no stake in it."""

import pytest

import models
from gateways.payments.sandbox_books import SandboxPayment
from models import AuditEvent, InsuranceRequest, Refund, StaffMember
from tests.helpers import (
    ADULT,
    APPLICANT,
    PAID_TOTAL,
    SECOND,
    approve,
    civil_id_for,
    form_post,
    make_staff,
    paid_request,
    staff_login,
    stored,
)


def test_queue_lists_waiting_refunds(desk, waiting):
    reference, refund = waiting
    page = desk.get("/desk/refunds")
    assert f"/desk/refunds/{refund.id}" in page.text and reference in page.text
    detail = desk.get(f"/desk/refunds/{refund.id}")
    assert "KW81 CBKU 0000 0000 0000 1234 5601 01" in detail.text
    assert "The people covered left Kuwait before the cover started" in detail.text
    assert "Approve and refund KWD\u00a0110.000" in detail.text
    assert "Money is not refunded when the data the applicant entered was wrong." in detail.text


def test_approve_through_the_sandbox_gateway(client, desk, waiting):
    reference, refund = waiting
    response = approve(desk, refund, note="Left before cover")
    assert response.status_code == 303 and response.headers["Location"] == f"/desk/refunds/{refund.id}"
    refund = Refund.get_by_id(refund.id)
    assert refund.state == Refund.REFUNDED and refund.method == Refund.GATEWAY
    assert refund.refund_reference.startswith("RF") and refund.done_for == refund.request_id
    assert refund.decided_by.login == "reviewer1" and refund.open_for is None
    assert stored(reference).state == InsuranceRequest.REFUNDED
    payment = stored(reference).latest_payment()
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == PAID_TOTAL
    assert "Refund made" in desk.get(f"/desk/refunds/{refund.id}").text
    # The applicant sees it refunded; the receipt's public check says not paid any more.
    page = client.get(f"/requests/{reference}")
    assert "Refunded" in page.text and "KWD\u00a0110.000 was refunded" in page.text
    assert refund.refund_reference in page.text
    assert "Ask for a refund" not in page.text


def test_approve_by_bank_transfer_needs_its_reference(client, desk, waiting):
    reference, refund = waiting
    missing = approve(desk, refund, method="bank_transfer")
    assert missing.status_code == 200
    assert "Enter the reference of the bank transfer you made" in missing.text
    assert Refund.get_by_id(refund.id).state == Refund.REQUESTED
    assert "Choose how the money goes back" in approve(desk, refund, method="").text
    done = approve(desk, refund, method="bank_transfer", bank_reference="NBK-٢٠٢٦-0042")
    assert done.status_code == 303
    refund = Refund.get_by_id(refund.id)
    assert (refund.state, refund.method, refund.refund_reference) == (
        Refund.REFUNDED,
        Refund.BANK_TRANSFER,
        "NBK-2026-0042",
    )
    payment = stored(reference).latest_payment()
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == 0
    assert (
        'sent by bank transfer to <bdi class="id">KW81 •••• 0101</bdi>'
        in client.get(f"/requests/{reference}").text
    )


def test_reject_with_a_note_the_applicant_reads(client, desk, waiting):
    reference, refund = waiting
    assert (
        "Say why the refund is rejected"
        in form_post(desk, f"/desk/refunds/{refund.id}/reject", {"reason": ""}).text
    )
    response = form_post(
        desk, f"/desk/refunds/{refund.id}/reject", {"reason": "The residency was renewed after the request."}
    )
    assert response.status_code == 303
    assert Refund.get_by_id(refund.id).state == Refund.REJECTED
    assert stored(reference).state == InsuranceRequest.PAID
    page = client.get(f"/requests/{reference}")
    assert "Your last refund request was rejected." in page.text
    assert "The residency was renewed after the request." in page.text
    assert "Ask for a refund" in page.text
    # A decided refund cannot be approved after all.
    late = approve(desk, refund)
    assert late.status_code == 409 and "already been decided" in late.text
    assert stored(reference).state == InsuranceRequest.PAID


def test_a_double_approval_refunds_once(desk, waiting):
    reference, refund = waiting
    assert approve(desk, refund).status_code == 303
    again = approve(desk, refund)
    assert again.status_code == 409 and "already been decided" in again.text
    payment = stored(reference).latest_payment()
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == PAID_TOTAL
    assert AuditEvent.select().where(AuditEvent.action == "refund.refunded").count() == 1


def test_two_reviewers_at_once_refund_once(app, desk, waiting, clock):
    reference, refund = waiting
    second = make_staff(app, login="reviewer2", civil_id=civil_id_for(902, born="810404"))
    assert Refund.get_by_id(refund.id).claim(second)
    assert not Refund.get_by_id(refund.id).claim(StaffMember.get(StaffMember.login == "reviewer1"))
    assert approve(desk, refund).status_code == 409


def test_no_second_refund_of_a_refunded_request(client, desk, waiting):
    reference, refund = waiting
    approve(desk, refund)
    # The applicant cannot ask again, and a second refund row cannot be made to count.
    assert client.get(f"/requests/{reference}/refund").status_code == 303
    with pytest.raises(models.RefundRefused):
        Refund.ask(
            stored(reference), reason="other", details="again", iban_text=refund.iban, account_holder="x"
        )
    forged = Refund.create(
        request=refund.request_id,
        payment=refund.payment_id,
        amount_fils=PAID_TOTAL,
        reason="other",
        iban=refund.iban,
        account_holder="x",
    )
    refused = approve(desk, forged)
    assert refused.status_code == 409 and "already been refunded" in refused.text
    with pytest.raises(models.IntegrityError):
        with models.db.atomic():
            Refund.update(done_for=refund.request_id).where(Refund.id == forged.id).execute()
    payment = stored(reference).latest_payment()
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == PAID_TOTAL


@pytest.mark.parametrize("amount", ["110.001", "0", "abc"])
def test_more_than_was_paid_or_no_amount_is_refused(desk, waiting, amount):
    reference, refund = waiting
    refused = approve(desk, refund, amount=amount)
    assert refused.status_code in (200, 409)
    assert "more than is left" in refused.text or "Enter an amount in KD above 0" in refused.text
    assert Refund.get_by_id(refund.id).state == Refund.REQUESTED
    payment = stored(reference).latest_payment()
    assert payment.refunded_fils == 0
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == 0


def test_a_partial_refund_then_the_rest(client, desk, waiting):
    """KNET's manual §7: part of the amount, then the rest when asked again; never more."""
    reference, refund = waiting
    assert approve(desk, refund, amount="55").status_code == 303
    refund = Refund.get_by_id(refund.id)
    assert refund.state == Refund.REFUNDED and refund.amount_fils == 55_000 and refund.done_for is None
    assert stored(reference).state == InsuranceRequest.PAID  # still paid: part of it went back
    page = client.get(f"/requests/{reference}").text
    assert "KWD\u00a055.000 was refunded" in page and "Ask for a refund" in page
    payment = stored(reference).latest_payment()
    assert payment.refunded_fils == 55_000
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == 55_000
    rest = models.Refund.ask(
        stored(reference), reason="other", details=None, iban_text=refund.iban, account_holder="A"
    )
    assert rest.amount_fils == PAID_TOTAL - 55_000
    assert "Refunded so far" in desk.get(f"/desk/refunds/{rest.id}").text
    assert approve(desk, rest).status_code == 303
    assert Refund.get_by_id(rest.id).done_for == rest.request_id
    assert stored(reference).state == InsuranceRequest.REFUNDED
    assert stored(reference).latest_payment().refunded_fils == PAID_TOTAL


def test_the_sandbox_bank_refuses_part_and_excess_refunds_too(client, applicant):
    reference = paid_request(client)
    track_id = stored(reference).latest_payment().track_id
    assert not SandboxPayment.refund(track_id, PAID_TOTAL + 1)
    assert not SandboxPayment.refund(track_id, 0)
    assert SandboxPayment.refund(track_id, PAID_TOTAL)
    assert not SandboxPayment.refund(track_id, 1)


@pytest.mark.parametrize("whose", ["owner", "sponsor", "covered"])
def test_a_reviewer_cannot_approve_their_own_request(app, client, waiting, clock, whose):
    reference, refund = waiting
    # fill_until_check: the sponsor is ADULT, who is covered too, with SECOND.
    civil_id = {"owner": APPLICANT, "sponsor": ADULT, "covered": SECOND}[whose]
    own = make_staff(app, login="conflicted", civil_id=civil_id)
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, own).status_code == 302
    page = desk.get(f"/desk/refunds/{refund.id}")
    assert "you cannot decide on its refunds" in page.text and "Approve and refund" not in page.text
    refused = approve(desk, refund)
    assert refused.status_code == 403 and "Another reviewer must decide" in refused.text
    rejected = form_post(desk, f"/desk/refunds/{refund.id}/reject", {"reason": "mine"})
    assert rejected.status_code == 403
    assert Refund.get_by_id(refund.id).state == Refund.REQUESTED
    assert stored(reference).state == InsuranceRequest.REFUND_REQUESTED
    with pytest.raises(models.RefundRefused):
        Refund.get_by_id(refund.id).check_approvable(own)


def test_a_declining_gateway_puts_the_refund_back_in_the_queue(app, desk, waiting):
    reference, refund = waiting
    payment = stored(reference).latest_payment()
    SandboxPayment.update(result="NOT CAPTURED").where(SandboxPayment.track_id == payment.track_id).execute()
    response = approve(desk, refund)
    assert response.status_code == 303
    refund = Refund.get_by_id(refund.id)
    assert refund.state == Refund.REQUESTED and "declined" in refund.last_error
    assert "The gateway did not make the refund" in desk.get(f"/desk/refunds/{refund.id}").text
    assert stored(reference).state == InsuranceRequest.REFUND_REQUESTED


def test_an_unreachable_gateway_puts_the_refund_back_in_the_queue(app, desk, waiting, monkeypatch):
    from gateways.payments import GatewayUnavailable

    reference, refund = waiting
    gateway = app.extensions["payment_gateway"]

    def unreachable(*args):
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(gateway, "refund", unreachable)
    assert approve(desk, refund).status_code == 303
    refund = Refund.get_by_id(refund.id)
    assert refund.state == Refund.REQUESTED and "could not be reached" in refund.last_error


def test_the_applicant_withdrawing_first_wins(client, desk, waiting):
    reference, refund = waiting
    form_post(client, f"/requests/{reference}/refund/withdraw")
    assert approve(desk, refund).status_code == 409
    assert stored(reference).state == InsuranceRequest.PAID
