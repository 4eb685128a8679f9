"""Accounts: creating one, logging in and out, a forgotten password, and the account page.

Registration, log-in and reset answer under one blueprint, "accounts" (their endpoints are
accounts.register, accounts.login, accounts.reset...); the account page is "profile".
"""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

# Last: their routes join `bp`, defined above.
from views.accounts import login, password_reset, registration, staying  # noqa: E402, F401
