"""The TOTP second factor (RFC 6238 through PyOTP): enrolment with a locally drawn QR code, codes that cannot be
replayed, and one-time recovery codes stored hashed (OWASP ASVS 5.0 6.5.1-6.5.5).

A code is accepted for the current 30-second step or one step either side (clock drift), and only for a step later
than the last one accepted for that person: the same code, or an older one, is refused even within its window.
"""

from __future__ import annotations

import hmac
import secrets
import time
import unicodedata
from collections.abc import Callable

import pyotp
import segno
from sqlalchemy import delete, func, select
from sqlmodel import Session

from recruitment_watch.models import RecoveryCode, User
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.accounts.login_sessions import end_all
from recruitment_watch.services.accounts.passwords import hash_password, verify_password
from recruitment_watch.services.accounts.security_events import EventKind, Outcome, record

ISSUER = "recruitment_watch"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)


def start_enrolment(user: User, *, session: Session) -> str:
    """Give ``user`` a new, unconfirmed secret (replacing an unconfirmed one); returns it."""
    if user.totp_confirmed_at is not None:
        raise ValueError("a confirmed second factor is reset by an admin first")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    session.add(user)
    session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(user: User) -> str:
    """The enrolment QR code as an inline SVG, drawn here (no remote QR service ever sees the secret)."""
    return segno.make(provisioning_uri(user), error="m").svg_inline(scale=4, dark="#111", light="#fff")


def accept_code(user: User, code: str, *, session: Session, now: Callable[[], float] = time.time) -> bool:
    """Whether ``code`` is a fresh valid TOTP of ``user``; a success remembers its step so it is never accepted
    again."""
    code = ascii_digits("".join(code.split()))
    if not user.totp_secret or len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = int(now()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            user.totp_last_step = step
            session.add(user)
            session.flush()
            return True
    return False


def ascii_digits(text: str) -> str:
    """``text`` with digits of any script (Arabic-Indic ٣, Devanagari ३, Bengali ৩, …) as ASCII digits: a phone set
    to Urdu, Arabic, Hindi, Nepali or Bengali may type the code so."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def confirm_enrolment(user: User, code: str, *, session: Session, ip: str | None = None) -> list[str] | None:
    """Confirm the secret with a first code; returns the new recovery codes (shown once), or None when the code is
    wrong."""
    if not accept_code(user, code, session=session):
        record(session, EventKind.second_factor_failed, Outcome.failure, user_id=user.id, ip=ip, detail="enrolment")
        return None
    user.totp_confirmed_at = utc_now()
    session.add(user)
    record(session, EventKind.second_factor_enrolled, user_id=user.id, ip=ip)
    return new_recovery_codes(user, session=session)


def new_recovery_codes(user: User, *, session: Session) -> list[str]:
    """Replace ``user``'s recovery codes with ``RECOVERY_CODES`` new ones; returns them in clear (shown once)."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
             for _ in range(RECOVERY_CODES)]  # fmt: skip
    session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(code)) for code in codes)
    session.flush()
    return codes


def use_recovery_code(user: User, code: str, *, session: Session, ip: str | None = None) -> bool:
    """Whether ``code`` is one of ``user``'s unused recovery codes; a match is used up."""
    typed = "".join(code.split()).lower()
    unused = session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for stored in unused:
        if verify_password(stored.code_hash, typed)[0]:
            stored.used_at = utc_now()
            session.add(stored)
            left = len(unused) - 1
            record(session, EventKind.recovery_code_used, user_id=user.id, ip=ip, detail=f"{left} left")
            return True
    record(session, EventKind.second_factor_failed, Outcome.failure, user_id=user.id, ip=ip, detail="recovery code")
    return False


def recovery_codes_left(user: User, *, session: Session) -> int:
    """How many unused recovery codes ``user`` holds."""
    return (
        session.scalar(select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0
    )


def reset(user: User, *, session: Session, actor_user_id: int | None) -> None:
    """An admin clears ``user``'s second factor (a lost phone): they enrol again at their next login, which every
    live session of theirs is ended to force."""
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    session.add(user)
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_all(user.id, "second factor reset", session=session)
    record(session, EventKind.second_factor_reset, user_id=user.id, actor_user_id=actor_user_id)
