import dataclasses
from datetime import date
from pathlib import Path

import pytest

from domain.fee_schedule import (
    DEFAULT_SCHEDULE_ID,
    ScheduleError,
    load_schedule,
    load_schedules,
    started_but_not_in_force,
)
from tests.helpers import DECISION_306_FEES, SEED_FEES

FEE_SCHEDULES = Path(__file__).resolve().parents[3] / "fee_schedules"

# Written from domain.md and fees-2025.md, not read from the data files.
ARTICLES = {
    "commercial": 19,
    "domestic_worker": 20,
    "family_first_degree": 22,
    "self_sponsored": 24,
}


@pytest.fixture(scope="module")
def schedules():
    return load_schedules(FEE_SCHEDULES)


@pytest.fixture(scope="module")
def seed(schedules):
    return schedules["seed"]


@pytest.fixture(scope="module")
def decision(schedules):
    return schedules["decision-306-2025"]


def test_shipped_schedules(schedules):
    assert set(schedules) == {"seed", "decision-306-2025"}
    assert DEFAULT_SCHEDULE_ID in schedules


def test_seed_has_exactly_the_seed_categories(seed):
    assert [c.code for c in seed.categories] == list(SEED_FEES)


@pytest.mark.parametrize("code, fils", SEED_FEES.items())
def test_seed_row(seed, code, fils):
    category = seed.category(code)
    assert category.annual_fils == fils
    assert category.max_years == 5
    assert not category.exempt
    # Only the wife joining her husband comes from other sources than the seed article.
    assert category.secondary_source is (code == "joining_husband")
    assert category.label_ar and category.label_en
    if code in ARTICLES:
        assert category.article == ARTICLES[code]


def test_seed_draws_the_child_line_at_twelve(seed):
    family = seed.category("family_first_degree")
    assert family.min_age_years == 13
    assert "12" in family.below_min_age_note_en
    assert "service centre" in family.below_min_age_note_en
    assert "مراكز الخدمات" in family.below_min_age_note_ar
    assert family.below_min_age_note("ar") == family.below_min_age_note_ar
    others = [c for c in seed.categories if c.code != "family_first_degree"]
    assert all(not c.has_age_rule for c in others)


def test_seed_metadata(seed):
    assert seed.id == "seed"
    assert seed.effective_from < date(2025, 12, 23)
    assert "no effective date" in seed.source_note_en
    # The article gives no date: 2019-01-01 only orders the schedules.
    assert seed.effective_from_known is False
    assert seed.authority("en") == "the fee list published about the online health insurance payment service"
    assert "خدمة الدفع الإلكتروني" in seed.authority("ar")


@pytest.mark.parametrize("name", ["seed", "decision"])
def test_both_schedules_know_the_wife_joining_her_husband(request, name):
    schedule = request.getfixturevalue(name)
    wife = schedule.category("joining_husband")
    assert wife.label("en") == "Wife joining her expatriate husband (Art. 22)"
    assert wife.label("ar") == "زوجة ملتحقة بزوجها الوافد (مادة 22)"
    assert wife.annual_fils == (40000 if name == "seed" else 100000) and wife.secondary_source
    # The husband's line can no longer be read as "spouse".
    husband = schedule.category("joining_wife")
    assert husband.label("en").startswith("Husband joining his expatriate wife")
    assert husband.label("ar").startswith("زوج (رجل) ملتحق بزوجته الوافدة")


def test_the_seed_wife_fee_says_where_it_comes_from(seed, decision):
    wife = seed.category("joining_husband")
    assert "40 KWD" in wife.source_note("en") and "أربعين" in wife.source_note("ar")
    assert seed.category("joining_wife").source_note("en") is None
    assert decision.category("joining_husband").source_note("en") is None  # the schedule's note covers it


def test_decision_has_exactly_its_categories(decision):
    assert [c.code for c in decision.categories] == list(DECISION_306_FEES)
    assert decision.category("stateless") is None


@pytest.mark.parametrize("code, fils", DECISION_306_FEES.items())
def test_decision_306_row(decision, code, fils):
    category = decision.category(code)
    assert category.annual_fils == fils
    assert category.secondary_source
    assert category.exempt == (fils == 0)
    if category.exempt:
        assert category.exempt_reason_ar and category.exempt_reason_en
        assert category.exempt_reason("en") == category.exempt_reason_en
    else:
        assert category.exempt_reason_ar is None and category.exempt_reason_en is None


