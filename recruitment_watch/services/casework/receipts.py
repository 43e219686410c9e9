"""Receipt codes: what an anonymous complainant holds instead of an account.

A code is 20 random digits (66 bits), shown once in groups of four and never stored. The complaint keeps an
Argon2id digest of it salted with the complaint's reference, at the same cost as passwords (OWASP: 19 MiB, 2
passes), so a copied database does not give the codes away and guessing one is slow even offline. Digits typed
in any script, with spaces or dashes, are accepted.
"""

from __future__ import annotations

import hmac
import secrets

from argon2.low_level import Type, hash_secret_raw

from recruitment_watch.services.accounts.second_factor import ascii_digits

CODE_DIGITS = 20
_MEMORY_KIB = 19 * 1024
_PASSES = 2


def new_receipt_code() -> str:
    """20 random digits."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def grouped(code: str) -> str:
    """The code as it is shown: ``1234 5678 …``."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalised(typed: str) -> str | None:
    """The 20 digits of what was typed (any script, spaces and dashes ignored); None if it is not a code."""
    digits = ascii_digits("".join(ch for ch in typed if ch not in " -\u00a0\t"))
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def receipt_digest(reference: str, code: str) -> str:
    """The stored digest of ``code`` for the complaint ``reference`` (64 hex characters)."""
    raw = hash_secret_raw(
        code.encode(), ("receipt:" + reference).encode(), time_cost=_PASSES, memory_cost=_MEMORY_KIB,
        parallelism=1, hash_len=32, type=Type.ID,
    )  # fmt: skip
    return raw.hex()


def receipt_matches(stored: str | None, reference: str, typed: str) -> bool:
    """Whether ``typed`` is the receipt code of the complaint; the digest is computed even when it cannot match, so
    the answer takes as long either way."""
    code = normalised(typed)
    digest = receipt_digest(reference, code or "0" * CODE_DIGITS)
    return stored is not None and code is not None and hmac.compare_digest(stored, digest)
