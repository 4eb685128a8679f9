"""Who sponsors the people of a request: a person (their civil ID), a company or public
body (its name and its file or licence number), or nobody else, when every person covered
is self-sponsored (residency Art. 24).

A file or licence number is the commerce licence or the ministry file of the employer:
digits only, as people type them (Arabic-Indic too), with the spaces, dashes and slashes
the papers print between groups left out.
"""

import re
from collections.abc import Iterable

from domain.digits import normalise_digits
from domain.fee_schedule import FeeSchedule

PERSON = "person"
COMPANY = "company"
SELF = "self"  # every person covered is their own sponsor: the step is skipped
KINDS = (PERSON, COMPANY)

FILE_NUMBER_MIN_DIGITS = 3
FILE_NUMBER_MAX_DIGITS = 15

_SEPARATORS = re.compile(r"[\s/\-]+")
_DIGITS = re.compile(r"[0-9]+")


class InvalidFileNumber(ValueError):
    """`reason`: "format" (not digits) or "length" (too few or too many)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_file_number(text: str) -> str:
    """The file or licence number as ASCII digits, or InvalidFileNumber."""
    digits = _SEPARATORS.sub("", normalise_digits(text or ""))
    if not _DIGITS.fullmatch(digits):
        raise InvalidFileNumber("format")
    if not FILE_NUMBER_MIN_DIGITS <= len(digits) <= FILE_NUMBER_MAX_DIGITS:
        raise InvalidFileNumber("length")
    return digits


def all_self_sponsored(schedule: FeeSchedule, category_codes: Iterable[str]) -> bool:
    """True when there is someone and every one of them is in a self-sponsored category:
    nobody else sponsors them, so nobody is asked for."""
    codes = list(category_codes)
    categories = [schedule.category(code) for code in codes]
    return bool(codes) and all(category is not None and category.self_sponsored for category in categories)


def sponsors_only_self(sponsor_civil_id: str | None, covered_civil_ids: Iterable[str]) -> bool:
    """A person named as the sponsor of a request that covers them alone: nobody sponsors
    their own residency (a worker's sponsor is the employer; a self-sponsored resident needs
    none). Alongside others, such as a family they sponsor, the holder may be the sponsor."""
    return bool(sponsor_civil_id) and set(covered_civil_ids) == {sponsor_civil_id}


def is_answered(kind: str | None, civil_id: str | None, name: str | None, file_number: str | None) -> bool:
    """Whether the stored sponsor answer is whole for its kind (an old request, from
    before companies, has a civil ID and no kind)."""
    if kind == SELF:
        return True
    if kind == COMPANY:
        return bool(name and file_number)
    return bool(civil_id)


ORGANISATION_ACCOUNTS = ("company", "government", "university")


def may_be_the_sponsor(account_kind: str | None, civil_id: str, covered_civil_ids: Iterable[str]) -> bool:
    """Whether "I am the sponsor" is offered to an account holder: a person's account, not
    an organisation's (whose sponsor is the organisation, with its file number), and not
    on a request that covers the holder alone (an Art. 18 worker's sponsor is the employer)."""
    return account_kind not in ORGANISATION_ACCOUNTS and not sponsors_only_self(civil_id, covered_civil_ids)