def test_decision_metadata(decision):
    assert decision.effective_from == date(2025, 12, 23) and decision.effective_from_known
    assert decision.authority("en") == "Ministerial Decision 306/2025 as reported in the news"
    assert decision.authority("ar") == "القرار الوزاري 306/2025 كما نقلته الأخبار"
    assert decision.secondary_source
    assert "not been checked against the official text" in decision.source_note_en
    assert decision.category("newborn").max_age_months == 4
    assert decision.category("family_first_degree").min_age_years is None


def test_locale_picks_the_language(seed):
    commercial = seed.category("commercial")
    assert commercial.label("ar") == "إقامة تجارية (مادة 19)"
    assert commercial.label("ar_KW") == "إقامة تجارية (مادة 19)"
    assert commercial.label("en") == "Commercial residency (Art. 19)"
    assert seed.title("ar") == seed.title_ar
    assert seed.title("en") == seed.title_en


@pytest.mark.parametrize(
    "code, english, arabic",
    [
        ("worker", "Government or private sector worker (Art. 17 or 18)", "(مادة 17 أو 18)"),
        ("domestic_worker", " (Art. 20)", " (مادة 20)"),
        ("family_first_degree", "(Art. 22)", "(مادة 22)"),
        ("self_sponsored", "Self-sponsored (Art. 24)", "كفيل نفسه (مادة 24)"),
    ],
)
def test_labels_carry_the_residency_article_residents_know(seed, decision, code, english, arabic):
    for schedule in (seed, decision):
        assert schedule.category(code).label("en").endswith(english)
        assert schedule.category(code).label("ar").endswith(arabic)


def test_a_category_without_an_article_is_labelled_by_name_alone(seed):
    assert seed.category("student").label("en") == "Study residency"
    assert seed.category("student").articles == () and seed.category("student").article is None


def test_the_shipped_schedules_are_not_official(seed, decision):
    """Their titles and dates are ours or the news's: residents' pages must not show them."""
    assert seed.official is False and decision.official is False


def test_official_is_read_and_checked(tmp_path):
    assert load_schedule(write(tmp_path, GOOD)).official is False
    official = GOOD.replace(
        'source_note_en = "For tests only"\n', 'source_note_en = "For tests only"\nofficial = true\n'
    )
    assert load_schedule(write(tmp_path, official)).official is True
    path, error = refusal(tmp_path, official.replace("official = true", 'official = "yes"'))
    assert str(error) == f"{path}:7: official must be true or false"


def test_a_schedule_without_an_authority_is_named_by_its_title(tmp_path):
    schedule = load_schedule(write(tmp_path, GOOD))
    assert schedule.authority("en") == "Test schedule" and schedule.effective_from_known


def test_authority_needs_both_languages(tmp_path):
    path, error = refusal(
        tmp_path,
        GOOD.replace(
            'title_en = "Test schedule"\n', 'title_en = "Test schedule"\nauthority_en = "Decision 1"\n'
        ),
    )
    assert "authority_ar is missing" in str(error)


def test_a_category_source_note_needs_both_languages(tmp_path):
    text = GOOD.replace('label_en = "Worker"\n', 'label_en = "Worker"\nsource_note_en = "From the news"\n')
    path, error = refusal(tmp_path, text)
    assert str(error).startswith(f"{path}:") and "source_note_ar is missing" in str(error)


def dated(schedule, day, known=True):
    return dataclasses.replace(schedule, effective_from=day, effective_from_known=known)


def test_a_newer_schedule_whose_day_came_is_started_but_not_in_force(seed, decision):
    today = date(2026, 1, 10)
    assert started_but_not_in_force([seed, decision], seed, today) == [decision]
    assert started_but_not_in_force([seed, decision], seed, date(2025, 12, 22)) == []  # not yet
    assert started_but_not_in_force([seed, decision], seed, date(2025, 12, 23)) == [decision]  # its first day
    assert started_but_not_in_force([seed, decision], decision, today) == []  # an older one: replaced
    # A schedule without a known date never claims to have started.
    assert (
        started_but_not_in_force([seed, dated(decision, date(2025, 12, 23), known=False)], seed, today) == []
    )


