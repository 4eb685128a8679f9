"""A request that would pay again for a paid cover (services/double_cover.py), in the
reader's words: the account's and the express sponsor's check pages say the same."""

from flask_babel import gettext as _

from domain.dates import format_day
from domain.double_cover import PaidCover, renew_from


def covered_message(cover: PaidCover, names: dict[str, str]) -> str:
    return _(
        "%(name)s is already covered until %(date)s by request %(reference)s, so this request "
        "would pay for the same days twice. Renew that request instead: its cover starts on %(next_day)s.",
        name=names.get(cover.civil_id, cover.civil_id),
        date=format_day(cover.end),
        reference=cover.reference,
        next_day=format_day(renew_from(cover)),
    )


def renewals_to_offer(covers: list[PaidCover]) -> list[tuple[str, object]]:
    """(reference, first day of its renewal): one per paid request in the way, the latest
    cover first."""
    offered: dict[str, object] = {}
    for cover in covers:
        offered.setdefault(cover.reference, renew_from(cover))
    return list(offered.items())
