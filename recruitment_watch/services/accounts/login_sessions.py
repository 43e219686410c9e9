"""Server-side login sessions: the browser holds a random token (in the signed cookie), the database its hash.

Each session can be ended at once — by logging out, by the person ("sign out my other sessions"), by an admin, or
because the account was disabled or its password or second factor changed (OWASP ASVS 5.0 V7.4). A session ends by
itself after ``idle`` without a request or ``absolute`` after it began.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from recruitment_watch.models import Agency, Organisation, User, UserSession
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.access.actor import Actor, person_actor

# last_seen_at is written at most this often per session, so reading pages does not turn into a write each time.
SEEN_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lasts: ``idle`` without a request, ``absolute`` at most."""

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    user: User, *, session: Session, policy: SessionPolicy, ip: str | None = None, user_agent: str | None = None
) -> str:
    """Start a session for ``user``; returns the token for the cookie (never stored in clear)."""
    token = secrets.token_urlsafe(32)
    now = utc_now()
    session.add(
        UserSession(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.absolute,
            ip=ip[:45] if ip else None,
            user_agent=user_agent[:200] if user_agent else None,
        )
    )
    user.last_login_at = now
    session.add(user)
    session.flush()
    return token


def resolve(token: str, *, session: Session, policy: SessionPolicy) -> tuple[UserSession, User, Actor] | None:
    """The live session of ``token``, its active user and the user's actor, or None (unknown, ended, expired, idle,
    user disabled). One query: every signed-in request asks."""
    found = session.execute(
        select(UserSession, User, Organisation, Agency.id)
        .join(User, User.id == UserSession.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Agency, Agency.organisation_id == Organisation.id)
        .where(UserSession.token_hash == _digest(token))
    ).first()
    if found is None:
        return None
    user_session, user, organisation, agency_id = found
    now = utc_now()
    if user_session.revoked_at is not None or not user.is_active or now >= user_session.expires_at:
        return None
    if now - user_session.last_seen_at >= policy.idle:
        end(user_session, "idle", session=session)
        return None
    if now - user_session.last_seen_at >= SEEN_RESOLUTION:
        user_session.last_seen_at = now
        session.add(user_session)
    actor = person_actor(user, organisation, agency_id)
    return None if actor is None else (user_session, user, actor)


def end(user_session: UserSession, reason: str, *, session: Session) -> None:
    """End one session (``reason``: logout, revoked, idle, …)."""
    if user_session.revoked_at is None:
        user_session.revoked_at = utc_now()
        user_session.revoked_reason = reason
        session.add(user_session)
        session.flush()


def end_all(user_id: int, reason: str, *, session: Session, keep_id: int | None = None) -> int:
    """End every live session of ``user_id`` (but ``keep_id``); returns how many ended."""
    query = (
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utc_now(), revoked_reason=reason)
    )
    if keep_id is not None:
        query = query.where(UserSession.id != keep_id)
    ended = session.execute(query).rowcount
    session.flush()
    return ended


def live_sessions(user_id: int, *, session: Session, policy: SessionPolicy) -> list[UserSession]:
    """The sessions of ``user_id`` that have not ended, newest first."""
    now = utc_now()
    rows = session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()
    return [row for row in rows if now - row.last_seen_at < policy.idle]


def session_of(user_id: int, session_id: int, *, session: Session) -> UserSession | None:
    """Session ``session_id`` when it belongs to ``user_id`` (None otherwise: nobody ends another's by its id)."""
    return session.scalar(select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user_id))

