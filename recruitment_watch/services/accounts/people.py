"""The admins' side of people's accounts: the list of users, disabling and enabling an account, changing a role,
lifting a lockout.

Every change is recorded as a security event naming the admin; disabling ends every live session at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlmodel import Session

from recruitment_watch.models import Organisation, User
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.access.actor import ROLE_ORGANISATION, Actor
from recruitment_watch.services.accounts.login import unlock
from recruitment_watch.services.accounts.login_sessions import end_all
from recruitment_watch.services.accounts.security_events import EventKind, record
from recruitment_watch.services.errors import Conflict, Forbidden, NotFound


@dataclass(frozen=True)
class PersonRow:
    """One line of the admins' user list."""

    id: int
    email: str
    full_name: str
    role: str
    organisation: str
    is_active: bool
    has_password: bool
    second_factor: bool
    locked_until: datetime | None
    last_login_at: datetime | None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > utc_now()


def require_admin(actor: Actor) -> None:
    """``Forbidden`` unless ``actor`` is an admin."""
    if actor.role is not Role.admin:
        raise Forbidden("only an admin manages people's accounts")


def list_people(
    actor: Actor, *, session: Session, search: str | None = None, role: str | None = None,
    offset: int = 0, limit: int = 50,
) -> tuple[list[PersonRow], int]:  # fmt: skip
    """Users by e-mail; ``search`` matches e-mail, name or organisation. One page and the total."""
    require_admin(actor)
    query = select(
        User.id, User.email, User.full_name, User.role, Organisation.name, User.is_active,
        User.password_hash != "", User.totp_confirmed_at.is_not(None), User.locked_until, User.last_login_at,
    ).join(Organisation, Organisation.id == User.organisation_id)  # fmt: skip
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(User.email.like(pattern), func.lower(User.full_name).like(pattern),
                func.lower(Organisation.name).like(pattern))
        )  # fmt: skip
    if role:
        query = query.where(User.role == role)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(User.email).offset(offset).limit(limit)).all()
    return [PersonRow(*row) for row in rows], total


def person(actor: Actor, user_id: int, *, session: Session) -> User:
    """User ``user_id`` for an admin."""
    require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist", field="user_id")
    return user


def set_active(actor: Actor, user: User, active: bool, *, session: Session) -> None:
    """Disable (ending every live session) or enable an account; an admin cannot disable their own."""
    require_admin(actor)
    if not active and user.id == actor.user_id:
        raise Conflict("you cannot disable your own account", field="user_id")
    user.is_active = active
    session.add(user)
    if not active:
        end_all(user.id, "account disabled", session=session)
    kind = EventKind.user_enabled if active else EventKind.user_disabled
    record(session, kind, user_id=user.id, actor_user_id=actor.user_id)
    session.flush()


def change_role(actor: Actor, user: User, role: Role, *, session: Session) -> None:
    """Give ``user`` another role that fits their organisation (an inspector becomes an admin, …); their sessions
    end so the new rights apply from the next sign-in. An admin cannot change their own role."""
    require_admin(actor)
    if user.id == actor.user_id:
        raise Conflict("you cannot change your own role", field="role")
    organisation = session.get(Organisation, user.organisation_id)
    if ROLE_ORGANISATION[role].value != organisation.kind:
        raise Conflict(f"a {role.value} user cannot belong to a {organisation.kind} organisation", field="role")
    if user.role == role.value:
        return
    before, user.role = user.role, role.value
    session.add(user)
    end_all(user.id, "role changed", session=session)
    record(session, EventKind.role_changed, user_id=user.id, actor_user_id=actor.user_id,
           detail=f"{before} → {role.value}")  # fmt: skip
    session.flush()


def lift_lockout(actor: Actor, user: User, *, session: Session) -> None:
    """Unlock an account locked by failed logins, before the lock runs out."""
    require_admin(actor)
    unlock(user, session=session, actor_user_id=actor.user_id)
    session.flush()
