import pytest
from argon2 import PasswordHasher

from domain.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    WeakPassword,
    check_password,
    common_passwords,
    hash_password,
    is_common,
    make_hasher,
    verify_password,
)

CHEAP = make_hasher(cheap=True)


@pytest.mark.parametrize(
    "password",
    [
        "x7!kq9#m",  # exactly 8
        "ك" * MIN_LENGTH,  # Arabic letters
        "كلمة سر طويلة",
        "пароль-очень-длинный",
        "z" * MAX_LENGTH,
    ],
)
def test_acceptable_passwords(password):
    assert check_password(password) == password


@pytest.mark.parametrize(
    "password, reason",
    [
        ("", "too_short"),
        ("x7!kq9#", "too_short"),
        ("z" * (MAX_LENGTH + 1), "too_long"),
        ("password", "common"),
        ("Password123", "common"),
        ("QWERTYUIOP", "common"),
        ("12345678", "common"),
        ("١٢٣٤٥٦٧٨", "common"),  # the same digits in Arabic-Indic
        ("۱۲۳۴۵۶۷۸۹", "common"),  # and Persian
    ],
)
def test_refused_passwords(password, reason):
    with pytest.raises(WeakPassword) as refused:
        check_password(password)
    assert refused.value.reason == reason


def test_personal_values_are_refused():
    with pytest.raises(WeakPassword) as refused:
        check_password("id291030104196!", personal=("291030104196", "50012345"))
    assert refused.value.reason == "personal"
    with pytest.raises(WeakPassword):
        check_password("٥٠٠١٢٣٤٥ mobile", personal=("291030104196", "50012345"))
    assert check_password("nothing personal here", personal=("291030104196", ""))


def test_the_common_list_is_the_shipped_file():
    assert len(common_passwords()) > 19_000
    assert is_common("iloveyou") and not is_common("a phrase nobody has used")


def test_length_counts_characters_after_normalisation():
    # Full-width letters are the same password as plain ones once normalised (NFKC).
    assert check_password("ｐａｓｓｐｈｒａｓｅ ｇｏｏｄ") == "passphrase good"
    stored = hash_password(CHEAP, "ｐａｓｓｐｈｒａｓｅ ｇｏｏｄ")
    assert verify_password(CHEAP, stored, "passphrase good")


def test_hash_and_verify():
    stored = hash_password(CHEAP, "correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password(CHEAP, stored, "correct horse battery")
    assert not verify_password(CHEAP, stored, "correct horse batterY")
    assert not verify_password(CHEAP, "not a hash", "anything")


def test_no_stored_hash_never_matches_but_does_the_work():
    calls = []

    class Counting(PasswordHasher):
        def verify(self, hash, password):
            calls.append(hash)
            return super().verify(hash, password)

    hasher = Counting(time_cost=1, memory_cost=8, parallelism=1)
    assert verify_password(hasher, None, "anything") is False
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_production_uses_argon2_cffi_defaults():
    default, cheap = make_hasher(), make_hasher(cheap=True)
    assert (default.time_cost, default.memory_cost) == (
        PasswordHasher().time_cost,
        PasswordHasher().memory_cost,
    )
    assert cheap.memory_cost < default.memory_cost
