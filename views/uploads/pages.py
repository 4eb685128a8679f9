"""Uploading a list of people (company, government and university accounts): the form and
the template files, the check of every row, and going on with the rows that passed."""

from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.file import FileField

import clock
from domain import sponsor as sponsors
from domain import uploads as reading
from domain.renewals import cover_start
from domain.uploads import UploadRefused, read_rows, template_csv, template_xlsx
from services.uploads import AlreadyDone, covered_civil_ids, keep_upload, make_requests
from views.shared.forms import SponsorForm
from views.shared.new_or_renewal import LABELS, NewOrRenewalFields
from views.uploads.checking import COLUMN_LABELS, check_upload
from web.applicant_session import login_required
from web.fee_schedules import active_schedule
from web.language import list_separator

bp = Blueprint("uploads", __name__, url_prefix="/uploads")

ORGANISATION_KINDS = sponsors.ORGANISATION_ACCOUNTS


class UploadForm(NewOrRenewalFields, SponsorForm):
    people_file = FileField(_l("The list of people"))


def refusal_message(refused: UploadRefused) -> str:
    code, params = refused.code, refused.params
    if code == reading.TOO_BIG:
        return _("The file is too big: it can be at most %(size)d KB.", size=params["max_bytes"] // 1024)
    if code == reading.EMPTY:
        return _("The file has no people in it. Fill in a row under the headings for each person.")
    if code == reading.OLD_EXCEL:
        return _(
            "This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as "
            "CSV UTF-8, then upload it again."
        )
    if code == reading.PASSWORD_PROTECTED:
        return _(
            "The file is protected with a password. Save a copy without the password, then upload that copy."
        )
    if code == reading.ZIP_BOMB:
        return _("The file unpacks to far more than a list of people can be, so it was not opened.")
    if code == reading.MISSING_COLUMNS:
        names = list_separator().join(str(COLUMN_LABELS[column]) for column in params["missing"])
        return _(
            "The file lacks these columns: %(columns)s. Use the headings of the template file.", columns=names
        )
    if code == reading.TOO_MANY_ROWS:
        return _(
            "The file has more than %(max)d people. Split it into files of %(max)d people or fewer.",
            max=params["max"],
        )
    if code == reading.SHEET_TOO_LONG:
        return _(
            "The sheet reaches down to row %(rows)d, far past the %(max)d people a file may have: "
            "something was typed or formatted far below the people. "
            "Copy the people into a new workbook and upload that.",
            rows=params["rows"],
            max=params["max"],
        )
    if code == reading.UNREADABLE:
        return _(
            "The Excel file could not be read. Open it in Excel, save it again as .xlsx, and upload it again."
        )
    return _("This is not a spreadsheet. Upload a CSV file or an Excel workbook (.xlsx).")


def organisation_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if g.user.account_kind not in ORGANISATION_KINDS:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/new", methods=["GET", "POST"])
@organisation_required
def new():
    # An organisation's officer most often names the organisation itself.
    form = UploadForm() if request.method == "POST" else UploadForm(sponsor_kind=sponsors.COMPANY)
    if form.is_submitted() and form.validate():
        upload = form.people_file.data
        try:
            if upload is None or not upload.filename:
                raise UploadRefused(reading.EMPTY)
            limit = current_app.config["UPLOAD_MAX_BYTES"]
            rows = read_rows(upload.stream.read(limit + 1), limit)
        except UploadRefused as refused:
            form.people_file.errors = [refusal_message(refused)]
        else:
            kept = keep_upload(g.user, upload.filename, form.answer(), rows, form.cover_answer())
            return redirect(url_for(".show", upload_id=kept.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "uploads/new.html",
        form=form,
        # A browser never keeps a chosen file when the page comes back with a problem.
        choose_again=form.is_submitted(),
        max_rows=reading.MAX_ROWS,
        max_kb=current_app.config["UPLOAD_MAX_BYTES"] // 1024,
    ), status


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/template-<language>.<kind>")
@organisation_required
def template(language, kind):
    if language not in reading.HEADINGS or kind not in ("csv", "xlsx"):
        abort(404)
    # The example row and the categories are lines the reader skips: a template uploaded
    # as it came adds nobody.
    categories = [(category.code, category.label(language)) for category in active_schedule().categories]
    if kind == "csv":
        data, mimetype = template_csv(language, categories), "text/csv"
    else:
        data, mimetype = template_xlsx(language, categories), XLSX_TYPE
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=people-{language}.{kind}"},
    )


def _owned(upload_id: int):
    from models import Upload

    found = Upload.of_owner(g.user, upload_id)
    if found is None:
        abort(404)
    return found


def _checked(upload):
    today = clock.today_in_kuwait()
    status, current_cover_end = upload.insurance_status or "new", upload.current_cover_end
    start = cover_start(today, status, current_cover_end)
    return check_upload(
        upload.rows(),
        active_schedule(),
        today,
        current_app.config["MAX_PAYMENT_FILS"],
        lambda civil_ids: covered_civil_ids(upload.owner, civil_ids, start),
        status,
        current_cover_end,
    )


@bp.get("/<int:upload_id>")
@organisation_required
def show(upload_id):
    upload = _owned(upload_id)
    if upload.state == upload.DONE:
        schedule, today = active_schedule(), clock.today_in_kuwait()
        made = [
            (
                made,
                made.total_fils if made.total_fils is not None else made.quote(schedule, today).total_fils,
                made.people.count(),
            )
            for made in upload.requests()
        ]
        return render_template(
            "uploads/done.html", upload=upload, made=made, total_fils=sum(amount for _r, amount, _n in made)
        )
    checked = _checked(upload)
    max_fils = current_app.config["MAX_PAYMENT_FILS"]
    return render_template(
        "uploads/check.html",
        upload=upload,
        checked=checked,
        problems=checked.problems,
        column_labels=COLUMN_LABELS,
        request_count=len(checked.requests(max_fils)),
        status_labels=LABELS,
        max_fils=max_fils,
    )


@bp.post("/<int:upload_id>/requests")
@organisation_required
def go_on(upload_id):
    """Requests of the rows that pass the checks now, the others dropped."""
    upload = _owned(upload_id)
    checked = _checked(upload)
    groups = checked.requests(current_app.config["MAX_PAYMENT_FILS"])
    if not groups:
        flash(_("No row of this file can go on. Correct the file and upload it again."))
        return redirect(url_for(".show", upload_id=upload.id))
    try:
        made = make_requests(upload, groups)
    except AlreadyDone:
        return redirect(url_for(".show", upload_id=upload.id))
    flash(
        ngettext(
            "%(num)d request made: check and pay it below.",
            "%(num)d requests made: check and pay each one below.",
            len(made),
        )
    )
    return redirect(url_for(".show", upload_id=upload.id))
