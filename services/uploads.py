"""Uploaded lists of people: keeping one as read, finding who is covered already, and
turning the people who passed the checks into requests, each paid on its own."""

from datetime import date

from domain.uploads import Row
from models import InsuranceRequest, InsuredPerson, User
from models.requests import writing
from models.uploads import Upload, UploadedRequest

_IN_CHUNK = 500  # civil IDs per query: well inside every database's limit on parameters


class AlreadyDone(Exception):
    """The upload's requests were made already (a second press, another tab)."""


def keep_upload(
    owner: User,
    file_name: str,
    sponsor: dict,
    rows: list[Row],
    cover: tuple[str, date | None] = ("new", None),
) -> Upload:
    """`sponsor` as InsuranceRequest.set_sponsor takes it: a person or a company; `cover`
    (status, current cover end) for every request the rows become."""
    status, current_cover_end = cover
    return Upload.create(
        owner=owner,
        file_name=file_name[:200],
        sponsor_kind=sponsor["kind"],
        sponsor_name=sponsor["name"],
        sponsor_civil_id=sponsor.get("civil_id"),
        sponsor_file_number=sponsor.get("file_number"),
        insurance_status=status,
        current_cover_end=current_cover_end if status == "renewal" else None,
        rows_json=Upload.rows_text(rows),
    )


def covered_civil_ids(owner: User, civil_ids: set[str], first_day: date) -> set[str]:
    """Those of `civil_ids` whom one of `owner`'s paid requests covers on `first_day`
    (today, or a renewal's first day) or later: a request for them from then would pay for
    a period paid already. Only the owner's own: anyone else's paid request (another
    account's, an express payment) is theirs to know, and a list of civil IDs must not
    find out who has paid. A duplicate with someone else's request is for the desk to catch."""
    found = set()
    wanted = sorted(civil_ids)
    for start in range(0, len(wanted), _IN_CHUNK):
        query = (
            InsuredPerson.select(InsuredPerson.civil_id)
            .join(InsuranceRequest)
            .where(
                (InsuranceRequest.owner == owner.id)
                & InsuredPerson.civil_id.in_(wanted[start : start + _IN_CHUNK])
                & InsuranceRequest.state.in_(InsuranceRequest.COVERING)
                & (InsuranceRequest.cover_end >= first_day)
            )
            .tuples()
        )
        found.update(civil_id for (civil_id,) in query)
    return found


def make_requests(upload: Upload, groups: list[tuple[int, list[dict]]]) -> list[InsuranceRequest]:
    """One draft request per group of (years, people ready to store), answered to "check
    your answers": a group under the upload's sponsor, new or a renewal as the upload says. All or none, and
    once: AlreadyDone when the upload's requests were made already."""
    made = []
    with writing():
        if not upload.mark_done():
            raise AlreadyDone()
        for position, (years, people) in enumerate(groups):
            insurance_request = InsuranceRequest.start(upload.owner)
            insurance_request.choose_service_type("group")
            typed = [
                {
                    "civil_id": p["civil_id"],
                    "name": p["name"],
                    "category": p["category_code"],
                    "passport_number": p["passport_number"],
                    "passport_expiry": p["passport_expiry"].isoformat(),
                }
                for p in people
            ]
            insurance_request.save_people(typed, people)
            insurance_request.copy_sponsor_of(upload)
            insurance_request.set_cover(upload.insurance_status or "new", years, upload.current_cover_end)
            UploadedRequest.create(upload=upload, request=insurance_request, position=position)
            made.append(insurance_request)
    return made
