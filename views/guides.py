"""Plain pages that help before and after paying: which residency category to choose, and
how a payment made here reaches the Ministry (in the operator's own words)."""

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l

from web.fee_schedules import active_schedule
from web.language import select_locale
from web.page_cache import public_page

bp = Blueprint("guides", __name__)

# One line each on who a category is for, by its code; a category a schedule adds later
# shows its label and article alone until it gets one.
WHO_IT_IS_FOR = {
    "commercial": _l("You hold a commercial residency for a business of your own or one you invest in."),
    "family_first_degree": _l(
        "A father, mother, brother, sister, son or daughter living in Kuwait under a relative's sponsorship."
    ),
    "worker": _l("You work for a government body (Art. 17) or a private-sector employer (Art. 18)."),
    "student": _l("You live in Kuwait to study, on a study residency."),
    "joining_wife": _l("A man whose residency is sponsored by his wife."),
    "joining_husband": _l(
        "A woman whose residency is sponsored by her husband, an expatriate. "
        "The wife of a Kuwaiti has a category of her own."
    ),
    "domestic_worker": _l("A housemaid, driver, cook or other household worker."),
    "widow_divorcee_family": _l(
        "Someone joining the widow or divorcee of a Kuwaiti, sponsored by one of her children."
    ),
    "kuwaiti_wife": _l("A woman of another nationality married to a Kuwaiti citizen."),
    "gcc_kuwaiti_family": _l("A family member joining a sponsor who is a citizen of a Gulf state."),
    "self_sponsored": _l("You sponsor your own residency: no employer or relative sponsors you."),
    "stateless": _l("A resident without a nationality (Bidoon)."),
    "farm_worker": _l("You work on a farm, as a fisherman or herder, or for a dairy company."),
    "domestic_worker_kuwaiti_4th": _l("The fourth household worker of a Kuwaiti family, or a later one."),
    "domestic_worker_kuwaiti": _l("One of the first three household workers of a Kuwaiti family."),
    "kuwaiti_family": _l("A foreign child or parent of a Kuwaiti citizen, or a child of a Kuwaiti woman."),
    "newborn": _l("A baby of another nationality in the first four months after birth."),
}


@bp.get("/categories")
def categories():
    return public_page(
        lambda: render_template("pages/categories.html", schedule=active_schedule(), who=WHO_IT_IS_FOR)
    )


@bp.get("/payment-handover")
def payment_handover():
    """Only the operator knows how it passes payments on: its words (settings), or a
    plain default that claims nothing for it."""

    def build():
        language = "AR" if select_locale() == "ar" else "EN"
        own_words = current_app.config[f"OPERATOR_PAYMENT_HANDOVER_{language}"]
        paragraphs = [part.strip() for part in own_words.split("\n\n") if part.strip()]
        return render_template("pages/payment_handover.html", paragraphs=paragraphs)

    return public_page(build)