@pytest.mark.parametrize("value, articles", [("19", (19,)), ("[17, 18]", (17, 18))])
def test_article_is_one_number_or_a_list(tmp_path, value, articles):
    text = GOOD.replace('label_en = "Worker"\n', f'label_en = "Worker"\narticle = {value}\n')
    assert load_schedule(write(tmp_path, text)).category("worker").articles == articles


@pytest.mark.parametrize("value", ["[]", "[17, 17]", '"18"', "[17, 0]", "1000"])
def test_article_refuses_anything_but_whole_numbers(tmp_path, value):
    text = GOOD.replace('label_en = "Worker"\n', f'label_en = "Worker"\narticle = {value}\n')
    path, error = refusal(tmp_path, text)
    assert str(error).startswith(f'{path}:{WORKER_ANNUAL_FILS}: category "worker": article must ')


# --- refusing bad files -----------------------------------------------------

GOOD = """\
id = "test"
title_ar = "جدول تجريبي"
title_en = "Test schedule"
effective_from = 2025-01-01
source_note_ar = "للاختبار فقط"
source_note_en = "For tests only"

[[category]]
code = "worker"
label_ar = "عامل"
label_en = "Worker"
annual_fils = 50000
max_years = 5

[[category]]
code = "kuwaiti_wife"
label_ar = "زوجة مواطن كويتي"
label_en = "Wife of a Kuwaiti citizen"
annual_fils = 0
exempt_reason_ar = "معفاة"
exempt_reason_en = "Exempt"
max_years = 5
"""
# GOOD's line numbers, for the expectations below
WORKER_HEADER = 8
WORKER_ANNUAL_FILS = 12
WIFE_HEADER = 15
WIFE_CODE = 16
WIFE_LABEL_AR = 17


