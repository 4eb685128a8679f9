"""Kept for views/payments/receipts.py until it imports views.shared.ownership."""

from views.shared.ownership import owned_request  # noqa: F401
