"""services/requests.py: freezing a confirmed request fixes its answers and amounts once."""
import dataclasses

from models import AuditEvent, InsuranceRequest, Receipt
from services.requests import freeze_request


def fresh(record):
    return type(record).get_by_id(record.id)


def test_freezing_fixes_the_amounts_as_quoted(draft, quoted):
    assert freeze_request(draft, quoted, quoted.schedule_id)
    frozen = fresh(draft)
    assert frozen.state == InsuranceRequest.AWAITING_PAYMENT and not frozen.is_draft
    assert (frozen.total_fils, frozen.schedule_id) == (quoted.total_fils, "seed")
    assert frozen.frozen_at is not None and frozen.confirmed_at is not None
    assert [(p.annual_fils, p.subtotal_fils) for p in frozen.covered()] == \
        [(line.annual_fils, line.subtotal_fils) for line in quoted.lines]
    assert AuditEvent.select().where(AuditEvent.action == "request.frozen").count() == 1


def test_a_request_is_frozen_once(draft, quoted):
    assert freeze_request(draft, quoted, quoted.schedule_id)
    cheaper = dataclasses.replace(quoted, total_fils=1)
    assert not freeze_request(fresh(draft), cheaper, quoted.schedule_id)  # a second tab, a double click
    assert fresh(draft).total_fils == quoted.total_fils


def test_nothing_due_is_paid_as_it_is_frozen(draft, quoted):
    exempt = dataclasses.replace(quoted, total_fils=0, lines=tuple(
        dataclasses.replace(line, annual_fils=0, subtotal_fils=0) for line in quoted.lines))
    assert freeze_request(draft, exempt, quoted.schedule_id)
    assert fresh(draft).state == InsuranceRequest.PAID
    assert Receipt.of(draft).amount_fils == 0 and Receipt.of(draft).payment is None
