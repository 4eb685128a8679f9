"""The blueprints that two modules each add pages to. Templates and tests name their
endpoints `payments.*` (pay.py, results.py) and `receipts.*` (receipts.py,
verification.py), so each is defined here once and app.py registers it once."""

from flask import Blueprint

payments = Blueprint("payments", __name__)
receipts = Blueprint("receipts", __name__)
