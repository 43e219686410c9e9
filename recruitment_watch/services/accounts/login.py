"""Checking a password at login, with the lockout that stops guessing (OWASP ASVS 5.0 6.3.1).

Every ``LOCK_AFTER`` consecutive failures lock the account, for ``LOCK_FOR`` the first time and twice as long each
time after (at most ``LOCK_MAX``); a success resets the count. The lock and the count live in the database, so they
hold across processes and restarts. What the person is told never says whether the address exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import User
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.accounts.passwords import verify_password
from recruitment_watch.services.accounts.security_events import EventKind, Outcome, record

LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
LOCK_MAX = timedelta(hours=24)
# Roles that must pass a TOTP second factor at every login (enrolling at the first one).
SECOND_FACTOR_ROLES = frozenset({Role.admin.value, Role.inspector.value})


class LoginState(StrEnum):
    """What happens after the password step."""

    refused = "refused"  # wrong address or password, or a disabled account: the same answer for each
    locked = "locked"
    signed_in = "signed_in"  # no second factor needed
    second_factor = "second_factor"  # a confirmed TOTP is asked for next
    enrol = "enrol"  # the role needs a second factor and none is confirmed yet: enrol now


@dataclass(frozen=True)
class LoginResult:
    state: LoginState
    user: User | None = None
    locked_until: datetime | None = None


def needs_second_factor(user: User) -> bool:
    """Whether ``user`` passes a second factor at login (every admin and inspector; anyone who enrolled one)."""
    return user.role in SECOND_FACTOR_ROLES or user.totp_confirmed_at is not None


def check_password(email: str, password: str, *, session: Session, ip: str | None = None) -> LoginResult:
    """The password step of a login; records the attempt as a security event."""
    address = email.strip().lower()
    user = session.scalar(select(User).where(User.email == address))
    now = utc_now()
    if user is not None and user.locked_until is not None and now < user.locked_until:
        verify_password(None, password)  # same work as any attempt
        record(session, EventKind.login_failed, Outcome.failure, user_id=user.id, ip=ip, detail="account locked")
        return LoginResult(LoginState.locked, locked_until=user.locked_until)
    matches, new_hash = verify_password(user.password_hash if user else None, password)
    if user is None or not matches or not user.is_active:
        return _failed(session, user, address, ip, now, "inactive account" if user and matches else "wrong password")
    user.failed_logins = 0
    user.locked_until = None
    if new_hash:
        user.password_hash = new_hash
    session.add(user)
    if not needs_second_factor(user):
        return LoginResult(LoginState.signed_in, user)
    return LoginResult(LoginState.second_factor if user.totp_confirmed_at else LoginState.enrol, user)


def _failed(session: Session, user: User | None, address: str, ip: str | None, now: datetime, why: str) -> LoginResult:
    if user is None:
        record(session, EventKind.login_failed, Outcome.failure, email=address, ip=ip, detail="unknown address")
        return LoginResult(LoginState.refused)
    record(session, EventKind.login_failed, Outcome.failure, user_id=user.id, ip=ip, detail=why)
    if not user.is_active:
        return LoginResult(LoginState.refused)
    user.failed_logins += 1
    state = LoginState.refused
    if user.failed_logins % LOCK_AFTER == 0:
        user.locked_until = now + lock_duration(user.failed_logins)
        state = LoginState.locked
        until = f"{user.locked_until:%Y-%m-%d %H:%M} UTC"
        detail = f"{user.failed_logins} failed logins in a row; locked until {until}"
        record(session, EventKind.locked, Outcome.failure, user_id=user.id, ip=ip, detail=detail)
    session.add(user)
    return LoginResult(state, locked_until=user.locked_until if state is LoginState.locked else None)


def lock_duration(failures: int) -> timedelta:
    """How long the account locks after ``failures`` consecutive failures (a multiple of ``LOCK_AFTER``)."""
    doublings = min(failures // LOCK_AFTER - 1, 16)  # capped before multiplying: 2**n of a huge n overflows
    return min(LOCK_FOR * 2**doublings, LOCK_MAX)


def unlock(user: User, *, session: Session, actor_user_id: int | None) -> None:
    """An admin lifts a lockout early."""
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    record(session, EventKind.user_enabled, user_id=user.id, actor_user_id=actor_user_id, detail="lockout lifted")
