"""Records for the service tests, made straight in the database rather than through the
pages: an applicant, a request frozen at PAID_TOTAL, a reviewer, and the sandbox bank.
Services run inside the app's context, as under a view or a command."""

from datetime import date

import pytest

import clock
from domain.quote import PersonToQuote, quote
from models import InsuranceRequest, InsuredPerson, StaffMember, User

OWNER = "290010100011"  # the applicant, sponsor of the people covered
WORKER = "285061200112"
HOUSEKEEPER = "290031500129"
REVIEWER = "280020209003"
PAID_TOTAL = 110_000  # a worker and a domestic worker, two years, under the seed schedule


@pytest.fixture
def context(app):
    """The app's context, with its SMS kept in the database (models.SmsMessage)."""
    from gateways.sms import OutboxBackend

    app.extensions["sms"].backend = OutboxBackend()
    with app.app_context():
        yield app


@pytest.fixture
def bank(context):
    """The sandbox bank the app is configured with."""
    return context.extensions["payment_gateway"]


@pytest.fixture
def owner(context):
    return User.create(
        civil_id=OWNER,
        name_ar="سارة أحمد",
        name_en="Sara Ahmed",
        user_name="Sara",
        mobile="+96550000001",
        email="sara@example.com",
        gender="female",
        language="en",
        governorate="KW-HA",
        account_kind="personal",
        password_hash="not a hash",
        mobile_verified_at=clock.now(),
    )


@pytest.fixture
def draft(context, owner):
    """A draft with every question answered: a worker and a domestic worker, two years."""
    insurance_request = InsuranceRequest.start(owner)
    insurance_request.choose_service_type("group")
    for position, (civil_id, name, category) in enumerate(
        [(WORKER, "Ali", "worker"), (HOUSEKEEPER, "Mona", "domestic_worker")]
    ):
        InsuredPerson.create(
            request=insurance_request,
            position=position,
            civil_id=civil_id,
            name=name,
            category_code=category,
            passport_number=f"A123456{position}",
            passport_expiry=date(2040, 1, 1),
        )
    insurance_request.set_sponsor("person", "Sara Ahmed", OWNER)
    insurance_request.set_cover("new", 2, None)
    return insurance_request


@pytest.fixture
def quoted(context, draft):
    """The draft's quote under the seed schedule."""
    schedule = context.extensions["fee_schedules"]["seed"]
    people = [PersonToQuote(person.category_code, person.birth_date()) for person in draft.covered()]
    return quote(schedule, people, draft.years, date(2026, 1, 10))


@pytest.fixture
def awaiting(draft, quoted):
    """The request frozen at PAID_TOTAL: it awaits payment."""
    assert quoted.total_fils == PAID_TOTAL and not quoted.problems
    assert draft.freeze(quoted, quoted.schedule_id)
    return draft


@pytest.fixture
def reviewer(context):
    return StaffMember.create(
        login="reviewer1",
        civil_id=REVIEWER,
        name="Staff reviewer1",
        role=StaffMember.REVIEWER,
        password_hash="not a hash",
        totp_secret="JBSWY3DPEHPK3PXP",
    )
