"""People's names as typed: any script, but no character that is invisible or that changes
how the text around it is shown.

Direction overrides and isolates (U+202A-U+202E, U+2066-U+2069), direction marks (U+200E,
U+200F, U+061C), zero-width characters (U+200B-U+200D, U+2060, U+FEFF) and the like can make
a name read differently from what it holds, at the desk and on a receipt: "Ali" followed
by a right-to-left override turns the text after it around. Names are compared and shown
as stored, so such characters are refused, not silently dropped.
"""

import unicodedata

# Unicode general categories with no visible letter: controls (Cc), format characters
# (Cf: every direction control and zero-width character), line and paragraph separators
# (Zl, Zp), private use (Co), surrogates (Cs) and unassigned code points (Cn).
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}
# Letters that draw nothing: the Hangul fillers and the blank Braille pattern.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


class InvalidName(ValueError):
    """`reason` is "hidden_character"; `character` is the first one found."""

    def __init__(self, reason: str, character: str):
        super().__init__(
            f"U+{ord(character):04X} ({unicodedata.name(character, 'unnamed')}) is not shown as a letter"
        )
        self.reason = reason
        self.character = character


def hidden_characters(text: str) -> list[str]:
    """The characters of `text` that are invisible or steer its direction, in order."""
    return [ch for ch in text if unicodedata.category(ch) in _HIDDEN_CATEGORIES or ch in _BLANK_LETTERS]


def check_name(text: str) -> str:
    """`text` unchanged when it holds only visible characters and spaces; or InvalidName."""
    hidden = hidden_characters(text)
    if hidden:
        raise InvalidName("hidden_character", hidden[0])
    return text
