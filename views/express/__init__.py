"""Express payment, as pages: a sponsor pays for domestic workers without an account.

sponsor.py (civil ID, mobile and its SMS code), workers.py (the workers and the years),
payment.py (check answers, pay, the receipt behind its secret link), refund.py (a
refund asked for from that link, after a code to the same mobile) and new_link.py (a new
link once that one has expired, after a code to the same mobile). The work behind them
is in services/express.py and, for pricing, freezing and paying, the same services an
account holder's request goes through.
"""

from views.express import journey, new_link, payment, refund, sponsor, workers  # noqa: F401 (pages)
from views.express.journey import bp

BLUEPRINTS = (bp,)
