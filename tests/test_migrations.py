"""Migrations build the schema from empty on both engines, and the models have not drifted from them."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from recruitment_watch import migrate
from recruitment_watch.db import make_engine


@pytest.fixture()
def empty_database_url(database_url, tmp_path):
    """A brand-new, empty database on the current backend."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/fresh.sqlite3"
        return
    name = f"rw_fresh_{uuid.uuid4().hex[:8]}"
    admin = make_engine(database_url.rsplit("/", 1)[0] + "/postgres")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield database_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def test_upgrade_from_empty_creates_every_table_and_has_no_drift(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision() == "0024"
        tables = set(inspect(engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables
        assert migrate.drift(engine) == []
        migrate.upgrade(engine)  # upgrading again is a no-op
        assert migrate.current_revision(engine) == migrate.head_revision() == "0024"
    finally:
        engine.dispose()


def test_drift_is_detected_when_a_model_changes(empty_database_url):
    import sqlalchemy as sa

    engine = make_engine(empty_database_url)
    table = SQLModel.metadata.tables["agency"]
    extra = sa.Column("drift_probe", sa.Integer, nullable=True)
    try:
        migrate.upgrade(engine)
        table.append_column(extra)
        differences = migrate.drift(engine)
        assert any("drift_probe" in str(difference) for difference in differences)
    finally:
        table._columns.remove(extra)
        engine.dispose()
    assert "drift_probe" not in SQLModel.metadata.tables["agency"].c


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/p.sqlite3", busy_timeout_s=12)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 12000
    engine.dispose()


def test_sqlite_savepoints_really_roll_back(tmp_path):
    """pysqlite's legacy transaction mode breaks SAVEPOINT; db.make_engine takes control of BEGIN to fix it."""
    engine = make_engine(f"sqlite:///{tmp_path}/s.sqlite3")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        nested = connection.begin_nested()
        connection.exec_driver_sql("INSERT INTO t VALUES (2)")
        nested.rollback()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT x FROM t").scalars().all() == [1]
    engine.dispose()


def test_0006_gives_existing_versions_their_contract_agency(empty_database_url):
    from alembic import command

    from recruitment_watch.demo.load import load_demo

    engine = make_engine(empty_database_url)
    try:
        migrate.upgrade(engine)
        load_demo(engine, contracts=300, seed=3, password="pw")
        command.downgrade(migrate.alembic_config(empty_database_url), "0005")  # versions lose the column
        assert "agency_id" not in {column["name"] for column in inspect(engine).get_columns("contract_version")}
        migrate.upgrade(engine)
        with engine.connect() as connection:
            versions, matching = connection.execute(
                text(
                    "SELECT count(*), sum(CASE WHEN v.agency_id = c.agency_id THEN 1 ELSE 0 END) "
                    "FROM contract_version v JOIN contract c ON c.id = v.contract_id"
                )
            ).one()
        assert versions > 300 and matching == versions
        assert migrate.drift(engine) == []
    finally:
        engine.dispose()


def test_0010_leaves_who_registered_unknown_on_rows_registered_before(empty_database_url):
    engine = make_engine(empty_database_url)
    now = {"now": "2026-06-01 10:00:00"}
    try:
        migrate.upgrade(engine, "0009")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO organisation (kind, name, country, created_at, updated_at) "
                                    "VALUES ('agency', 'Everest Manpower', 'NP', :now, :now)"), now)  # fmt: skip
            connection.execute(
                text("INSERT INTO agency (organisation_id, name, country, licence_no, licence_authority, status, "
                     "uses_sub_agents, iris_certified, created_at, updated_at) SELECT id, name, 'NP', 'NP-LIC-1', "
                     "'DoFE', 'active', false, false, :now, :now FROM organisation"), now)  # fmt: skip
            connection.execute(text("INSERT INTO employer (name, registration_no, country, sector, watchlisted, "
                                    "created_at, updated_at) VALUES ('Doha Build', 'QA-1', 'QA', 'construction', "
                                    "false, :now, :now)"), now)  # fmt: skip
            connection.execute(
                text("INSERT INTO job_order (employer_id, agency_id, destination_country, job_title, quantity, "
                     "wage_minor, wage_currency, created_at, updated_at) SELECT employer.id, agency.id, 'QA', "
                     "'Mason', 40, 140000, 'QAR', :now, :now FROM employer, agency"), now)  # fmt: skip
        migrate.upgrade(engine, "0010")
        with engine.connect() as connection:
            for table in ("organisation", "agency", "employer", "job_order"):
                counts = connection.execute(
                    text(f"SELECT count(*), count(registered_by_user_id), count(registered_by_key_id) FROM {table}")
                ).one()
                assert tuple(counts) == (1, 0, 0), table
        migrate.upgrade(engine)
        assert migrate.drift(engine) == []
    finally:
        engine.dispose()
