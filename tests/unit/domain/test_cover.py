from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.cover import (
    DUPLICATE_PERSON,
    INDIVIDUAL_IS_ONE_PERSON,
    PASSPORT_ENDS_BEFORE_COVER,
    PASSPORT_EXPIRED,
    CoveredPerson,
    cover_end,
    most_years_passports_allow,
    passports_short_of_cover,
    people_problems,
)

TODAY = date(2026, 11, 26)


def test_cover_end_is_the_day_before_the_anniversary():
    assert cover_end(date(2026, 11, 26), 1) == date(2027, 11, 25)
    assert cover_end(date(2026, 1, 1), 2) == date(2027, 12, 31)
    assert cover_end(date(2024, 2, 29), 1) == date(2025, 2, 28)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(1, 10))
def test_cover_grows_with_years(start, years):
    assert start < cover_end(start, years) < cover_end(start, years + 1)


def test_duplicates_and_expired_passports():
    people = [
        CoveredPerson("291030104196", date(2030, 1, 1)),
        CoveredPerson("279040907388", TODAY),
        CoveredPerson("291030104196", date(2030, 1, 1)),
    ]
    problems = people_problems(people, "group", TODAY)
    assert [(p.index, p.code) for p in problems] == [(1, PASSPORT_EXPIRED), (2, DUPLICATE_PERSON)]


def test_individual_means_one_person():
    people = [CoveredPerson("291030104196", None), CoveredPerson("279040907388", None)]
    assert people_problems(people, "individual", TODAY)[0].code == INDIVIDUAL_IS_ONE_PERSON
    assert people_problems(people, "group", TODAY) == []


def test_passport_must_outlast_the_cover():
    people = [CoveredPerson("291030104196", date(2028, 6, 1))]
    assert passports_short_of_cover(people, TODAY, 1) == []
    assert [p.code for p in passports_short_of_cover(people, TODAY, 2)] == [PASSPORT_ENDS_BEFORE_COVER]
    assert most_years_passports_allow(people, TODAY, 5) == 1
    assert most_years_passports_allow([CoveredPerson("x", date(2031, 1, 1))], TODAY, 3) == 3
    assert most_years_passports_allow([CoveredPerson("x", date(2027, 1, 1))], TODAY, 5) == 0
