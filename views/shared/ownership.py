"""A request found through its owner: the one look-up every request page starts with."""

from flask import abort, g

from models import InsuranceRequest


def owned_request(reference: str) -> InsuranceRequest:
    """The signed-in person's request; anyone else's, or none, is a 404."""
    found = InsuranceRequest.of_owner(g.user, reference.upper())
    if found is None:
        abort(404)
    return found
