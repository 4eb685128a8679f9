from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import sponsor
from domain.fee_schedule import load_schedules

FEE_SCHEDULES = Path(__file__).resolve().parents[3] / "fee_schedules"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"


@pytest.fixture(scope="module")
def schedules():
    return load_schedules(FEE_SCHEDULES)


def in_script(digits: str, script: str) -> str:
    return "".join(script[int(d)] for d in digits)


@given(st.text("0123456789", min_size=3, max_size=15), st.sampled_from(["0123456789", ARABIC_INDIC, PERSIAN]))
def test_a_file_number_of_3_to_15_digits_in_any_script_is_kept_as_ascii_digits(digits, script):
    assert sponsor.parse_file_number(in_script(digits, script)) == digits


@given(st.text("0123456789", min_size=3, max_size=15))
def test_the_separators_on_the_papers_are_left_out(digits):
    spaced = "/".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    assert sponsor.parse_file_number(f" {spaced.replace('/', ' - ', 1)} ") == digits


@given(st.text("0123456789", max_size=40).filter(lambda d: not 3 <= len(d) <= 15))
def test_too_few_or_too_many_digits_is_refused(digits):
    with pytest.raises(sponsor.InvalidFileNumber) as refused:
        sponsor.parse_file_number(digits)
    assert refused.value.reason == ("format" if not digits else "length")


@pytest.mark.parametrize("typed", ["ABC123", "12.345", "١٢٣x", "12345٫6", "¹²³⁴"])
def test_anything_but_digits_is_refused(typed):
    with pytest.raises(sponsor.InvalidFileNumber) as refused:
        sponsor.parse_file_number(typed)
    assert refused.value.reason == "format"


@pytest.mark.parametrize("schedule_id", ["seed", "decision-306-2025"])
def test_only_the_article_24_category_is_self_sponsored_in_both_schedules(schedules, schedule_id):
    schedule = schedules[schedule_id]
    assert [c.code for c in schedule.categories if c.self_sponsored] == ["self_sponsored"]
    assert schedule.category("self_sponsored").article == 24


def test_a_request_is_self_sponsored_only_when_everyone_on_it_is(schedules):
    seed = schedules["seed"]
    assert sponsor.all_self_sponsored(seed, ["self_sponsored"])
    assert sponsor.all_self_sponsored(seed, ["self_sponsored", "self_sponsored"])
    assert not sponsor.all_self_sponsored(seed, ["self_sponsored", "worker"])
    assert not sponsor.all_self_sponsored(seed, [])
    assert not sponsor.all_self_sponsored(seed, ["no_such_category"])


def test_nobody_sponsors_a_request_that_covers_them_alone():
    assert sponsor.sponsors_only_self("285061200112", ["285061200112"])
    assert not sponsor.sponsors_only_self("285061200112", ["285061200112", "290031500118"])
    assert not sponsor.sponsors_only_self("285061200112", ["290031500118"])
    assert not sponsor.sponsors_only_self(None, ["290031500118"])


@pytest.mark.parametrize(
    "kind, covered, offered",
    [
        ("personal", ["290031500118"], True),
        (None, ["285061200112", "290031500118"], True),  # a family head with the family
        ("personal", ["285061200112"], False),  # a worker alone: the employer sponsors
        ("company", ["290031500118"], False),  # an organisation gives its file number
        ("government", ["290031500118"], False),
        ("university", ["290031500118"], False),
    ],
)
def test_i_am_the_sponsor_is_offered_to_a_person_who_sponsors_others(kind, covered, offered):
    assert sponsor.may_be_the_sponsor(kind, "285061200112", covered) is offered


@pytest.mark.parametrize(
    "answer, whole",
    [
        (("self", None, None, None), True),
        (("person", "285061200112", "Sara", None), True),
        (("person", "285061200112", None, None), True),  # express: a civil ID, no name
        ((None, "285061200112", "Sara", None), True),  # from before companies could sponsor
        (("person", None, "Sara", None), False),
        (("company", None, "Gulf Trading", "123456"), True),
        (("company", None, "Gulf Trading", None), False),
        (("company", "285061200112", None, "123456"), False),
        ((None, None, None, None), False),
    ],
)
def test_an_answer_is_whole_for_its_kind(answer, whole):
    assert sponsor.is_answered(*answer) is whole
