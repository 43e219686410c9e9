"""Invitations: an admin creates a person's account and gets a one-time link for them to set their password.

No mail server is needed: the link is shown to the admin, who hands it over. Only the link's hash is stored; it works
once, and not after ``lifetime``. The same link resets a forgotten password (a new link ends the old ones).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from recruitment_watch.models import Invitation, Organisation, User
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.access.actor import ROLE_ORGANISATION, Actor
from recruitment_watch.services.accounts.login_sessions import end_all
from recruitment_watch.services.accounts.passwords import hash_password, password_problem
from recruitment_watch.services.accounts.people import require_admin
from recruitment_watch.services.accounts.security_events import EventKind, Outcome, record
from recruitment_watch.services.errors import Conflict, NotFound

LIFETIME = timedelta(hours=72)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()



def invite_user(
    actor: Actor, *, email: str, full_name: str, role: Role, organisation_id: int, session: Session,
    lifetime: timedelta = LIFETIME,
) -> tuple[User, str]:  # fmt: skip
    """Create an account without a password and an invitation for it; returns the user and the link's token."""
    require_admin(actor)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} does not exist", field="organisation_id")
    if ROLE_ORGANISATION[role].value != organisation.kind:
        raise Conflict(f"a {role.value} user cannot belong to a {organisation.kind} organisation", field="role")
    address = email.strip().lower()
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(f"a user with e-mail {address} already exists", field="email")
    user = User(email=address, full_name=full_name.strip(), role=role.value, password_hash="",
                organisation_id=organisation.id)  # fmt: skip
    session.add(user)
    session.flush()
    record(session, EventKind.user_created, user_id=user.id, actor_user_id=actor.user_id, detail=role.value)
    return user, reissue(actor, user, session=session, lifetime=lifetime)


def reissue(actor: Actor, user: User, *, session: Session, lifetime: timedelta = LIFETIME) -> str:
    """A new link for ``user`` (a lost invitation, a forgotten password); earlier unused links stop working."""
    require_admin(actor)
    now = utc_now()
    session.execute(
        update(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None)).values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(Invitation(token_hash=_digest(token), user_id=user.id, created_by_user_id=actor.user_id,
                           created_at=now, expires_at=now + lifetime))  # fmt: skip
    record(session, EventKind.invitation_issued, user_id=user.id, actor_user_id=actor.user_id)
    session.flush()
    return token


def invitation_for(token: str, *, session: Session) -> tuple[Invitation, User] | None:
    """The live invitation of ``token`` and its user (None when unknown, used, expired, or the user disabled)."""
    found = session.execute(
        select(Invitation, User).join(User, User.id == Invitation.user_id)
        .where(Invitation.token_hash == _digest(token))
    ).first()  # fmt: skip
    if found is None:
        return None
    invitation, user = found
    if invitation.used_at is not None or utc_now() >= invitation.expires_at or not user.is_active:
        return None
    return invitation, user


def accept(token: str, password: str, *, session: Session, ip: str | None = None) -> User:
    """Set the password through the link; the link is used up and the person's other sessions end."""
    found = invitation_for(token, session=session)
    if found is None:
        record(session, EventKind.invitation_refused, Outcome.failure, ip=ip, detail="unknown, used or expired link")
        raise NotFound("This link is not valid any more: it was used, or it expired. Ask an admin for a new one.")
    invitation, user = found
    problem = password_problem(password, email=user.email)
    if problem:
        raise Conflict(problem, field="password")
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    invitation.used_at = utc_now()
    session.add_all([user, invitation])
    end_all(user.id, "password set", session=session)
    record(session, EventKind.password_set, user_id=user.id, ip=ip)
    session.flush()
    return user
