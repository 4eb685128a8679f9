"""Keeping what a person posted to a request's question page after their log-in ended,
and giving it back to them once logged in again.

Only the answers of those pages are kept (the people, the sponsor, new or renewal, the
years): never a password, a code or the CSRF token, whatever else the form carried."""

from datetime import datetime

from models import SavedAnswers
from models.requests import writing

ANSWER_PREFIXES = ("people-", "sponsor_")
ANSWER_NAMES = {"insurance_status", "years", "current_cover_end"}
MOST_FIELDS = 200
LONGEST_VALUE = 200


def is_answer(name: str) -> bool:
    return name in ANSWER_NAMES or name.startswith(ANSWER_PREFIXES)


def keep_answers(user_id: int, path: str, posted: list[tuple[str, str]], at: datetime) -> str | None:
    """The token that takes the answers in `posted` back, or None when it holds none."""
    answers = [(name, value[:LONGEST_VALUE]) for name, value in posted if is_answer(name)][:MOST_FIELDS]
    if not answers:
        return None
    # One set per person, the latest: a cookie replayed after the end cannot pile them up.
    with writing():
        SavedAnswers.forget_for(user_id)
        return SavedAnswers.keep(user_id, path, answers, at)


def take_answers(token: str, user_id: int, path: str, at: datetime) -> list[tuple[str, str]] | None:
    return SavedAnswers.take(token, user_id, path, at)
