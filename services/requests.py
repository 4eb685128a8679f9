"""Insurance requests past their draft: freezing the answers and amounts once the
applicant confirms them, and opening them again for changes before anything is paid.

The rule: the amount paid is always the fee of the answers stored. So freezing works the
quote out again from the stored answers, in the transaction that freezes them, and only
while they are the answers the person checked (models.InsuranceRequest.version); and a
confirmed request becomes a draft again only when its owner asks, audited, with no
payment in progress at the bank.
"""

from datetime import date

from domain.fee_schedule import FeeSchedule
from models import InsuranceRequest
from models.requests import writing
from services.double_cover import check_not_covered
from services.settlement import settle_free


class AnswersChanged(Exception):
    """The stored answers are not the ones the person checked, or no longer add up to a
    payable quote: nothing was frozen, and the person should check them again."""


class ReopenRefused(Exception):
    """A confirmed request cannot go back to a draft; `reason` says why:
    "payment_in_progress" (a payment of it waits at the bank) or "not_awaiting_payment"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def freeze_request(
    insurance_request: InsuranceRequest, schedule: FeeSchedule, today: date, seen_version: int | None = None
) -> bool:
    """Fix the request's answers and the amounts they cost under `schedule` on `today`;
    it then awaits payment, or is paid when nothing is due. `seen_version` is the version
    of the answers the person checked (by default, the one `insurance_request` was read at).

    False when it was no longer a draft (a second tab, a double click); AnswersChanged
    when the answers changed since they were checked, or cannot be priced;
    services.double_cover.AlreadyCovered when someone on it is covered already, by a paid
    request of the same account or express sponsor, for part of the period."""
    seen = insurance_request.version if seen_version is None else seen_version
    with writing():
        stored = InsuranceRequest.held(insurance_request.id)
        if not stored.is_draft:
            return False
        if stored.version != seen:
            raise AnswersChanged()
        quote = stored.quote(schedule, today)
        if not quote.payable:
            raise AnswersChanged()
        check_not_covered(stored, today)
        if not stored.freeze(quote, schedule.id):  # held since it was read: not expected
            raise AnswersChanged()
        if quote.total_fils == 0:
            settle_free(stored)  # everyone exempt: nothing to pay, so it is settled now
    insurance_request.take_values_of(stored)
    return True


def reopen_request(insurance_request: InsuranceRequest) -> None:
    """Its owner's explicit "change the answers": back to a draft, the frozen amounts
    cleared, audited. ReopenRefused while a payment of it is in progress at the bank (its
    amount is the total being cleared), or when it no longer awaits payment."""
    if insurance_request.reopen():
        return
    if InsuranceRequest.get_by_id(insurance_request.id).state != InsuranceRequest.AWAITING_PAYMENT:
        raise ReopenRefused("not_awaiting_payment")
    raise ReopenRefused("payment_in_progress")
