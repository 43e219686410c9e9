"""The chain stays a chain: concurrent writers never share a predecessor, and on PostgreSQL the application cannot
UPDATE, DELETE or TRUNCATE audit events (the trigger of migration 0020)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from recruitment_watch.db import unit_of_work
from recruitment_watch.models import AuditEvent
from recruitment_watch.services.trust.verification import verify_audit_chain
from tests.support.factories import make_employer

WRITES = 15


def _writer(engine, name: str, failures: list[BaseException]) -> None:
    try:
        for number in range(WRITES):
            with unit_of_work(engine, writing=True) as session:
                make_employer(session, name=f"{name} {number}", registration_no=f"{name}-{number}")
    except BaseException as exc:  # reported by the test, not lost in the thread
        failures.append(exc)


def test_two_concurrent_writers_never_chain_to_the_same_predecessor(session, engine):
    failures: list[BaseException] = []
    threads = [threading.Thread(target=_writer, args=(engine, name, failures)) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    total, predecessors = session.execute(select(func.count(), func.count(func.distinct(AuditEvent.prev_hash)))).one()
    assert total == 2 * WRITES and predecessors == total - 1  # every event but the first names a distinct one
    status = verify_audit_chain(session)
    assert status.intact and status.events == total


def _refused(engine, sql: str) -> str:
    with pytest.raises(DBAPIError) as refused, engine.begin() as connection:
        connection.execute(text(sql))
    return str(refused.value)


def test_on_postgresql_the_app_cannot_update_delete_or_truncate_an_event(session, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; on SQLite `audit verify` is the only guard")
    make_employer(session)
    session.commit()
    assert "append-only: UPDATE refused" in _refused(engine, "UPDATE audit_event SET actor_label = 'x'")
    assert "append-only: DELETE refused" in _refused(engine, "DELETE FROM audit_event")
    assert "append-only: TRUNCATE refused" in _refused(engine, "TRUNCATE audit_event")
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1  # the employer's creation, still there
    assert verify_audit_chain(session).intact
