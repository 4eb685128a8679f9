"""Adapters to the world outside the app: SMS providers (sms.py) and payment gateways
(payments/: the sandbox bank and K-Net). They report what the outside said; services decide."""
