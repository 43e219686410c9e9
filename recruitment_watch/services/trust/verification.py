"""Walking the audit chain, and a record's history: what ``audit verify``, ``audit show`` and the inspector pages ask.

An event is broken when its ``prev_hash`` is not the hash of the event before it (that one was deleted, or rows
were reordered) or when its hash no longer matches its content (it was edited). The walk reads the chain in
batches by id, so memory stays flat however long the trail is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from recruitment_watch.models import AuditEvent
from recruitment_watch.services.trust.chain import event_sha256

BATCH_SIZE = 5_000
EDITED = "its content no longer matches its hash (edited)"
UNLINKED = "its previous hash is not the hash of the event before it (an event was deleted or moved)"


@dataclass(frozen=True)
class AuditChainStatus:
    """The audit chain: intact or not, how many events were read, the first broken event and why."""

    intact: bool
    events: int
    first_broken_id: int | None = None
    reason: str | None = None


def count_events(session: Session) -> int:
    """How many events ``verify_audit_chain`` will read (for a progress bar)."""
    return session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one()


def _batches(session: Session) -> Any:
    after = 0
    while True:
        rows = session.execute(
            sa.select(AuditEvent.__table__).where(AuditEvent.id > after).order_by(AuditEvent.id).limit(BATCH_SIZE)
        ).mappings().all()  # fmt: skip
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


def verify_audit_chain(session: Session, *, progress: Callable[[int], None] | None = None) -> AuditChainStatus:
    """Recompute every event's link and hash in id order; stop at the first broken one."""
    previous: str | None = None
    read = 0
    for rows in _batches(session):
        for row in rows:
            read += 1
            if row["prev_hash"] != previous:
                return AuditChainStatus(intact=False, events=read, first_broken_id=row["id"], reason=UNLINKED)
            if event_sha256(row, previous) != row["hash"]:
                return AuditChainStatus(intact=False, events=read, first_broken_id=row["id"], reason=EDITED)
            previous = row["hash"]
        if progress is not None:
            progress(len(rows))
    return AuditChainStatus(intact=True, events=read)


def history(session: Session, object_type: str, object_id: str, *, limit: int = 500) -> list[AuditEvent]:
    """The events about one record, oldest first (object_type is the table name: ``contract``, ``app_user``)."""
    return list(
        session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.id)
            .limit(limit)
        )
    )
