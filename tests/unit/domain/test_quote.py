from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.digits import parse_whole_number
from domain.fee_schedule import load_schedules
from domain.quote import MAX_PEOPLE, PersonToQuote, Problem, max_years_for, quote
from tests.helpers import DECISION_306_FEES, SEED_FEES

FEE_SCHEDULES = Path(__file__).resolve().parents[3] / "fee_schedules"
SCHEDULES = load_schedules(FEE_SCHEDULES)
SEED = SCHEDULES["seed"]
DECISION = SCHEDULES["decision-306-2025"]
ON = date(2026, 1, 15)

ADULT = date(1990, 5, 1)
NEWBORN = date(2025, 12, 1)


def codes(quoted):
    return [p.code for p in quoted.problems]


@pytest.mark.parametrize("code, fils", SEED_FEES.items())
def test_seed_quote_for_every_category(code, fils):
    quoted = quote(SEED, [PersonToQuote(code, ADULT)], 2, ON)
    assert quoted.problems == ()
    assert quoted.total_fils == 2 * fils
    assert quoted.payable and quoted.needs_payment
    (line,) = quoted.lines
    assert (line.annual_fils, line.subtotal_fils, line.exempt, line.note_code) == (
        fils,
        2 * fils,
        False,
        None,
    )
    assert quoted.schedule_id == "seed"


@pytest.mark.parametrize("code, fils", DECISION_306_FEES.items())
def test_decision_306_quote_for_every_category(code, fils):
    born = NEWBORN if code == "newborn" else ADULT
    quoted = quote(DECISION, [PersonToQuote(code, born)], 3, ON)
    assert quoted.problems == ()
    assert quoted.total_fils == 3 * fils
    assert quoted.payable
    assert quoted.needs_payment == (fils > 0)
    (line,) = quoted.lines
    assert line.exempt == (fils == 0)
    assert line.note_code == ("exempt" if fils == 0 else None)
    assert quoted.schedule_id == "decision-306-2025"


def test_group_request_adds_up():
    people = [
        PersonToQuote("worker"),
        PersonToQuote("joining_wife"),
        PersonToQuote("domestic_worker"),
        PersonToQuote("family_first_degree", date(2010, 1, 1)),
    ]
    quoted = quote(SEED, people, 2, ON)
    assert quoted.total_fils == 2 * (50000 + 30000 + 5000 + 50000)
    assert [line.index for line in quoted.lines] == [0, 1, 2, 3]
    assert [line.subtotal_fils for line in quoted.lines] == [100000, 60000, 10000, 100000]


@pytest.mark.parametrize("schedule, fils", [(SEED, 40000), (DECISION, 100000)])
def test_a_wife_joining_her_husband_is_priced_as_herself_not_as_a_husband(schedule, fils):
    quoted = quote(schedule, [PersonToQuote("worker"), PersonToQuote("joining_husband")], 2, ON)
    assert quoted.payable and quoted.lines[1].subtotal_fils == 2 * fils
    assert quoted.lines[1].category.label("en").startswith("Wife joining her expatriate husband")


def test_all_exempt_needs_no_payment_but_is_payable():
    quoted = quote(DECISION, [PersonToQuote("kuwaiti_wife"), PersonToQuote("kuwaiti_family")], 1, ON)
    assert quoted.total_fils == 0
    assert quoted.payable
    assert not quoted.needs_payment


@pytest.mark.parametrize("years", [0, 6, 99, -1, None])
def test_years_out_of_range(years):
    quoted = quote(SEED, [PersonToQuote("worker")], years, ON)
    assert quoted.problems == (Problem("years_out_of_range", None, {"min": 1, "max": 5}),)
    assert not quoted.payable
    assert quoted.total_fils == 0
    assert quoted.lines[0].annual_fils == 50000
    assert quoted.lines[0].subtotal_fils is None


def test_years_limit_is_the_strictest_category(tmp_path):
    text = (FEE_SCHEDULES / "seed.toml").read_text(encoding="utf-8")
    lowered = text.replace(
        'code = "domestic_worker"\nlabel_ar = "عمالة منزلية"\nlabel_en = "Domestic worker"\narticle = 20\n'
        "annual_fils = 5000\nmax_years = 5",
        'code = "domestic_worker"\nlabel_ar = "عمالة منزلية"\nlabel_en = "Domestic worker"\narticle = 20\n'
        "annual_fils = 5000\nmax_years = 3",
    )
    assert lowered != text
    (tmp_path / "seed.toml").write_text(lowered, encoding="utf-8")
    schedule = load_schedules(tmp_path)["seed"]
    assert max_years_for(schedule, ["worker"]) == 5
    assert max_years_for(schedule, ["worker", "domestic_worker"]) == 3
    assert max_years_for(schedule, ["nobody"]) == 5
    assert max_years_for(schedule, []) == 5
    quoted = quote(schedule, [PersonToQuote("worker"), PersonToQuote("domestic_worker")], 4, ON)
    assert quoted.problems == (Problem("years_out_of_range", None, {"min": 1, "max": 3}),)
    assert quote(schedule, [PersonToQuote("worker")], 4, ON).payable


def test_unknown_category():
    quoted = quote(SEED, [PersonToQuote("worker"), PersonToQuote("newborn")], 1, ON)
    assert quoted.problems == (Problem("unknown_category", 1, {"code": "newborn"}),)
    assert [line.index for line in quoted.lines] == [0]
    assert not quoted.payable


def test_no_people():
    quoted = quote(SEED, [], 1, ON)
    assert codes(quoted) == ["no_people"]
    assert not quoted.payable and quoted.total_fils == 0


