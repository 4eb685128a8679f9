"""When each scheduled job (reconcile-payments, send-reminders, backup, ...) last
succeeded and last failed: one row per job, in the database every server shares, so
/metrics on any server shows a job that stopped succeeding on whichever machine runs it."""

from datetime import datetime

from peewee import CharField, DateTimeField

from models.database import BaseModel


class JobRun(BaseModel):
    name = CharField(max_length=40, unique=True)
    last_success_at = DateTimeField(null=True)
    last_failure_at = DateTimeField(null=True)

    @classmethod
    def succeeded(cls, name: str, at: datetime) -> None:
        cls._record(name, cls.last_success_at, at)

    @classmethod
    def failed(cls, name: str, at: datetime) -> None:
        cls._record(name, cls.last_failure_at, at)

    @classmethod
    def _record(cls, name: str, column, at: datetime) -> None:
        # One statement, whichever run comes first: the row is made or its time moved on.
        cls.insert(name=name, **{column.name: at}).on_conflict(
            conflict_target=[cls.name], update={column: at}
        ).execute()

    @classmethod
    def last_successes(cls) -> dict[str, datetime]:
        return {
            run.name: run.last_success_at
            for run in cls.select(cls.name, cls.last_success_at).where(cls.last_success_at.is_null(False))
        }