def write(tmp_path, text, name="test.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ScheduleError) as refused:
        load_schedule(path)
    return path, refused.value


def test_good_file_loads(tmp_path):
    path = write(tmp_path, GOOD)
    schedule = load_schedule(path)
    assert schedule.id == "test"
    assert schedule.path == path
    assert schedule.effective_from == date(2025, 1, 1)
    assert schedule.category("worker").annual_fils == 50000
    assert schedule.category("kuwaiti_wife").exempt
    assert schedule.category("nobody") is None


def test_unknown_category_field(tmp_path):
    text = GOOD.replace("annual_fils = 50000", "annual_fils = 50000\nannual_kwd = 50")
    path, error = refusal(tmp_path, text)
    assert str(error).startswith(f"{path}:{WORKER_ANNUAL_FILS + 1}: ")
    assert 'category "worker"' in str(error)
    assert "annual_kwd" in str(error)
    assert error.line == WORKER_ANNUAL_FILS + 1


def test_unknown_top_level_field(tmp_path):
    text = GOOD.replace('title_en = "Test schedule"', 'title_en = "Test schedule"\nauthor = "me"')
    path, error = refusal(tmp_path, text)
    assert str(error).startswith(f"{path}:4: ")
    assert "author" in str(error)


def test_negative_amount(tmp_path):
    path, error = refusal(tmp_path, GOOD.replace("annual_fils = 50000", "annual_fils = -50000"))
    assert str(error) == (
        f'{path}:{WORKER_ANNUAL_FILS}: category "worker": '
        "annual_fils must be a whole, non-negative number of fils"
    )


def test_fractional_amount(tmp_path):
    path, error = refusal(tmp_path, GOOD.replace("annual_fils = 50000", "annual_fils = 50.5"))
    assert str(error) == (
        f'{path}:{WORKER_ANNUAL_FILS}: category "worker": '
        "annual_fils must be a whole, non-negative number of fils"
    )


def test_amount_as_text(tmp_path):
    path, error = refusal(tmp_path, GOOD.replace("annual_fils = 50000", 'annual_fils = "50000"'))
    assert error.line == WORKER_ANNUAL_FILS


def test_duplicate_code(tmp_path):
    path, error = refusal(tmp_path, GOOD.replace('code = "kuwaiti_wife"', 'code = "worker"'))
    assert str(error).startswith(f"{path}:{WIFE_CODE}: ")
    assert 'category "worker"' in str(error)
    assert "earlier" in str(error)


def test_missing_arabic_label(tmp_path):
    text = GOOD.replace('label_ar = "زوجة مواطن كويتي"\n', "")
    path, error = refusal(tmp_path, text)
    assert str(error) == f'{path}:{WIFE_HEADER}: category "kuwaiti_wife": label_ar is missing'


def test_english_in_the_arabic_label(tmp_path):
    text = GOOD.replace('label_ar = "زوجة مواطن كويتي"', 'label_ar = "Wife of a Kuwaiti"')
    path, error = refusal(tmp_path, text)
    assert error.line == WIFE_LABEL_AR
    assert "missing translation" in str(error)


def test_empty_english_title(tmp_path):
    path, error = refusal(tmp_path, GOOD.replace('title_en = "Test schedule"', 'title_en = "  "'))
    assert error.line == 3
    assert "title_en" in str(error)


def test_missing_required_top_level_field(tmp_path):
    path, error = refusal(tmp_path, GOOD.replace("effective_from = 2025-01-01\n", ""))
    assert error.line == 1
    assert "effective_from is missing" in str(error)


def test_toml_syntax_error(tmp_path):
    text = GOOD.replace("max_years = 5\n\n[[category]]", "max_years = 5\nlabel_en Worker\n\n[[category]]")
    path, error = refusal(tmp_path, text)
    assert str(error).startswith(f"{path}:14: TOML syntax error")


def test_bad_date(tmp_path):
    path, error = refusal(
        tmp_path, GOOD.replace("effective_from = 2025-01-01", 'effective_from = "2025-02-30"')
    )
    assert error.line == 4
    assert "effective_from" in str(error)


def test_date_as_iso_text_is_accepted(tmp_path):
    path = write(tmp_path, GOOD.replace("effective_from = 2025-01-01", 'effective_from = "2025-01-01"'))
    assert load_schedule(path).effective_from == date(2025, 1, 1)


@pytest.mark.parametrize("years", ["0", "11", "2.5", "true"])
def test_max_years_out_of_range(tmp_path, years):
    path, error = refusal(tmp_path, GOOD.replace("max_years = 5", f"max_years = {years}", 1))
    assert error.line == WORKER_ANNUAL_FILS + 1
    assert "max_years" in str(error)


def test_exempt_needs_a_reason(tmp_path):
    text = GOOD.replace('exempt_reason_ar = "معفاة"\nexempt_reason_en = "Exempt"\n', "")
    path, error = refusal(tmp_path, text)
    assert error.line == WIFE_LABEL_AR + 2
    assert "exempt" in str(error)


def test_exempt_reason_needs_both_languages(tmp_path):
    path, error = refusal(tmp_path, GOOD.replace('exempt_reason_en = "Exempt"\n', ""))
    assert error.line == WIFE_LABEL_AR + 3
    assert "exempt_reason_en is missing" in str(error)


def test_exempt_reason_on_a_paid_category(tmp_path):
    text = GOOD.replace("annual_fils = 0", "annual_fils = 5000")
    path, error = refusal(tmp_path, text)
    assert error.line == WIFE_LABEL_AR + 3
    assert "only for annual_fils = 0" in str(error)


def test_minimum_age_needs_its_notes(tmp_path):
    path, error = refusal(tmp_path, GOOD.replace("max_years = 5", "max_years = 5\nmin_age_years = 13", 1))
    assert error.line == WORKER_ANNUAL_FILS + 2
    assert "below_min_age_note" in str(error)


def test_no_categories(tmp_path):
    path, error = refusal(tmp_path, GOOD[: GOOD.index("[[category]]")])
    assert "category is missing" in str(error)


def test_duplicate_ids_across_files(tmp_path):
    write(tmp_path, GOOD, "a.toml")
    second = write(tmp_path, GOOD, "b.toml")
    with pytest.raises(ScheduleError) as refused:
        load_schedules(tmp_path)
    assert str(refused.value).startswith(f"{second}:1: ")
    assert '"test"' in str(refused.value)


def test_empty_folder(tmp_path):
    with pytest.raises(ScheduleError):
        load_schedules(tmp_path)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(GOOD.encode("utf-8").replace(b'"Worker"', b'"Worker \xe9"'))
    with pytest.raises(ScheduleError) as refused:
        load_schedule(path)
    assert refused.value.line == 11
