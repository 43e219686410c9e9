"""Database engine and sessions.

One engine per app (made in ``init_app``, never at import). SQLite gets the pragmas it needs to behave like a real
database: foreign keys on, WAL, a busy timeout, and SQLAlchemy-controlled ``BEGIN`` so savepoints and transactional
DDL work. Web requests get one session per request (closed on teardown); CLI commands and jobs open a
``unit_of_work``. Edges commit once; services only flush.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

ENGINE_KEY = "rw.engine"


# Execution option: open the transaction with BEGIN IMMEDIATE on SQLite (take the write lock first, waiting up to
# busy_timeout). A deferred transaction that reads, then writes after another connection committed, fails at once
# with SQLITE_BUSY (its snapshot is stale); requests that will write must start IMMEDIATE. Ignored on PostgreSQL.
SQLITE_BEGIN_IMMEDIATE = "rw_sqlite_begin_immediate"


def begin_writing(session: Session) -> None:
    """Start ``session``'s next transaction as a writer (BEGIN IMMEDIATE on SQLite). Call before any statement."""
    session.connection(execution_options={SQLITE_BEGIN_IMMEDIATE: True})


def is_sqlite(url: str) -> bool:
    """True for SQLite URLs (the embedded default)."""
    return url.startswith("sqlite")


def is_memory_database(database: str | None) -> bool:
    """True for an in-memory SQLite database (a URL's ``database`` part): no other process can see it."""
    return database in (None, "", ":memory:")


def _install_sqlite_pragmas(engine: Engine, busy_timeout_s: int) -> None:
    """Set per-connection pragmas and take over transaction control from pysqlite."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's legacy transaction handling skips BEGIN before SELECT/DDL and breaks SAVEPOINT;
        # autocommit at the driver level plus our own BEGIN below is the SQLAlchemy-documented fix.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s) * 1000}")
        if not is_memory_database(engine.url.database):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(SQLITE_BEGIN_IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, echo: bool = False, busy_timeout_s: int = 30) -> Engine:
    """Create an engine for ``url`` with the settings each backend needs (its sessions' changes are audited)."""
    from recruitment_watch.services.trust.capture import install as install_audit_capture

    install_audit_capture()
    if is_sqlite(url):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        _install_sqlite_pragmas(engine, busy_timeout_s)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    """Create the app's engine and close the request session on teardown."""
    app.extensions[ENGINE_KEY] = make_engine(
        app.config["DATABASE_URL"],
        echo=bool(app.config["DATABASE_ECHO"]),
        busy_timeout_s=int(app.config["SQLITE_BUSY_TIMEOUT_S"]),
    )
    app.teardown_appcontext(_close_request_session)


def get_engine(app: Flask | None = None) -> Engine:
    """The engine of ``app`` (default: the current app)."""
    return (app or current_app).extensions[ENGINE_KEY]


def new_session(engine: Engine) -> Session:
    """A session that keeps loaded values after commit (templates render after the commit)."""
    return Session(engine, expire_on_commit=False)


def get_session() -> Session:
    """The session of the current request or app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = new_session(get_engine())
    return g.db_session


def _close_request_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def unit_of_work(engine: Engine, *, writing: bool = False) -> Iterator[Session]:
    """One transaction for a CLI command or job: commit at the end, roll back on any error.

    ``writing``: the transaction reads and then writes while others may write (a sweep beside API submissions), so
    on SQLite it takes the write lock first (BEGIN IMMEDIATE, waiting up to the busy timeout) instead of failing at
    its first write because another writer committed after it started reading.
    """
    session = new_session(engine)
    try:
        if writing:
            begin_writing(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
