"""Fee schedules: one TOML data file per ministerial decision, checked on load."""

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

DEFAULT_SCHEDULE_ID = "seed"


class ScheduleError(Exception):
    """A fee-schedule file that must not be used; the message starts with file:line."""

    def __init__(self, path: Path | str, line: int | None, detail: str):
        super().__init__(f"{path}:{line}: {detail}" if line else f"{path}: {detail}")
        self.path = path
        self.line = line
        self.detail = detail


def _is_arabic(locale: Any) -> bool:
    # Accepts "ar", "ar_KW" or a babel Locale (whose str() is its identifier).
    return str(locale).lower().startswith("ar")


def _in_locale(locale: Any, arabic: str, english: str) -> str:
    return arabic if _is_arabic(locale) else english


@dataclass(frozen=True, kw_only=True)
class Category:
    code: str
    label_ar: str
    label_en: str
    # The residency-law articles residents know the category by (Art. 18, ...); one
    # category may stand for two (government and private-sector workers: 17 or 18).
    articles: tuple[int, ...] = ()
    annual_fils: int
    exempt_reason_ar: str | None = None
    exempt_reason_en: str | None = None
    max_years: int
    min_age_years: int | None = None
    below_min_age_note_ar: str | None = None
    below_min_age_note_en: str | None = None
    max_age_months: int | None = None
    secondary_source: bool = False
    # Residents of this category hold their own residency (Art. 24): nobody sponsors them.
    self_sponsored: bool = False
    # Where one line's fee comes from, when not from the schedule's own source.
    source_note_ar: str | None = None
    source_note_en: str | None = None

    @property
    def exempt(self) -> bool:
        return self.annual_fils == 0

    @property
    def has_age_rule(self) -> bool:
        return self.min_age_years is not None or self.max_age_months is not None

    @property
    def article(self) -> int | None:
        return self.articles[0] if self.articles else None

    def __post_init__(self):
        # Written once: the calculator names every category in each person's list.
        object.__setattr__(
            self,
            "_labels",
            (self._label(self.label_ar, "مادة", "أو"), self._label(self.label_en, "Art.", "or")),
        )

    def _label(self, name: str, article: str, either: str) -> str:
        if not self.articles:
            return name
        return f"{name} ({article} {f' {either} '.join(str(number) for number in self.articles)})"

    def label(self, locale: Any) -> str:
        """The name with its residency article, as residents know it: "Commercial residency
        (Art. 19)", «إقامة تجارية (مادة 19)»."""
        return self._labels[0] if _is_arabic(locale) else self._labels[1]

    def exempt_reason(self, locale: Any) -> str | None:
        return _in_locale(locale, self.exempt_reason_ar, self.exempt_reason_en)

    def below_min_age_note(self, locale: Any) -> str | None:
        return _in_locale(locale, self.below_min_age_note_ar, self.below_min_age_note_en)

    def source_note(self, locale: Any) -> str | None:
        return _in_locale(locale, self.source_note_ar, self.source_note_en)


@dataclass(frozen=True, kw_only=True)
class FeeSchedule:
    id: str
    title_ar: str
    title_en: str
    effective_from: date
    source_note_ar: str
    source_note_en: str
    categories: tuple[Category, ...]
    path: Path
    # Whether the title and effective date are those of the ministerial decision itself.
    # Residents' pages name a schedule and its date only when they are; otherwise (the
    # seed's, whose date stands in for an unknown one) they show the fees alone.
    official: bool = False
    # False when the source gives no date: effective_from then only orders the schedules,
    # and residents read that the date is not known instead of a made-up one.
    effective_from_known: bool = True
    # What sets these fees, to follow "Fees under": "Ministerial Decision 306/2025 as
    # reported in the news". Without it, the title.
    authority_ar: str | None = None
    authority_en: str | None = None

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def title(self, locale: Any) -> str:
        return _in_locale(locale, self.title_ar, self.title_en)

    def source_note(self, locale: Any) -> str:
        return _in_locale(locale, self.source_note_ar, self.source_note_en)

    def authority(self, locale: Any) -> str:
        return _in_locale(locale, self.authority_ar, self.authority_en) or self.title(locale)

    @property
    def secondary_source(self) -> bool:
        return any(c.secondary_source for c in self.categories)


# --- checking one value ----------------------------------------------------


class _Invalid(Exception):
    """A field value that is wrong; the loader adds file, line and category."""


_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_SCHEDULE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_CATEGORY_CODE = re.compile(r"[a-z][a-z0-9_]*")


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("must be non-empty text")
    return value.strip()


def _arabic(value: Any) -> str:
    # English pasted into an Arabic field is a missing translation too.
    if not _ARABIC_LETTER.search(_text(value)):
        raise _Invalid("must be written in Arabic (a missing translation)")
    return value.strip()


def _english(value: Any) -> str:
    if not _LATIN_LETTER.search(_text(value)):
        raise _Invalid("must be written in English (a missing translation)")
    return value.strip()


