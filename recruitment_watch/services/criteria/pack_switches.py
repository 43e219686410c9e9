"""Switching criteria packs off and on (admins): a pack switched off is not judged by sweeps or the preview until
it is switched on again; its findings stay as they were. Every switch records who, when and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.checks.packs import Pack
from recruitment_watch.models import PackSetting, User
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.accounts.security_events import EventKind, record
from recruitment_watch.services.criteria.packs import active_packs
from recruitment_watch.services.errors import Conflict, Forbidden, NotFound


@dataclass(frozen=True)
class PackRow:
    """A pack as the admins' list shows it."""

    id: str
    title: str
    version: str
    digest: str
    criteria: int
    enabled: bool
    reason: str | None
    changed_by: str | None
    changed_at: datetime | None


def switched_off(session: Session) -> set[str]:
    """Ids of the packs switched off."""
    return set(session.scalars(select(PackSetting.pack_id).where(PackSetting.enabled.is_(False))).all())


def judged_packs(session: Session, only: set[str] | None = None) -> list[Pack]:
    """The packs sweeps and the preview judge with: the shipped ones (or ``only``), less those switched off."""
    off = switched_off(session)
    return [pack for pack in active_packs(only) if pack.id not in off]


def pack_rows(session: Session) -> list[PackRow]:
    """Every shipped pack with its switch."""
    settings = {
        row.PackSetting.pack_id: row
        for row in session.execute(
            select(PackSetting, User.email).outerjoin(User, User.id == PackSetting.changed_by_user_id)
        ).all()
    }
    rows = []
    for pack in active_packs():
        found = settings.get(pack.id)
        setting, email = (found.PackSetting, found.email) if found else (None, None)
        rows.append(PackRow(pack.id, pack.title, pack.version, pack.digest, len(pack.criteria),
                            setting.enabled if setting else True, setting.reason if setting else None, email,
                            setting.changed_at if setting else None))  # fmt: skip
    return rows


def switch(actor: Actor, pack_id: str, enabled: bool, reason: str, *, session: Session) -> PackSetting:
    """Switch ``pack_id`` on or off, with the admin's reason."""
    if actor.role is not Role.admin:
        raise Forbidden("only an admin switches criteria packs")
    if not reason.strip():
        raise Conflict("give a reason for the switch", field="reason")
    if pack_id not in {pack.id for pack in active_packs()}:
        raise NotFound(f"no criteria pack {pack_id}", field="pack_id")
    setting = session.get(PackSetting, pack_id) or PackSetting(pack_id=pack_id, reason=reason)
    setting.enabled, setting.reason = enabled, reason.strip()
    setting.changed_by_user_id, setting.changed_at = actor.user_id, utc_now()
    session.add(setting)
    record(session, EventKind.pack_switched, actor_user_id=actor.user_id,
           detail=f"{pack_id} {'on' if enabled else 'off'}: {reason.strip()}"[:300])  # fmt: skip
    session.flush()
    return setting
