"""Password hashing with argon2id and the password policy; clear-text passwords never leave
this module's callers.

The policy: at least 12 characters (at most 1,024), at least 4 different characters, and
not one of the common passwords shipped in ``common_passwords.txt`` (compared without
case, also with trailing digits and punctuation removed, so ``Password123!`` is refused).
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from keepwell.errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_DISTINCT = 4
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
_TRAILING = string.digits + string.punctuation + " "
_DUMMY_PASSWORD = "keepwell-timing-equaliser"


class PasswordPolicyError(Invalid):
    """A new password does not meet the policy."""


class PasswordHashing:
    """An argon2id hasher, with a dummy check that takes as long as a real one."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    def hash(self, password: str) -> str:
        """The argon2id hash of ``password`` (salted, self-describing)."""
        return self.hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        """True when ``password`` matches ``stored_hash``."""
        try:
            return self.hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when ``stored_hash`` was made with weaker parameters than the current ones."""
        return self.hasher.check_needs_rehash(stored_hash)

    def burn(self, password: str) -> None:
        """Spend the time of one verification, so unknown emails answer as slowly as known."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hash(_DUMMY_PASSWORD)
        self.verify(self._dummy_hash, password)


hashing = PasswordHashing()
"""The process-wide hasher (its parameters are argon2-cffi's RFC 9106 low-memory profile)."""


def check_policy(password: str) -> None:
    """Raise ``PasswordPolicyError`` (saying why) unless ``password`` meets the policy."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(f"a password has at most {MAX_LENGTH} characters")
    if len(set(password)) < MIN_DISTINCT:
        raise PasswordPolicyError(f"a password needs at least {MIN_DISTINCT} different characters")
    if is_common(password):
        raise PasswordPolicyError(
            "this password is on a list of commonly used passwords; choose another"
        )


def is_common(password: str) -> bool:
    """True when ``password`` (or it without trailing digits and punctuation) is common."""
    lowered = password.lower()
    stem = lowered.rstrip(_TRAILING)
    known = common_passwords()
    return lowered in known or (len(stem) >= MIN_DISTINCT and stem in known)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case (read once)."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def hash_password(password: str) -> str:
    """Check the policy and hash ``password``."""
    check_policy(password)
    return hashing.hash(password)


def rehash(password: str) -> str:
    """A fresh hash of an already accepted password (no policy check), current parameters."""
    return hashing.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``."""
    return hashing.verify(stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """True when the stored hash should be replaced on the next successful sign-in."""
    return hashing.needs_rehash(stored_hash)


def burn_time(password: str) -> None:
    """Spend one verification's time without a user (unknown email)."""
    hashing.burn(password)
