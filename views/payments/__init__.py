"""Paying for a request, as pages: pay.py (the Pay button), results.py (the gateway's
results), receipts.py (the receipt), verification.py (the public check behind its QR
code) and sandbox_bank.py (the test bank's pages). The work behind them is in
services/payments.py."""

from services import payments
from views.payments import blueprints, pay, receipts, results, sandbox_bank, verification

# Each module adds its pages to one of these blueprints when it is imported.
BLUEPRINTS = (blueprints.payments, blueprints.receipts, sandbox_bank.bp)


def init_app(app) -> None:
    payments.init_app(app)
    # The gateway's results come from the bank's pages and servers: no CSRF token,
    # authenticated by their signature instead.
    app.extensions["csrf"].exempt(results.gateway_return)
    app.extensions["csrf"].exempt(results.notify)
    app.jinja_env.globals["payment_sandbox"] = app.extensions["payment_gateway"].is_test
