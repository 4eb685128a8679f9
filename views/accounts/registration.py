"""Creating an account: civil ID and mobile, the code sent to the mobile, then the
person's name and a password. Everything else is optional, asked on the account page.

A civil ID that already has an account gets the same pages; the SMS to the number typed
says so instead of carrying a code, and how its owner claims it at the desk.

`next` (a path on this site: the request being started, say) is carried through the
three pages in the session, and the new account lands there.
"""

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

import clock
from domain.phone import national_format
from models import OneTimeCode, User
from services import codes
from views.accounts import bp
from views.accounts.forms import RegistrationForm
from views.accounts.new_password import choose_password
from views.shared import code_step
from web import rate_limits
from web.applicant_session import safe_next
from web.language import select_locale

# Where the account goes once made, kept from the first page to the last.
REGISTER_NEXT = "register_next"
# The first page's answers, so that "Change phone number" on the code page comes back to
# them; kept the same way whether the civil ID is taken or not, so the page tells nothing.
REGISTER_ANSWERS = "register_answers"


@bp.route("/register", methods=["GET", "POST"])
def register():
    changing = request.method == "GET" and request.args.get("change") == "mobile"
    next_page = safe_next(session.get(REGISTER_NEXT) if changing else request.args.get("next"))
    if g.get("user") is not None and next_page:
        return redirect(next_page)
    form = RegistrationForm(data=session.get(REGISTER_ANSWERS) if changing else None)
    if form.validate_on_submit():
        civil_id, mobile = form.civil_id.parsed, form.mobile.parsed
        code_step.limit_sending(mobile, civil_id)
        rate_limits.spend(rate_limits.REGISTRATIONS_PER_CIVIL_ID, civil_id)
        # SMS go in the language of the page until the person chooses another.
        language = select_locale()
        user, duplicate = User.start_registration(civil_id, {"mobile": mobile, "language": language})
        if duplicate:
            # The same next page as anyone; the number typed hears how to claim the civil ID.
            row = codes.issue_for_taken_civil_id(mobile, language, code_step.secret(), clock.now())
        else:
            row = codes.issue(
                OneTimeCode.REGISTER,
                mobile,
                user,
                code_step.secret(),
                clock.now(),
                host=code_step.sms_host(),
            )
        code_step.remember(row)
        session[REGISTER_NEXT] = next_page
        session[REGISTER_ANSWERS] = {"civil_id": civil_id, "mobile": national_format(mobile)}
        return redirect(url_for(".register_code"))
    return render_template("accounts/register.html", form=form, next_page=next_page, changing=changing)


@bp.route("/register/code", methods=["GET", "POST"])
def register_code():
    return code_step.code_page(
        OneTimeCode.REGISTER,
        start=".register",
        resend_page=".register_resend",
        verified_page=".register_password",
        heading=_("Check your phone"),
        change_mobile_url=url_for(".register", change="mobile"),
    )


@bp.post("/register/code/resend")
def register_resend():
    return code_step.resend(
        OneTimeCode.REGISTER,
        start=".register",
        code_page=".register_code",
        heading=_("Check your phone"),
        reset=False,
        change_mobile_url=url_for(".register", change="mobile"),
    )


@bp.route("/register/password", methods=["GET", "POST"])
def register_password():
    return choose_password(OneTimeCode.REGISTER, start=".register", next_key=REGISTER_NEXT)
