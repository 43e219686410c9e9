"""Migration 0014 on a database with data: the finding severity CHECK is widened (SQLite rebuilds the table) without
losing the decisions that refer to findings, and the worker's passport fields arrive empty."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from recruitment_watch import migrate
from recruitment_watch.db import make_engine
from recruitment_watch.services.trust.capture import set_enabled
from tests.support.factories import make_agency
from tests.test_migrations import empty_database_url  # noqa: F401  (the fixture)

FINDING = (
    "INSERT INTO finding (criterion_id, pack_id, pack_version, pack_digest, subject_type, subject_id, agency_id, "
    "severity, message, citation, evidence, status, open_key, first_seen_at, last_seen_at, updated_at) VALUES "
    "(:criterion, 'p', '1.0.0', 'd', 'agency', :agency, :agency, :severity, 'm', 'c', '{}', 'open', :criterion, "
    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def test_upgrade_keeps_decisions_and_allows_advisory_findings(empty_database_url):  # noqa: F811
    engine = make_engine(empty_database_url)
    set_enabled(engine, False)  # the audit trail's columns come with 0020: a schema at 0013 cannot hold its events
    try:
        migrate.upgrade(engine, "0013")
        with Session(engine) as session:
            agency_id = make_agency(session).id
            session.commit()
        with engine.begin() as connection:
            connection.execute(text(FINDING), {"criterion": "FEE-001", "agency": agency_id, "severity": "high"})
            finding_id = connection.execute(text("SELECT id FROM finding")).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO decision (agency_id, kind, points, reason, finding_id, decided_at) "
                    "VALUES (:agency, 'warning', 0, 'r', :finding, CURRENT_TIMESTAMP)"
                ),  # fmt: skip
                {"agency": agency_id, "finding": finding_id},
            )
        migrate.upgrade(engine)
        assert migrate.drift(engine) == []
        with engine.begin() as connection:
            assert connection.execute(text("SELECT finding_id FROM decision")).scalar_one() == finding_id
            connection.execute(text(FINDING), {"criterion": "WAGE-PH-002", "agency": agency_id, "severity": "advisory"})
            row = connection.execute(text("SELECT passport_category, passport_hold_requested_on FROM worker")).all()
            assert row == []
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(FINDING), {"criterion": "X-1", "agency": agency_id, "severity": "grave"})
        config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0013")
        with engine.begin() as connection:
            severities = connection.execute(text("SELECT severity FROM finding")).scalars().all()
            assert severities == ["high"]
            assert connection.execute(text("SELECT finding_id FROM decision")).scalar_one() == finding_id
    finally:
        engine.dispose()
