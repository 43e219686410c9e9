"""In-app notifications: each (user, dedupe key) is sent once, however often a job reruns."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Notification, Organisation, User
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import NotificationKind, OrganisationKind, Role


def notify(
    session: Session,
    user_ids: Iterable[int],
    *,
    kind: NotificationKind,
    subject_type: str,
    subject_id: int,
    message: str,
    dedupe_key: str,
) -> int:
    """Queue the message for each user who has not had ``dedupe_key`` yet; returns how many were new."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return 0
    already = set(
        session.scalars(
            select(Notification.user_id).where(Notification.dedupe_key == dedupe_key, Notification.user_id.in_(wanted))
        ).all()
    )
    fresh = [user_id for user_id in wanted if user_id not in already]
    for user_id in fresh:
        session.add(
            Notification(
                user_id=user_id,
                kind=kind.value,
                subject_type=subject_type,
                subject_id=subject_id,
                message=message[:1000],
                dedupe_key=dedupe_key,
            )
        )
    session.flush()
    return len(fresh)


def supervising_inspectors(session: Session) -> list[int]:
    """Active ministry inspectors with no supervisor of their own (the heads escalations go to by default)."""
    return list(
        session.scalars(
            select(User.id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(
                Organisation.kind == OrganisationKind.ministry.value,
                User.role == Role.inspector.value,
                User.is_active.is_(True),
                User.supervisor_user_id.is_(None),
            )
            .order_by(User.id)
        ).all()
    )


def organisation_users(session: Session, organisation_id: int | None) -> list[int]:
    """Active users of one organisation."""
    if organisation_id is None:
        return []
    return list(
        session.scalars(
            select(User.id).where(User.organisation_id == organisation_id, User.is_active.is_(True)).order_by(User.id)
        ).all()
    )


def inbox(session: Session, user_id: int, *, unread_only: bool = False, limit: int = 50, offset: int = 0):
    """A user's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return session.scalars(query.order_by(Notification.id.desc()).limit(limit).offset(offset)).all()


def mark_read(session: Session, user_id: int, notification_ids: Iterable[int]) -> int:
    """Mark the user's own notifications read; others' ids are ignored. Returns how many changed."""
    rows = session.scalars(
        select(Notification).where(
            Notification.user_id == user_id,
            Notification.id.in_(list(notification_ids)),
            Notification.read_at.is_(None),
        )
    ).all()
    now = utc_now()
    for row in rows:
        row.read_at = now
    session.flush()
    return len(rows)
