import re

from hypothesis import given
from hypothesis import strategies as st

from domain.reference import ALPHABET, check_character, new_reference, parse_reference

bodies = st.text(alphabet=ALPHABET, min_size=7, max_size=7)


def test_new_references_look_right_and_parse():
    for _ in range(200):
        reference = new_reference()
        assert re.fullmatch(r"TM-[2-9A-Z]{4}-[2-9A-Z]{4}", reference)
        assert parse_reference(reference) == reference


def test_no_look_alike_characters():
    assert not set("01OILUV") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 29


def test_typed_forms_are_accepted():
    reference = new_reference()
    compact = reference.replace("-", "")
    assert parse_reference(compact.lower()) == reference
    assert parse_reference(" " + reference.replace("-", " ") + " ") == reference
    assert parse_reference(compact[2:]) == reference


@given(bodies, st.integers(0, 7), st.sampled_from(ALPHABET))
def test_any_single_substitution_is_caught(body, position, replacement):
    compact = body + check_character(body)
    if compact[position] == replacement:
        return
    typo = compact[:position] + replacement + compact[position + 1 :]
    assert parse_reference(typo) is None


def test_every_adjacent_swap_is_caught():
    for a in ALPHABET:
        for b in ALPHABET:
            body = a + b + "23456"
            compact = body + check_character(body)
            for position in range(7):
                swapped = (
                    compact[:position] + compact[position + 1] + compact[position] + compact[position + 2 :]
                )
                if swapped != compact:
                    assert parse_reference(swapped) is None, (compact, swapped)


def test_rubbish_is_refused():
    for text in ("", "TM-", "TM-1234-5678", "hello world", "TM-AAAA-AAAAA", None):
        assert parse_reference(text) is None