def test_fifty_people_are_too_many():
    quoted = quote(SEED, [PersonToQuote("worker")] * 50, 1, ON)
    assert quoted.problems == (Problem("too_many_people", None, {"max": MAX_PEOPLE, "count": 50}),)
    assert not quoted.payable


def test_twenty_people_are_allowed():
    quoted = quote(SEED, [PersonToQuote("domestic_worker")] * MAX_PEOPLE, 1, ON)
    assert quoted.payable
    assert quoted.total_fils == 20 * 5000


@pytest.mark.parametrize(
    "born, priced",
    [
        (date(2013, 1, 15), True),  # 13 today
        (date(2013, 1, 16), False),  # 13 tomorrow: still 12
        (date(2020, 6, 1), False),
        (ON, False),
    ],
)
def test_seed_child_line_at_twelve(born, priced):
    quoted = quote(SEED, [PersonToQuote("family_first_degree", born)], 1, ON)
    line = quoted.lines[0]
    if priced:
        assert quoted.payable and line.subtotal_fils == 50000
    else:
        assert codes(quoted) == ["age_below_minimum"]
        assert quoted.problems[0].person_index == 0
        assert quoted.problems[0].params["min_age_years"] == 13
        assert (line.annual_fils, line.subtotal_fils, line.note_code) == (None, None, "age_below_minimum")
        assert not quoted.payable and quoted.total_fils == 0


def test_child_problem_does_not_hide_the_others_price():
    people = [PersonToQuote("worker"), PersonToQuote("family_first_degree", date(2018, 1, 1))]
    quoted = quote(SEED, people, 1, ON)
    assert quoted.total_fils == 50000
    assert not quoted.payable


def test_birth_date_required_for_an_age_rule():
    quoted = quote(SEED, [PersonToQuote("family_first_degree")], 1, ON)
    assert quoted.problems == (Problem("birth_date_required", 0),)
    assert quoted.lines[0].subtotal_fils is None


def test_birth_date_in_future():
    quoted = quote(DECISION, [PersonToQuote("newborn", date(2026, 1, 16))], 1, ON)
    assert quoted.problems == (Problem("birth_date_in_future", 0),)


@pytest.mark.parametrize(
    "born, on, allowed",
    [
        (date(2025, 9, 15), date(2026, 1, 15), True),  # exactly four months
        (date(2025, 9, 15), date(2026, 1, 16), False),
        (date(2025, 10, 31), date(2026, 2, 28), True),  # four months after 31 Oct
        (date(2025, 10, 31), date(2026, 3, 1), False),
        (date(2026, 1, 15), date(2026, 1, 15), True),  # born today
    ],
)
def test_newborn_first_four_months(born, on, allowed):
    quoted = quote(DECISION, [PersonToQuote("newborn", born)], 1, on)
    if allowed:
        assert quoted.payable and not quoted.needs_payment
        assert quoted.lines[0].exempt
    else:
        assert quoted.problems == (Problem("age_above_maximum", 0, {"max_age_months": 4}),)
        assert not quoted.payable


def test_years_must_be_a_whole_number():
    with pytest.raises(TypeError):
        quote(SEED, [PersonToQuote("worker")], 1.5, ON)
    with pytest.raises(TypeError):
        quote(SEED, [PersonToQuote("worker")], True, ON)


# --- properties -------------------------------------------------------------

SEED_PEOPLE = st.lists(
    st.sampled_from(sorted(set(SEED_FEES) - {"family_first_degree"})), min_size=1, max_size=MAX_PEOPLE
)
DECISION_PEOPLE = st.lists(
    st.sampled_from(sorted(set(DECISION_306_FEES) - {"newborn"})), min_size=1, max_size=MAX_PEOPLE
)


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(st.tuples(st.just(SEED), SEED_PEOPLE), st.tuples(st.just(DECISION), DECISION_PEOPLE)),
    st.integers(1, 5),
)
def test_total_is_the_sum_of_the_lines(schedule_and_codes, years):
    schedule, people_codes = schedule_and_codes
    quoted = quote(schedule, [PersonToQuote(c) for c in people_codes], years, ON)
    assert quoted.payable
    assert quoted.total_fils == sum(line.subtotal_fils for line in quoted.lines)
    assert quoted.total_fils == years * sum(schedule.category(c).annual_fils for c in people_codes)
    assert isinstance(quoted.total_fils, int) and quoted.total_fils >= 0


@settings(max_examples=100, deadline=None)
@given(SEED_PEOPLE, st.integers(1, 4))
def test_more_years_cost_strictly_more(people_codes, years):
    people = [PersonToQuote(c) for c in people_codes]
    assert quote(SEED, people, years + 1, ON).total_fils > quote(SEED, people, years, ON).total_fils


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(SEED_FEES) + ["nobody"]), max_size=25),
    st.one_of(st.none(), st.integers(-5, 20)),
    st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2030, 1, 1))),
)
def test_never_negative_and_never_payable_with_problems(people_codes, years, born):
    quoted = quote(SEED, [PersonToQuote(c, born) for c in people_codes], years, ON)
    assert quoted.total_fils >= 0
    assert quoted.total_fils == sum(
        line.subtotal_fils for line in quoted.lines if line.subtotal_fils is not None
    )
    assert quoted.payable == (not quoted.problems)
    if quoted.problems:
        assert not quoted.needs_payment


SCRIPTS = ["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"]


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 12), st.sampled_from(SCRIPTS), SEED_PEOPLE)
def test_years_typed_in_any_script_quote_the_same(years, script, people_codes):
    typed = "".join(script[int(d)] for d in str(years))
    people = [PersonToQuote(c) for c in people_codes]
    assert quote(SEED, people, parse_whole_number(typed), ON) == quote(SEED, people, years, ON)
