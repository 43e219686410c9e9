"""The audit chain: a fixed vector for one event's hash, and ``verify_audit_chain`` on an intact trail, an edited
row, a row rehashed to hide its edit, and a deleted row (each on a copy the test tampers with directly)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from recruitment_watch.models import AuditEvent
from recruitment_watch.services.trust.chain import canonical_event, event_sha256
from recruitment_watch.services.trust.verification import EDITED, UNLINKED, verify_audit_chain
from tests.support.factories import make_agency, make_employer

EVENT = {
    "occurred_at": datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "actor_label": "user 7 (Everest Manpower)",
    "actor_user_id": 7, "actor_key_id": None, "organisation_id": 3, "action": "update", "object_type": "complaint",
    "object_id": "12", "before": {"status": "received", "summary": "[masked]"},
    "after": {"status": "acknowledged", "summary": "[masked]"},
}  # fmt: skip
CANONICAL = (
    '{"action":"update","actor_key_id":null,"actor_label":"user 7 (Everest Manpower)","actor_user_id":7,'
    '"after":{"status":"acknowledged","summary":"[masked]"},"before":{"status":"received","summary":"[masked]"},'
    '"object_id":"12","object_type":"complaint","occurred_at":"2026-12-01T09:30:00.000000+00:00","organisation_id":3}'
)
PREVIOUS = "0b1e9d7c5a3f1e2d4c6b8a0f9e7d5c3b1a2f4e6d8c0b9a7f5e3d1c2b4a6f8e0d"


def test_an_event_hash_covers_the_previous_hash_fixed_vector():
    assert canonical_event(EVENT) == CANONICAL
    assert event_sha256(EVENT, PREVIOUS) == hashlib.sha256((PREVIOUS + "\n" + CANONICAL).encode()).hexdigest()
    assert event_sha256(EVENT, None) == hashlib.sha256(("\n" + CANONICAL).encode()).hexdigest()
    assert event_sha256(EVENT, PREVIOUS) != event_sha256(EVENT, None)


def tamper(engine: Engine, sql: str, **params) -> None:
    """Change the trail behind the app's back (on PostgreSQL through the maintenance door the trigger leaves)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL rw.audit_maintenance = 'on'")
        connection.exec_driver_sql(sql, params or None)


def _trail(session) -> list[AuditEvent]:
    make_agency(session)
    make_employer(session)
    session.commit()
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    session.expunge_all()  # readable later without a reload, which would open a read before the tampering
    session.rollback()  # end the read: the tampering below commits on another connection
    return events


def test_an_intact_trail_verifies_and_each_event_links_to_the_one_before(session):
    events = _trail(session)
    assert len(events) >= 2 and events[0].prev_hash is None
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    status = verify_audit_chain(session)
    assert status.intact and status.events == len(events) and status.first_broken_id is None


def test_an_edited_event_is_named(session, engine):
    events = _trail(session)
    tamper(engine, f"UPDATE audit_event SET actor_label = 'someone else' WHERE id = {events[1].id}")
    status = verify_audit_chain(session)
    assert (status.intact, status.first_broken_id, status.reason) == (False, events[1].id, EDITED)


def test_an_edit_hidden_by_a_new_hash_breaks_the_next_link(session, engine):
    events = _trail(session)
    forged = {**events[0].model_dump(), "actor_label": "someone else"}
    tamper(engine, f"UPDATE audit_event SET actor_label = 'someone else', hash = '{event_sha256(forged, None)}' "
                   f"WHERE id = {events[0].id}")  # fmt: skip
    status = verify_audit_chain(session)
    assert (status.intact, status.first_broken_id, status.reason) == (False, events[1].id, UNLINKED)


def test_a_deleted_event_is_named_by_its_successor(session, engine):
    events = _trail(session)
    tamper(engine, f"DELETE FROM audit_event WHERE id = {events[1].id}")
    status = verify_audit_chain(session)
    assert (status.intact, status.first_broken_id, status.reason) == (False, events[2].id, UNLINKED)


def test_swapped_events_are_detected(session, engine):
    events = _trail(session)
    first, second = events[0], events[1]
    tamper(engine, f"UPDATE audit_event SET object_id = CASE id WHEN {first.id} THEN '{second.object_id}' "
                   f"ELSE '{first.object_id}' END, object_type = CASE id WHEN {first.id} THEN '{second.object_type}' "
                   f"ELSE '{first.object_type}' END WHERE id IN ({first.id}, {second.id})")  # fmt: skip
    status = verify_audit_chain(session)
    assert status.intact is False and status.first_broken_id == first.id
