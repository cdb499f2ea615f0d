"""Password hashing: argon2id with the library's recommended parameters, and the policy."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from keepwell.auth.passwords import (
    PasswordHashing,
    PasswordPolicyError,
    check_policy,
    hash_password,
    verify_password,
)


def test_the_real_hasher_uses_argon2id_with_rfc_9106_low_memory_parameters() -> None:
    real = PasswordHashing()
    stored = real.hash("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert real.verify(stored, "correct horse battery")
    assert not real.verify(stored, "correct horse batter")
    assert not real.verify("not a hash", "correct horse battery")
    assert not real.needs_rehash(stored)
    weaker = PasswordHashing(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    assert real.needs_rehash(weaker.hash("correct horse battery"))


def test_hashes_are_salted_and_the_policy_holds() -> None:
    first, second = hash_password("a long passphrase"), hash_password("a long passphrase")
    assert first != second and "a long passphrase" not in first
    assert verify_password(first, "a long passphrase") and verify_password(
        second, "a long passphrase"
    )
    for bad in ("short", "x" * 1025):
        with pytest.raises(PasswordPolicyError):
            check_policy(bad)
