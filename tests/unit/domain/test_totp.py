"""TOTP (RFC 6238) against the RFC's own test vectors, the drift window and the
otpauth:// address."""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest

from domain import totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    "seconds, code",
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_rfc_6238_sha1_vectors(seconds, code):
    assert totp.hotp(RFC_SECRET, totp.step_at(seconds), digits=8) == code


def test_six_digit_codes_are_the_last_six():
    assert totp.code_at(RFC_SECRET, 59) == "287082"


def test_matching_step_allows_one_step_of_drift_either_way():
    now = 1_800_000_000
    secret = totp.new_secret()
    for offset in (-30, 0, 30):
        assert totp.matching_step(secret, totp.code_at(secret, now + offset), now) == totp.step_at(
            now + offset
        )
    assert totp.matching_step(secret, totp.code_at(secret, now - 90), now) is None
    assert totp.matching_step(secret, totp.code_at(secret, now + 90), now) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"])
def test_malformed_codes_never_match(code):
    assert totp.matching_step(RFC_SECRET, code, 59) is None


def test_new_secrets_are_160_bits_of_base32_and_differ():
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second and len(base64.b32decode(first)) == 20


def test_provisioning_uri():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", "reviewer1")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp" and parts.path == "/Tameen:reviewer1"
    assert parse_qs(parts.query) == {
        "secret": ["JBSWY3DPEHPK3PXP"],
        "issuer": ["Tameen"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }
