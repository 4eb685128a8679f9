"""The rows of the desk's CSV exports, read a batch at a time in the order they were made,
each batch starting after the last row of the one before (by the index on when each was
made): an export of a month of a national operator's payments streams in the memory of
one batch (issue 24). `payments_made` and `refunds_asked` are the queries, for the plan
tests."""

from collections.abc import Iterator
from datetime import datetime

from peewee import JOIN, fn

from models import InsuranceRequest, Payment, Refund, User, db

BATCH = 1000


def payments_made(start: datetime, end: datetime, after: tuple | None = None):
    """The next BATCH of payments made in [start, end), after (created_at, id) `after`."""
    query = (
        Payment.select(Payment, InsuranceRequest, User)
        .join(InsuranceRequest)
        .join(User, JOIN.LEFT_OUTER)
        .where((Payment.created_at >= start) & (Payment.created_at < end))
    )
    return _next_batch(query, Payment.created_at, Payment.id, after)


def refunds_asked(start: datetime, end: datetime, after: tuple | None = None):
    """The next BATCH of refunds asked for in [start, end), after (requested_at, id) `after`."""
    query = (
        Refund.select(Refund, InsuranceRequest, User)
        .join(InsuranceRequest)
        .join(User, JOIN.LEFT_OUTER)
        .where((Refund.requested_at >= start) & (Refund.requested_at < end))
    )
    return _next_batch(query, Refund.requested_at, Refund.id, after)


def _next_batch(query, at, key, after: tuple | None):
    if after is not None:
        last_at, last_key = after
        query = query.where((at >= last_at) & ((at > last_at) | (key > last_key)))
    return query.order_by(at, key).limit(BATCH)


def each_payment(start: datetime, end: datetime) -> Iterator[tuple[Payment, int]]:
    """Each payment made in [start, end), with the fils that refunds made gave back."""
    for batch in _batches(payments_made, start, end, "created_at"):
        given_back = refunded_fils([payment.id for payment in batch])
        for payment in batch:
            yield payment, given_back.get(payment.id, 0)


def each_refund(start: datetime, end: datetime) -> Iterator[Refund]:
    for batch in _batches(refunds_asked, start, end, "requested_at"):
        yield from batch


def refunded_fils(payment_ids: list[int]):
    """{payment id: fils given back} by refunds made (not ones still waiting or being
    made: Payment.refunded_fils counts those too, before the bank has answered)."""
    query = (
        Refund.select(Refund.payment, fn.SUM(Refund.amount_fils).alias("total"))
        .where((Refund.state == Refund.REFUNDED) & Refund.payment.in_(payment_ids))
        .group_by(Refund.payment)
    )
    return {row.payment_id: row.total for row in query}


def _batches(batch_of, start: datetime, end: datetime, at: str) -> Iterator[list]:
    after = None
    while True:
        batch = list(batch_of(start, end, after))
        yield batch
        if len(batch) < BATCH:
            return
        after = (getattr(batch[-1], at), batch[-1].id)


def on_own_connection(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """`chunks`, closing the connection they opened when done: a streamed response is
    written after its request has ended, and with it the request's connection (app.py's
    teardown), so its reads open one of their own."""
    try:
        yield from chunks
    finally:
        if not db.is_closed() and not db.in_transaction():
            db.close()
