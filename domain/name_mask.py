"""A person's name as the public receipt check shows it: enough for an official to match
the person in front of them, not the whole name.

"يوسف خالد أحمد النجار" -> "يوسف خ. النجار"; "Yousef Khalid Alnajjar" -> "Yousef K. Alnajjar".
The first name and the family name stay whole (the family name with its «ال», «آل», "Al"
or "bin": masking them letter by letter left most Arabic surnames as «ا•••••»); of the
names between, only the next one's initial is shown.
"""

import unicodedata

# Words that make one name with the word after them: «عبد الله», «أبو بكر», «آل صباح»,
# "Al Najjar", "bin Khalid". Compared without case.
_JOINED_TO_NEXT = {
    "عبد",
    "أبو",
    "ابو",
    "آل",
    "ال",
    "بن",
    "بنت",
    "ابن",
    "abd",
    "abdul",
    "abu",
    "al",
    "el",
    "bin",
    "bint",
    "ibn",
}


def _names(full_name: str) -> list[str]:
    """The names of `full_name`, with each joining word kept with the word after it."""
    words = full_name.split()
    names: list[str] = []
    pending: list[str] = []
    for word in words:
        pending.append(word)
        if word.casefold() not in _JOINED_TO_NEXT:
            names.append(" ".join(pending))
            pending = []
    if pending:  # a joining word last ("Ali Al"): a name of its own
        names.append(" ".join(pending))
    return names


def _initial(name: str) -> str:
    """The first letter with any marks written on it (Arabic harakat, accents)."""
    end = 1
    while end < len(name) and unicodedata.combining(name[end]):
        end += 1
    return name[:end] + "."


def mask_name(full_name: str) -> str:
    """The first name, the next name's initial and the family name; a name of one or two
    parts as it is."""
    names = _names(full_name)
    if len(names) <= 2:
        return " ".join(names)
    return f"{names[0]} {_initial(names[1])} {names[-1]}"
