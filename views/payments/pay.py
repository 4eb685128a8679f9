"""The Pay button, and the check page's "Confirm and continue to payment" once it has
frozen the request: a new try at paying it, the browser sent to the gateway's page.
services/payments.py does the work; this page only shows where the request stands, or
that the bank cannot be reached."""

from views.payments.blueprints import payments as bp
from views.shared.ownership import owned_request
from views.shared.paying import to_the_bank
from web.applicant_session import login_required


@bp.post("/requests/<reference>/pay")
@login_required
def pay(reference):
    return to_the_bank(owned_request(reference))