def _matching(pattern: re.Pattern, description: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise _Invalid(f"must be {description}")
        return value

    return check


def _whole(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Invalid(f"must be a whole number from {low} to {high}")
        return value

    return check


def _fils(value: Any) -> int:
    # A float here (50.5) would be a dinar amount typed by mistake, or a
    # fraction of a fils; neither can be paid.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid("must be a whole, non-negative number of fils")
    return value


def _day(value: Any) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    elif isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise _Invalid("must be a date written as YYYY-MM-DD")


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("must be true or false")
    return value


def _articles(value: Any) -> tuple[int, ...]:
    # One article (article = 19) or several for a category that stands for them all
    # (article = [17, 18]).
    values = value if isinstance(value, list) else [value]
    check = _whole(1, 999)
    try:
        articles = tuple(check(item) for item in values)
    except _Invalid:
        raise _Invalid("must be a whole number from 1 to 999, or a list of them like [17, 18]") from None
    if not articles or len(set(articles)) != len(articles):
        raise _Invalid("must list each article once, like [17, 18]")
    return articles


_REQUIRED = True
_OPTIONAL = False

_SCHEDULE_FIELDS: dict[str, tuple[bool, Callable[[Any], Any]]] = {
    "id": (_REQUIRED, _matching(_SCHEDULE_ID, "lower-case letters, digits and dashes")),
    "title_ar": (_REQUIRED, _arabic),
    "title_en": (_REQUIRED, _english),
    "effective_from": (_REQUIRED, _day),
    "source_note_ar": (_REQUIRED, _arabic),
    "source_note_en": (_REQUIRED, _english),
    "official": (_OPTIONAL, _flag),
    "effective_from_known": (_OPTIONAL, _flag),
    "authority_ar": (_OPTIONAL, _arabic),
    "authority_en": (_OPTIONAL, _english),
}

_CATEGORY_FIELDS: dict[str, tuple[bool, Callable[[Any], Any]]] = {
    "code": (_REQUIRED, _matching(_CATEGORY_CODE, "lower-case letters, digits and underscores")),
    "label_ar": (_REQUIRED, _arabic),
    "label_en": (_REQUIRED, _english),
    "article": (_OPTIONAL, _articles),
    "annual_fils": (_REQUIRED, _fils),
    "exempt_reason_ar": (_OPTIONAL, _arabic),
    "exempt_reason_en": (_OPTIONAL, _english),
    "max_years": (_REQUIRED, _whole(1, 10)),
    "min_age_years": (_OPTIONAL, _whole(0, 120)),
    "below_min_age_note_ar": (_OPTIONAL, _arabic),
    "below_min_age_note_en": (_OPTIONAL, _english),
    "max_age_months": (_OPTIONAL, _whole(1, 1440)),
    "secondary_source": (_OPTIONAL, _flag),
    "self_sponsored": (_OPTIONAL, _flag),
    "source_note_ar": (_OPTIONAL, _arabic),
    "source_note_en": (_OPTIONAL, _english),
}

_CATEGORY_TABLE = "category"


# --- finding the line a problem is on ---------------------------------------

_TABLE_HEADER = re.compile(r"\s*\[")
_CATEGORY_HEADER = re.compile(r"\s*\[\[\s*category\s*\]\]\s*(#.*)?")


def _key_line(key: str) -> re.Pattern:
    escaped = re.escape(key)
    return re.compile(rf"\s*(?:{escaped}|\"{escaped}\"|'{escaped}')\s*=")


class _Lines:
    """Line numbers in the raw text: tomllib keeps none for parsed values."""

    def __init__(self, text: str):
        self._lines = text.splitlines()

    def _first(self, pattern: re.Pattern, start: int, stop: int) -> int | None:
        for number in range(start, stop):
            if pattern.match(self._lines[number]):
                return number + 1
        return None

    def _block_end(self, start: int) -> int:
        after = self._first(_TABLE_HEADER, start, len(self._lines))
        return len(self._lines) if after is None else after - 1

    def top_level(self, key: str) -> int:
        end = self._block_end(0)
        found = self._first(_key_line(key), 0, end)
        if found is None:
            table = re.compile(rf"\s*\[\[?\s*{re.escape(key)}\s*\]")
            found = self._first(table, 0, len(self._lines))
        return found or 1

    def category(self, index: int, key: str | None = None) -> int:
        headers = [n for n, line in enumerate(self._lines) if _CATEGORY_HEADER.fullmatch(line)]
        if index >= len(headers):
            return self.top_level(_CATEGORY_TABLE)
        header = headers[index]
        if key is not None:
            found = self._first(_key_line(key), header + 1, self._block_end(header + 1))
            if found is not None:
                return found
        return header + 1


# --- loading ----------------------------------------------------------------


def load_schedule(path: Path | str) -> FeeSchedule:
    """The schedule in one TOML file, or ScheduleError naming file and line."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ScheduleError(path, line, "the file is not UTF-8") from error
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _syntax_error_line(error, text)
        raise ScheduleError(path, line, f"TOML syntax error: {error}") from error
    return _Loader(path, _Lines(text)).schedule(document)


def _syntax_error_line(error: tomllib.TOMLDecodeError, text: str) -> int:
    # Python 3.11's TOMLDecodeError has no lineno; its message carries it.
    found = re.search(r"at line ([0-9]+)", str(error))
    return int(found[1]) if found else max(1, len(text.splitlines()))


class _Loader:
    def __init__(self, path: Path | str, lines: _Lines):
        self.path = path
        self.lines = lines

    def _error(self, line: int, detail: str) -> ScheduleError:
        return ScheduleError(self.path, line, detail)

    def schedule(self, document: dict) -> FeeSchedule:
        fields = self._checked(
            document,
            {**_SCHEDULE_FIELDS, _CATEGORY_TABLE: (_REQUIRED, lambda value: value)},
            line_of=self.lines.top_level,
            where="",
        )
        entries = fields.pop(_CATEGORY_TABLE)
        if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
            raise self._error(
                self.lines.top_level(_CATEGORY_TABLE),
                "categories must be one or more [[category]] tables",
            )
        self._require_pair(fields, "authority", self.lines.top_level, "")
        categories = tuple(self._category(index, entry) for index, entry in enumerate(entries))
        self._refuse_duplicate_codes(categories)
        return FeeSchedule(**fields, categories=categories, path=Path(self.path))

    def _checked(self, table: dict, schema: dict, line_of: Callable[[str], int], where: str) -> dict:
        for key in table:
            if key not in schema:
                raise self._error(line_of(key), f'{where}unknown field "{key}"')
        values = {}
        for key, (required, check) in schema.items():
            if key not in table:
                if required:
                    raise self._error(line_of(key), f"{where}{key} is missing")
                continue
            try:
                values[key] = check(table[key])
            except _Invalid as problem:
                raise self._error(line_of(key), f"{where}{key} {problem}") from None
        return values

    def _category(self, index: int, entry: dict) -> Category:
        code = entry.get("code")
        where = f'category "{code}": ' if isinstance(code, str) else f"category #{index + 1}: "

        def line_of(key: str) -> int:
            return self.lines.category(index, key)

        fields = self._checked(entry, _CATEGORY_FIELDS, line_of, where)
        self._require_pair(fields, "exempt_reason", line_of, where)
        self._require_pair(fields, "below_min_age_note", line_of, where)
        self._require_pair(fields, "source_note", line_of, where)
        exempt = fields["annual_fils"] == 0
        if exempt and "exempt_reason_ar" not in fields:
            raise self._error(
                line_of("annual_fils"),
                f"{where}an exempt category (annual_fils = 0) needs exempt_reason_ar and exempt_reason_en",
            )
        if not exempt and "exempt_reason_ar" in fields:
            raise self._error(
                line_of("exempt_reason_ar"),
                f"{where}exempt_reason_ar and exempt_reason_en are only for annual_fils = 0",
            )
        has_minimum = "min_age_years" in fields
        if has_minimum != ("below_min_age_note_ar" in fields):
            key = "min_age_years" if has_minimum else "below_min_age_note_ar"
            raise self._error(line_of(key), f"{where}min_age_years and below_min_age_note_ar/_en go together")
        if "article" in fields:
            fields["articles"] = fields.pop("article")
        return Category(**fields)

    def _require_pair(self, fields: dict, stem: str, line_of: Callable[[str], int], where: str) -> None:
        arabic, english = f"{stem}_ar", f"{stem}_en"
        if (arabic in fields) != (english in fields):
            present, missing = (arabic, english) if arabic in fields else (english, arabic)
            raise self._error(
                line_of(present), f"{where}{missing} is missing (a missing translation of {present})"
            )

    def _refuse_duplicate_codes(self, categories: tuple[Category, ...]) -> None:
        seen: set[str] = set()
        for index, category in enumerate(categories):
            if category.code in seen:
                raise self._error(
                    self.lines.category(index, "code"),
                    f'category "{category.code}": the code is used by an earlier category',
                )
            seen.add(category.code)


def started_but_not_in_force(
    schedules: Iterable[FeeSchedule], in_force: FeeSchedule, today: date
) -> list[FeeSchedule]:
    """Schedules on file whose start date has come, later than the one in force: the site
    may be charging fees a newer decision has replaced. Oldest first."""
    return sorted(
        (
            schedule
            for schedule in schedules
            if schedule.id != in_force.id
            and schedule.effective_from_known
            and in_force.effective_from < schedule.effective_from <= today
        ),
        key=lambda schedule: schedule.effective_from,
    )


def load_schedules(folder: Path | str) -> dict[str, FeeSchedule]:
    """Every *.toml schedule in `folder`, by id; ids must be unique across files."""
    schedules: dict[str, FeeSchedule] = {}
    paths = sorted(Path(folder).glob("*.toml"))
    if not paths:
        raise ScheduleError(folder, None, "no fee schedule files (*.toml) here")
    for path in paths:
        schedule = load_schedule(path)
        if schedule.id in schedules:
            line = _Lines(path.read_text(encoding="utf-8")).top_level("id")
            raise ScheduleError(
                path, line, f'schedule id "{schedule.id}" is already used by {schedules[schedule.id].path}'
            )
        schedules[schedule.id] = schedule
    return schedules
