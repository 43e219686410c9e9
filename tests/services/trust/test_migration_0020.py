"""Migration 0020 goes down and up again with events in the trail: the trigger goes and comes back on PostgreSQL,
and the model and the schema agree afterwards."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from recruitment_watch import migrate
from recruitment_watch.db import make_engine, new_session
from tests.support.factories import make_employer
from tests.test_migrations import empty_database_url  # noqa: F401  (a brand-new database per backend)


def test_0020_downgrades_and_upgrades_with_events_in_the_trail(empty_database_url):  # noqa: F811
    engine = make_engine(empty_database_url)
    try:
        migrate.upgrade(engine)
        with new_session(engine) as session:
            make_employer(session)
            session.commit()
        command.downgrade(migrate.alembic_config(empty_database_url), "0019")
        with engine.begin() as connection:  # no trigger any more: the old schema allowed this
            connection.execute(text("UPDATE audit_event SET actor_label = actor_label"))
        migrate.upgrade(engine)
        assert migrate.drift(engine) == []
        if engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text("UPDATE audit_event SET actor_label = 'x'"))
    finally:
        engine.dispose()
