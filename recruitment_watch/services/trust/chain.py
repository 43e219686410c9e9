"""Appending audit events to the hash chain: each event's SHA-256 covers its content and the previous event's hash.

``sha256(prev_hash + "\\n" + canonical)`` where the canonical form is JSON with sorted keys and no spaces, the
time in UTC ISO form: an edited event no longer matches its hash, a deleted or moved one breaks the next link.
Appends are serialised so two writers never chain to the same predecessor: on PostgreSQL a transaction-scoped
advisory lock is taken before the last hash is read (held to commit); SQLite has one writer at a time, and the
flush being audited has already taken its write lock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, text
from sqlmodel import Session

from recruitment_watch.models import AuditEvent
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.trust.actor_context import AuditActor, current_audit_actor
from recruitment_watch.services.trust.policy import plain

HASHED_FIELDS = (
    "occurred_at", "actor_label", "actor_user_id", "actor_key_id", "organisation_id", "action", "object_type",
    "object_id", "before", "after",
)  # fmt: skip
# pg_advisory_xact_lock key of the audit append ("RW" 0020): one constant, so every writer queues on the same lock.
APPEND_LOCK_KEY = 0x5257_0020
# Session.info key of the chain's last hash, valid until the transaction (or savepoint) ends.
LAST_HASH = "rw.audit.last_hash"
AUDIT_TABLE = AuditEvent.__table__


@dataclass(frozen=True)
class Change:
    """One thing to record: ``action`` on the ``object_type`` row ``object_id``, with the fields before and after."""

    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _instant(value: Any) -> str | None:
    """A time as UTC ISO text, whatever zone the driver handed it back in (naive means UTC, as stored)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_event(event: Mapping[str, Any]) -> str:
    """The canonical JSON of an event's hashed fields (missing fields count as null)."""
    content = {name: plain(event.get(name)) for name in HASHED_FIELDS}
    content["occurred_at"] = _instant(event.get("occurred_at"))
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_sha256(event: Mapping[str, Any], prev_hash: str | None) -> str:
    """The chained hash of one event."""
    return hashlib.sha256(((prev_hash or "") + "\n" + canonical_event(event)).encode()).hexdigest()


def _last_hash(session: Session, connection: Connection) -> str | None:
    """The chain's last hash, read once per transaction under the append lock."""
    if LAST_HASH in session.info:
        return session.info[LAST_HASH]
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})
    return connection.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()


def append_events(session: Session, changes: Sequence[Change], actor: AuditActor | None = None) -> None:
    """Append one event per change, in order, in ``session``'s transaction."""
    if not changes:
        return
    actor = actor or current_audit_actor()
    connection = session.connection()
    previous = _last_hash(session, connection)
    now = utc_now()
    rows = []
    for change in changes:
        row = {
            "occurred_at": now,
            "actor_label": actor.label,
            "actor_user_id": actor.user_id,
            "actor_key_id": actor.key_id,
            "organisation_id": actor.organisation_id,
            "action": change.action,
            "object_type": change.object_type,
            "object_id": change.object_id[:40],
            "before": change.before,
            "after": change.after,
            "prev_hash": previous,
        }
        row["hash"] = previous = event_sha256(row, previous)
        rows.append(row)
    connection.execute(insert(AUDIT_TABLE), rows)
    session.info[LAST_HASH] = previous


def forget_last_hash(session: Session) -> None:
    """The transaction (or a savepoint) ended: the cached last hash may be gone with it."""
    session.info.pop(LAST_HASH, None)
