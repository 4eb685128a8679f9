"""Insurance requests past their draft: freezing the answers and amounts once the
applicant confirms them, so the amount charged is the amount quoted."""
from domain.quote import Quote
from models import InsuranceRequest


def freeze_request(insurance_request: InsuranceRequest, quote: Quote, schedule_id: str) -> bool:
    """Fix the request's answers and amounts as `quote` (from the fee schedule
    `schedule_id`) has them; it then awaits payment, or is paid when nothing is due.
    False when it was no longer a draft (a second tab, a double click)."""
    return insurance_request.freeze(quote, schedule_id)
