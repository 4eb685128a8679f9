from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import people
from domain import quote as rules
from domain.fee_schedule import load_schedules
from tests.helpers import civil_id_for

SEED = load_schedules(Path(__file__).resolve().parents[3] / "fee_schedules")["seed"]
TODAY = date(2026, 1, 15)
ALLOWED = {category.code for category in SEED.categories}
ADULT_ID = civil_id_for(1)  # born 1 January 1990
GOOD = people.TypedPerson(ADULT_ID, "Maria Santos", "worker", "p 1234-567", "31/03/2028")


def codes(checked):
    return [(problem.code, problem.index, problem.field) for problem in checked.problems]


def test_a_good_row_reads_into_a_person():
    person, problems = people.check_person(0, GOOD, TODAY, ALLOWED)
    assert problems == []
    assert person == people.Person(ADULT_ID, "Maria Santos", "worker", "P1234567", date(2028, 3, 31))
    assert person.birth_date() == date(1990, 1, 1)


@pytest.mark.parametrize(
    "changes, code, field, params",
    [
        ({"civil_id": ""}, people.CIVIL_ID_MISSING, "civil_id", {}),
        ({"civil_id": "12345"}, people.CIVIL_ID_INVALID, "civil_id", {"reason": "format"}),
        (
            {"civil_id": ADULT_ID[:-1] + str((int(ADULT_ID[-1]) + 1) % 10)},
            people.CIVIL_ID_INVALID,
            "civil_id",
            {"reason": "check_digit"},
        ),
        (
            {"civil_id": civil_id_for(1, born="300101", century="3")},
            people.CIVIL_ID_INVALID,
            "civil_id",
            {"reason": "birth_date"},
        ),  # born in 2030: after today
        ({"name": ""}, people.NAME_MISSING, "name", {}),
        ({"name": "a" * 101}, people.NAME_TOO_LONG, "name", {"max": 100}),
        ({"name": "Maria\u202eSantos"}, people.NAME_INVALID, "name", {"reason": "hidden_character"}),
        ({"category": ""}, people.CATEGORY_MISSING, "category", {}),
        ({"category": "astronaut"}, people.CATEGORY_NOT_ALLOWED, "category", {"code": "astronaut"}),
        ({"passport_number": ""}, people.PASSPORT_NUMBER_MISSING, "passport_number", {}),
        ({"passport_number": "AB12"}, people.PASSPORT_NUMBER_INVALID, "passport_number", {}),
        ({"passport_number": "AB12/345"}, people.PASSPORT_NUMBER_INVALID, "passport_number", {}),
        ({"passport_expiry": ""}, people.PASSPORT_EXPIRY_MISSING, "passport_expiry", {}),
        ({"passport_expiry": "31/02/2028"}, people.PASSPORT_EXPIRY_INVALID, "passport_expiry", {}),
    ],
)
def test_each_answer_has_its_problem(changes, code, field, params):
    person, problems = people.check_person(3, replace(GOOD, **changes), TODAY, ALLOWED)
    assert problems == [people.Problem(code, 3, field, params)]
    assert getattr(person, {"category": "category_code"}.get(field, field)) in (None, changes[field])


def test_without_the_passport_number_it_is_not_asked():
    person, problems = people.check_person(0, replace(GOOD, passport_number=""), TODAY, ALLOWED, False)
    assert (problems, person.passport_number) == ([], "")


def test_arabic_indic_digits_and_spaces_are_read():
    typed = replace(GOOD, civil_id=ADULT_ID.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")))
    person, problems = people.check_person(0, typed, TODAY, ALLOWED)
    assert (problems, person.civil_id) == ([], ADULT_ID)


def test_the_same_person_twice_is_a_problem_of_the_second_row():
    checked = people.check_people([GOOD, GOOD], "group", TODAY, ALLOWED)
    assert codes(checked) == [(people.DUPLICATE_PERSON, 1, "civil_id")]
    assert not checked.valid


def test_an_expired_passport_is_refused():
    expired = replace(GOOD, passport_expiry="15/01/2026")  # the last day is not enough
    checked = people.check_people([expired], "individual", TODAY, ALLOWED)
    assert codes(checked) == [(people.PASSPORT_EXPIRED, 0, "passport_expiry")]


def test_an_individual_request_covers_one_person():
    other = replace(GOOD, civil_id=civil_id_for(2))
    checked = people.check_people([GOOD, other], "individual", TODAY, ALLOWED)
    assert codes(checked) == [(people.INDIVIDUAL_IS_ONE_PERSON, None, None)]
    assert people.check_people([GOOD, other], "group", TODAY, ALLOWED).valid


def test_a_row_answer_reports_its_first_problem_only():
    """Two invalid civil IDs are not also "the same person twice"."""
    bad = replace(GOOD, civil_id="1")
    checked = people.check_people([bad, bad], "group", TODAY, ALLOWED)
    assert codes(checked) == [
        (people.CIVIL_ID_INVALID, 0, "civil_id"),
        (people.CIVIL_ID_INVALID, 1, "civil_id"),
    ]


def test_a_child_of_twelve_or_under_has_no_fee_under_the_seed_schedule():
    child = replace(
        GOOD, civil_id=civil_id_for(3, born="150601", century="3"), category="family_first_degree"
    )
    checked = people.check_people([child], "individual", TODAY, ALLOWED)
    assert checked.valid
    quoted = people.quote_people(SEED, checked.people, 1, TODAY)
    (problem,) = quoted.problems
    assert (problem.code, problem.person_index) == (rules.AGE_BELOW_MINIMUM, 0)
    assert not quoted.payable


def test_the_quote_takes_each_age_from_a_valid_civil_id_only():
    adult = people.check_person(0, replace(GOOD, category="family_first_degree"), TODAY, ALLOWED)[0]
    assert people.quote_people(SEED, [adult], 2, TODAY).total_fils == 2 * 50000
    unread = replace(adult, civil_id=None)
    (problem,) = people.quote_people(SEED, [unread], 2, TODAY).problems
    assert problem.code == rules.BIRTH_DATE_REQUIRED


@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_any_typing_gives_a_person_and_at_most_one_problem_per_answer(civil_id, name, number, expiry):
    typed = people.TypedPerson(civil_id, name, "worker", number, expiry)
    person, problems = people.check_person(0, typed, TODAY, ALLOWED)
    fields = [problem.field for problem in problems]
    assert len(fields) == len(set(fields))
    assert set(fields) <= set(people.FIELDS)
    assert (person.civil_id is None) == ("civil_id" in fields)
