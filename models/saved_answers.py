"""Answers posted to a request's question page after the log-in had ended: kept for the
same person to find after logging in again, never shown to anyone else. The key is a
random token held in that browser's session; the table keeps only its hash."""

import hashlib
import json
import secrets
from datetime import datetime, timedelta

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from models.accounts import User
from models.database import BaseModel


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SavedAnswers(BaseModel):
    # Long enough to log in again after lunch; pruned with the codes after that.
    KEPT_FOR = timedelta(days=1)

    token_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="saved_answers", on_delete="CASCADE")
    path = CharField(max_length=300)
    fields = TextField()  # JSON: [[name, value], ...] in the order posted
    created_at = DateTimeField()

    @classmethod
    def keep(cls, user_id: int, path: str, fields: list[tuple[str, str]], at: datetime) -> str:
        """Keep `fields` posted to `path`; the token that takes them back."""
        token = secrets.token_urlsafe(24)
        cls.create(
            token_hash=_digest(token),
            user=user_id,
            path=path,
            fields=json.dumps(fields, ensure_ascii=False),
            created_at=at,
        )
        return token

    @classmethod
    def forget_for(cls, user_id: int) -> int:
        return cls.delete().where(cls.user == user_id).execute()

    @classmethod
    def take(cls, token: str, user_id: int, path: str, at: datetime) -> list[tuple[str, str]] | None:
        """The fields kept under `token` for this person and this page, once: the row goes
        with the first taker (a conditional DELETE), and None for any other person, page, or
        answers kept too long ago."""
        row = cls.get_or_none(
            cls.token_hash == _digest(token),
            cls.user == user_id,
            cls.path == path,
            cls.created_at > at - cls.KEPT_FOR,
        )
        if row is None or not cls.delete().where(cls.id == row.id).execute():
            return None
        return [tuple(pair) for pair in json.loads(row.fields)]

    @classmethod
    def prune(cls, at: datetime) -> int:
        return cls.delete().where(cls.created_at < at - cls.KEPT_FOR).execute()
