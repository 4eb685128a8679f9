"""bench/scale.py's seeder at a tiny N: rows of every kind, shaped as the app writes them
(valid civil IDs and references, one payment and receipt per request, an account with 50
requests), and summary rows equal to what migration 0018 counts from those rows."""

from collections import Counter

from cryptography.fernet import Fernet

import migrations
import models
from bench import scale_seed
from domain.civil_id import check_digit
from domain.reference import parse_reference
from models import InsuranceRequest, InsuredPerson, Payment, Receipt
from tests.helpers import database_url_for, make_app

REQUESTS = 120
NAME = "0018_daily_summary"


def summary_rows():
    return sorted((r.day, r.kind, r.events, r.fils) for r in models.DailySummary.select())


def test_the_seeder_writes_paid_requests_as_the_app_does(tmp_path):
    make_app(tmp_path)
    key = Fernet.generate_key().decode()
    samples = scale_seed.seed(database_url_for(tmp_path), REQUESTS, key, cheap=True)
    with models.db.connection_context():
        assert InsuranceRequest.select().count() == REQUESTS
        assert Receipt.select().count() == REQUESTS
        assert Payment.select().where(Payment.state == "paid").count() == REQUESTS
        per_request = Counter(p.request_id for p in InsuredPerson.select(InsuredPerson.request))
        assert set(per_request.values()) <= {1, 2, 3, 4} and len(per_request) == REQUESTS
        people = [p.civil_id for p in InsuredPerson.select(InsuredPerson.civil_id)]
        assert len(set(people)) == len(people)
        assert all(check_digit(c[:11]) == int(c[11]) for c in people + samples.heavy_holders)
        assert all(parse_reference(r.reference) == r.reference for r in InsuranceRequest.select())
        busiest = Counter(r.owner_id for r in InsuranceRequest.select(InsuranceRequest.owner))
        assert max(busiest.values()) == scale_seed.HEAVY
        assert samples.heavy_holders and samples.verify_codes and samples.track_ids and samples.totp_secret
        seeded = summary_rows()
        assert seeded
        models.db.execute_sql('DROP TABLE "dailysummary"')
        models.db.execute_sql(f'DELETE FROM "{migrations.TABLE}" WHERE name = {models.db.obj.param}', (NAME,))

    assert migrations.upgrade(models.db, models.MODELS) == [NAME]
    with models.db.connection_context():
        assert summary_rows() == seeded
