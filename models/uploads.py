"""Lists of people uploaded by an organisation's officer, kept as read from the file until
the officer goes on, and the requests each became."""

import json

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

import clock
from domain.uploads import Row
from models.accounts import User
from models.database import BaseModel
from models.requests import InsuranceRequest


class Upload(BaseModel):
    """The rows are kept as the file had them, so the checking (in the reader's language,
    by today's rules) can run again on every look, and "go on" makes requests of the rows
    that pass it then."""

    CHECKED = "checked"
    DONE = "done"

    owner = ForeignKeyField(User, backref="uploads", on_delete="CASCADE")
    file_name = CharField(max_length=200)
    # The sponsor of every request it becomes (domain.sponsor): a person or a company.
    sponsor_kind = CharField(max_length=10, null=True)
    sponsor_name = CharField(max_length=100)
    sponsor_civil_id = CharField(max_length=12, null=True)
    sponsor_file_number = CharField(max_length=15, null=True)
    # Every request it becomes is new insurance or, with the current cover's last day, a
    # renewal (null: an upload kept before the question was asked, new).
    insurance_status = CharField(max_length=10, null=True)
    current_cover_end = DateField(null=True)
    rows_json = TextField()
    state = CharField(max_length=10, default=CHECKED)
    created_at = DateTimeField(default=lambda: clock.now())

    @classmethod
    def of_owner(cls, owner: User, upload_id: int) -> "Upload | None":
        return cls.get_or_none((cls.owner == owner) & (cls.id == upload_id))

    def rows(self) -> list[Row]:
        return [Row(number, values) for number, values in json.loads(self.rows_json)]

    @staticmethod
    def rows_text(rows: list[Row]) -> str:
        return json.dumps([[row.number, row.values] for row in rows], ensure_ascii=False)

    def mark_done(self) -> bool:
        """Checked to done, once: False when another press got there first."""
        changed = (
            Upload.update(state=self.DONE)
            .where((Upload.id == self.id) & (Upload.state == self.CHECKED))
            .execute()
        )
        if changed:
            self.state = self.DONE
        return bool(changed)

    def requests(self) -> list[InsuranceRequest]:
        return [
            made.request for made in self.made.order_by(UploadedRequest.position).prefetch(InsuranceRequest)
        ]


class UploadedRequest(BaseModel):
    upload = ForeignKeyField(Upload, backref="made", on_delete="CASCADE")
    request = ForeignKeyField(InsuranceRequest, backref="uploaded_from", on_delete="CASCADE")
    position = IntegerField()
