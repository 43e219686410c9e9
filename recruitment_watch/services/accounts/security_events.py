"""The security events every account service records (who, when, from where, outcome) and the admins' list of them.

Passwords, codes, tokens and keys are never written here: only what happened to whom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlmodel import Session

from recruitment_watch.models import SecurityEvent, User


class EventKind(StrEnum):
    login = "login"
    login_failed = "login_failed"
    locked = "locked"
    logout = "logout"
    second_factor_failed = "second_factor_failed"
    second_factor_enrolled = "second_factor_enrolled"
    second_factor_reset = "second_factor_reset"
    recovery_code_used = "recovery_code_used"
    session_revoked = "session_revoked"
    password_set = "password_set"
    invitation_issued = "invitation_issued"
    invitation_refused = "invitation_refused"
    user_created = "user_created"
    user_disabled = "user_disabled"
    user_enabled = "user_enabled"
    role_changed = "role_changed"
    key_issued = "key_issued"
    key_revoked = "key_revoked"
    pack_switched = "pack_switched"


class Outcome(StrEnum):
    success = "success"
    failure = "failure"


def record(
    session: Session,
    kind: EventKind,
    outcome: Outcome = Outcome.success,
    *,
    user_id: int | None = None,
    actor_user_id: int | None = None,
    email: str | None = None,
    ip: str | None = None,
    detail: str | None = None,
) -> SecurityEvent:
    """Add one event to ``session`` (committed with the change it describes)."""
    event = SecurityEvent(
        kind=kind.value,
        outcome=outcome.value,
        user_id=user_id,
        actor_user_id=actor_user_id,
        email=email[:254] if email else None,
        ip=ip[:45] if ip else None,
        detail=detail[:300] if detail else None,
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class EventRow:
    """One line of the admins' security-event list."""

    id: int
    occurred_at: datetime
    kind: str
    outcome: str
    user_email: str | None
    actor_email: str | None
    ip: str | None
    detail: str | None


def list_events(
    session: Session, *, kind: str | None = None, search: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[EventRow], int]:
    """Newest first; ``kind`` narrows to one kind, ``search`` matches the e-mail of whom it concerns or the address
    typed at a failed login. Returns one page and the total."""
    subject, actor = User.__table__.alias("subject"), User.__table__.alias("actor")
    query = (
        select(
            SecurityEvent.id, SecurityEvent.occurred_at, SecurityEvent.kind, SecurityEvent.outcome,
            func.coalesce(subject.c.email, SecurityEvent.email), actor.c.email, SecurityEvent.ip, SecurityEvent.detail,
        )  # fmt: skip
        .outerjoin(subject, subject.c.id == SecurityEvent.user_id)
        .outerjoin(actor, actor.c.id == SecurityEvent.actor_user_id)
    )
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(subject.c.email.like(pattern), SecurityEvent.email.like(pattern)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(SecurityEvent.id.desc()).offset(offset).limit(limit)).all()
    return [EventRow(*row) for row in rows], total
