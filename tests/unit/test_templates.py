"""Template lines stay within 200 characters, so that a change shows as a change of a line
and not of a whole table row. A long line breaks inside a Jinja tag, where whitespace is not
rendered, or before a tag with `-` whitespace control ({%- ... %}, {{- ... }})."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LONGEST = 200


def long_lines(text: str) -> list[tuple[int, int]]:
    """(line number, length) of each line longer than LONGEST characters."""
    return [(number, len(line)) for number, line in enumerate(text.splitlines(), 1) if len(line) > LONGEST]


def test_no_template_line_is_longer_than_200_characters():
    found = [
        f"templates/{path.relative_to(ROOT / 'templates')}:{number}: {length} characters"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, length in long_lines(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"template lines over {LONGEST} characters:\n" + "\n".join(found)


def test_the_check_counts_characters_not_bytes():
    arabic = "ت" * LONGEST  # 400 bytes in UTF-8, 200 characters
    assert long_lines(f"{arabic}\n{'x' * (LONGEST + 1)}\n") == [(2, LONGEST + 1)]
