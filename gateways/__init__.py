"""Adapters to the world outside the app: SMS providers (and later the payment gateway)."""
