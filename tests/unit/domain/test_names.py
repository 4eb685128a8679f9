"""Names in any script, without invisible or direction-changing characters."""

import pytest

from domain.names import InvalidName, check_name, hidden_characters

DIRECTION_CONTROLS = (
    [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
OTHER_HIDDEN = [
    "\n",
    "\t",
    "\x00",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ue000",
    "\U000e0041",
    "\u0600",
    "\u3164",
    "\u115f",
    "\u2800",
    "\U0010ffff",
]


@pytest.mark.parametrize(
    "name",
    [
        "سارة أحمد",
        "مُحَمَّد عبدالله",  # with its vowel marks
        "محـمد",  # tatweel
        "Sara O'Neil-Smith",
        "Ñoño Peña",
        "José da Silva Jr.",
        "राम कुमार",
        "ராமன்",
        "王小明",
        "Nguyễn Thị Minh Khai",
        "Ali\u00a0Hassan",  # a no-break space is a space
    ],
)
def test_names_in_any_script_are_kept_as_typed(name):
    assert check_name(name) == name
    assert hidden_characters(name) == []


@pytest.mark.parametrize("character", DIRECTION_CONTROLS + ZERO_WIDTH + OTHER_HIDDEN)
def test_invisible_and_direction_characters_are_refused_anywhere(character):
    for name in (f"Ali{character}Hassan", f"{character}علي", f"علي{character}"):
        with pytest.raises(InvalidName) as refused:
            check_name(name)
        assert refused.value.reason == "hidden_character"
        assert refused.value.character == character


def test_the_misleading_receipt_name_of_the_review_is_refused():
    # "Ali " then a right-to-left override: "Hassan 000.05 DK" would show as "KD 50.000 nassaH".
    with pytest.raises(InvalidName, match="U\\+202E"):
        check_name("Ali \u202eHassan 000.05 DK")


def test_every_hidden_character_is_listed_in_order():
    assert hidden_characters("\u200fA\u202eB\u2066C\u2069") == ["\u200f", "\u202e", "\u2066", "\u2069"]
