"""Shared fixtures. Every test that touches storage runs twice: on SQLite and on a real PostgreSQL.

The PostgreSQL leg uses ``RW_TEST_DATABASE_URL`` when set, else a throwaway cluster started from the installed
binaries. With ``CI`` or ``RW_REQUIRE_POSTGRES`` set, a missing PostgreSQL fails the run instead of skipping it,
and the session fails if no PostgreSQL test passed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlmodel import Session

from recruitment_watch import create_app, migrate
from recruitment_watch.db import get_engine, make_engine, new_session
from tests.support.database import wipe

REQUIRE_POSTGRES = bool(os.environ.get("CI") or os.environ.get("RW_REQUIRE_POSTGRES"))
BACKENDS = ["sqlite", "postgresql"]
_postgres_passed = 0


def _postgres_unavailable(reason: str) -> None:
    if REQUIRE_POSTGRES:
        pytest.fail(f"PostgreSQL leg required (CI/RW_REQUIRE_POSTGRES) but unavailable: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL unavailable: {reason}")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """URL of an empty PostgreSQL database for this session."""
    given = os.environ.get("RW_TEST_DATABASE_URL")
    if given:
        yield given
        return
    from recruitment_watch.devtools.pg_cluster import ClusterError, start_cluster

    try:
        cluster = start_cluster()
    except (ClusterError, OSError) as exc:
        _postgres_unavailable(str(exc))
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database on each backend (schema built by the real migrations)."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")
    else:
        url = request.getfixturevalue("postgres_server_url")
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """One engine per backend for tests that work below the app."""
    made = make_engine(database_url)
    yield made
    made.dispose()


@pytest.fixture()
def revised_fee_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Sweeps judge with a new version (1.1.0) of ``ilo-fair-recruitment`` whose FEE-001 message starts
    "Revised wording:"; every other pack is the shipped one. Returns the packs folder."""
    import shutil

    from recruitment_watch.services.criteria import pack_switches
    from recruitment_watch.services.criteria.packs import active_packs, packs_root

    revised = tmp_path / "audits"
    shutil.copytree(packs_root(), revised)
    pack_file = revised / "ilo-fair-recruitment" / "pack.yaml"
    text = pack_file.read_text(encoding="utf-8")
    assert "version: 1.0.0" in text and '"The worker paid {amount_display}' in text
    text = text.replace("version: 1.0.0", "version: 1.1.0", 1)
    text = text.replace('"The worker paid {amount_display}', '"Revised wording: the worker paid {amount_display}', 1)
    pack_file.write_text(text, encoding="utf-8")
    monkeypatch.setattr(pack_switches, "active_packs", lambda only=None: active_packs(only, root=revised))
    return revised


@pytest.fixture()
def session(engine: Engine) -> Iterator[Session]:
    """A session on an empty database; whatever the test wrote is deleted afterwards."""
    opened = new_session(engine)
    try:
        yield opened
    finally:
        opened.close()
        wipe(engine)


@pytest.fixture()
def instance_path() -> Iterator[Path]:
    """A private instance folder (secret key file, uploads) per test."""
    with tempfile.TemporaryDirectory(prefix="rw-instance-") as folder:
        yield Path(folder)


@pytest.fixture()
def app(database_url: str, engine: Engine, instance_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app in testing mode on an empty database of the current backend."""
    monkeypatch.setenv("RW_INSTANCE_PATH", str(instance_path))
    made = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": database_url})
    yield made
    get_engine(made).dispose()
    wipe(engine)


@pytest.fixture()
def client(app: Flask):
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture()
def runner(app: Flask):
    """A CLI runner bound to ``app``."""
    return app.test_cli_runner()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count PostgreSQL-leg tests that passed, to prove the leg really ran."""
    global _postgres_passed
    if report.when == "call" and report.passed and "[postgresql" in report.nodeid:
        _postgres_passed += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a required run in which no PostgreSQL test passed (a silently skipped leg)."""
    if REQUIRE_POSTGRES and exitstatus == 0 and session.testscollected and _postgres_passed == 0:
        session.exitstatus = 1
        print("\nERROR: no PostgreSQL-leg test passed; the PostgreSQL leg did not run.")
