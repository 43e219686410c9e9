"""Password hashing (Argon2id, rehashed on login when the parameters change) and the password rules.

The rules follow OWASP ASVS 5.0 V6.2: at least ``MIN_LENGTH`` characters, up to ``MAX_LENGTH`` (any character,
spaces included, no composition rules, no forced rotation), and not one of the commonly breached passwords shipped
in ``common_passwords.txt``, nor the person's own e-mail address.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128
# Argon2id with OWASP's Password Storage Cheat Sheet setting m=19 MiB, t=2, p=1 (its stated minimum; RFC 9106's
# 64 MiB, p=4 profile took ~150 ms a login on a 2-core server and 64 MiB per concurrent login). Hashes made with
# other parameters (argon2-cffi's defaults, used before) are rehashed with these at the next successful login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the account does not exist, so a failed login takes as long either way (no user probing).
_DUMMY_HASH = _hasher.hash("recruitment_watch: no such account")


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, str | None]:
    """Whether ``password`` matches ``stored_hash``, and the new hash to store when the hashing parameters changed
    since it was made (None otherwise). An empty or missing hash (a password never set) never matches."""
    if not stored_hash:
        _verify_quietly(_DUMMY_HASH, password)
        return False, None
    if not _verify_quietly(stored_hash, password):
        return False, None
    return True, (_hasher.hash(password) if _hasher.check_needs_rehash(stored_hash) else None)


def _verify_quietly(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, email: str | None = None) -> str | None:
    """Why ``password`` may not be used (a sentence the form shows), or None when it may."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters (a few words make a good password)."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    folded = password.casefold()
    if folded in _common_passwords():
        return "This password is among the most commonly used ones; choose another."
    if email and folded == email.strip().casefold():
        return "Do not use your e-mail address as your password."
    return None


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    text = (Path(__file__).with_name("common_passwords.txt")).read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip() and line[0] != "#")
