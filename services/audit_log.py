"""The audit log, newest first, a page at a time by key: a page starts after the last
event shown (`before` an id, or `after` one going back to newer events), so the
thousandth page costs what the first does; OFFSET would read every event before it."""

from models import AuditEvent

PER_PAGE = 50


def events_page(request_id: int | None = None, before: int | None = None, after: int | None = None):
    """The query for a page: older than `before`, or newer than `after` (oldest first,
    for the caller to turn round), or the newest; only `request_id`'s when given."""
    query = AuditEvent.select()
    if request_id is not None:
        query = query.where(AuditEvent.request_id == request_id)
    if after is not None:
        return query.where(AuditEvent.id > after).order_by(AuditEvent.id).limit(PER_PAGE)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    return query.order_by(AuditEvent.id.desc()).limit(PER_PAGE)


def page(request_id: int | None = None, before: int | None = None, after: int | None = None):
    """(events newest first, newer ones exist, older ones exist)."""
    events = list(events_page(request_id, before, after))
    if after is not None:
        events.reverse()
    if not events:
        return [], False, False
    return events, _exists(request_id, newer_than=events[0].id), _exists(request_id, older_than=events[-1].id)


def _exists(request_id: int | None, newer_than: int | None = None, older_than: int | None = None) -> bool:
    query = AuditEvent.select(AuditEvent.id)
    if request_id is not None:
        query = query.where(AuditEvent.request_id == request_id)
    if newer_than is not None:
        query = query.where(AuditEvent.id > newer_than)
    if older_than is not None:
        query = query.where(AuditEvent.id < older_than)
    return query.exists()
