"""Admins only: a civil ID claimed at the desk. Find the account that holds it, record how
the person's civil ID card was checked, and release the civil ID (services/claims.py):
that account is frozen and the card's owner can register.

Admins only, as releasing closes someone's account: the audit log (also admins') then names
who released what and on which evidence."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

import clock
import models
from domain.phone import mask_mobile
from services import claims
from views.desk.forms import GetForm
from views.desk.labels import labels
from views.shared.forms import civil_id_rule, plain_name
from web.form_fields import ascii_digits, stripped
from web.staff_session import admin_required

bp = Blueprint("desk_claims", __name__, url_prefix="/desk/claims")
bp.context_processor(labels)


class FindForm(GetForm):
    civil_id = StringField(
        _l("Civil ID number"),
        filters=[stripped, ascii_digits],
        validators=[InputRequired(_l("Enter the civil ID number on the card")), civil_id_rule],
    )


class ReleaseForm(FlaskForm):
    civil_id = HiddenField(filters=[ascii_digits], validators=[InputRequired(), civil_id_rule])
    card_seen = BooleanField(
        _l(
            "I have seen the person's civil ID card: it is genuine, it has not expired, its photo "
            "is of the person in front of me and its number is this civil ID."
        ),
        validators=[InputRequired(_l("Check the civil ID card, then say that you have"))],
    )
    name_on_card = StringField(
        _l("Name on the card"),
        filters=[stripped],
        validators=[
            InputRequired(_l("Enter the name on the civil ID card")),
            Length(max=100, message=_l("A name has 100 characters or fewer")),
            plain_name,
        ],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        filters=[stripped],
        validators=[Length(max=1000, message=_l("A note has 1000 characters or fewer"))],
    )


def _page(find: FindForm, release: ReleaseForm | None = None, status: int = 200):
    account = None
    civil_id = getattr(find.civil_id, "parsed", None)
    if civil_id:
        account = claims.account_with(civil_id)
        models.audit(
            "desk.claim_lookup", ("claim", "-"), after={"civil_id": civil_id, "found": account is not None}
        )
    if account is not None and release is None:
        release = ReleaseForm(formdata=None, civil_id=civil_id)
    return render_template(
        "desk/claims.html",
        find=find,
        account=account,
        release=release,
        summary=claims.summary(account) if account else None,
        masked_mobile=mask_mobile(account.mobile) if account else None,
    ), status


@bp.get("")
@admin_required
def find():
    form = FindForm()
    if form.civil_id.data:
        form.validate()
    return _page(form)


@bp.post("/release")
@admin_required
def release():
    form = ReleaseForm()
    civil_id = form.civil_id.data or ""
    find_form = FindForm(formdata=MultiDict({"civil_id": civil_id}))
    if not form.validate_on_submit():
        find_form.validate()
        return _page(find_form, form)
    account = claims.account_with(form.civil_id.parsed)
    if account is None:
        flash(_("No account holds this civil ID: its owner can register."))
        return redirect(url_for(".find"))
    checked = {"card_seen": True, "name_on_card": form.name_on_card.data, "note": form.note.data}
    try:
        released = claims.release_civil_id(account, g.staff, checked, clock.now())
    except claims.ClaimRefused:
        form.card_seen.errors.append(_("This account may be yours: another admin must release it."))
        find_form.validate()
        return _page(find_form, form, status=403)
    if released:
        flash(
            _(
                "The civil ID is released and the account that held it is frozen. Its owner can "
                "now register with it."
            )
        )
    return redirect(url_for(".find"))
