"""Repeated rows in a form (`people-0-name`, `people-1-name`, ...), read without trusting their number."""

import re

from domain.digits import parse_whole_number

# Rows beyond this are not even read; rules report "too many" well below it.
MAX_ROWS_READ = 100
MAX_VALUE_LENGTH = 120


def read_rows(values, prefix: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows in the order of their numbers, gaps closed; each a dict of every field."""
    pattern = re.compile(rf"{re.escape(prefix)}-([0-9]{{1,3}})-({'|'.join(fields)})")
    rows: dict[int, dict[str, str]] = {}
    for key in values.keys():
        match = pattern.fullmatch(key)
        if match is None:
            continue
        index = int(match[1])
        if index not in rows and len(rows) >= MAX_ROWS_READ:
            continue
        row = rows.setdefault(index, dict.fromkeys(fields, ""))
        row[match[2]] = values.get(key, "").strip()[:MAX_VALUE_LENGTH]
    return [rows[index] for index in sorted(rows)]


def removed_row(action: str | None, count: int) -> int | None:
    """The row a "remove-N" button asks to remove, when it exists and is not the last one."""
    if not action or not action.startswith("remove-") or count <= 1:
        return None
    index = parse_whole_number(action.removeprefix("remove-"))
    return index if index is not None and index < count else None
