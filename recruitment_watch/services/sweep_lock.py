"""One sweep at a time per database.

A scheduled sweep, ``recruitment-watch checks run`` and ``POST /api/v1/sweeps`` may start together. Two sweeps
judging at once would race to record the same findings (one fails on the open-finding key after waiting for the
other's transaction, or on SQLite for the write lock), so a sweep first takes an exclusive lock that dies with its
holder — a sweep killed with ``kill -9`` never blocks the next one:

- PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a connection held for the sweep;
- SQLite file: an ``flock`` on ``<database file>.sweep-lock`` beside the database;
- in-memory SQLite: nothing (no other process can see the database).

A sweep that cannot take the lock within ``wait_s`` raises ``SweepInProgress`` naming the running check run, and
records nothing.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select, text

from recruitment_watch.db import unit_of_work
from recruitment_watch.models import CheckRun
from recruitment_watch.models.vocab import RunStatus

ADVISORY_KEY = 0x7277_5357_4545_5000  # "rwSWEEP" — the one PostgreSQL advisory lock key this application uses
POLL_S = 0.1


class SweepInProgress(RuntimeError):
    """Another sweep holds the database's sweep lock."""


@contextmanager
def exclusive_sweep(engine: Engine, *, wait_s: float = 2.0) -> Iterator[None]:
    """Hold the database's sweep lock for the ``with`` block, or raise ``SweepInProgress`` after ``wait_s``."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        with _advisory_lock(engine, wait_s):
            yield
    elif url.database in (None, "", ":memory:"):
        yield
    else:
        with _file_lock(engine, f"{url.database}.sweep-lock", wait_s):
            yield


@contextmanager
def _advisory_lock(engine: Engine, wait_s: float) -> Iterator[None]:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if not _poll(lambda: connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}),
                     wait_s):  # fmt: skip
            raise SweepInProgress(_running_message(engine))
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})


@contextmanager
def _file_lock(engine: Engine, path: str, wait_s: float) -> Iterator[None]:
    with open(path, "a+b") as handle:

        def take() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        if not _poll(take, wait_s):
            raise SweepInProgress(_running_message(engine))
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _poll(attempt, wait_s: float) -> bool:
    deadline = time.monotonic() + wait_s
    while True:
        if attempt():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)


def _running_message(engine: Engine) -> str:
    with unit_of_work(engine) as session:
        running = session.scalars(
            select(CheckRun).where(CheckRun.status == RunStatus.running.value).order_by(CheckRun.id.desc()).limit(1)
        ).first()
        if running is None:
            return "another sweep is running on this database; try again when it has finished"
        return (
            f"another sweep is running on this database (check run {running.id}, {running.mode}, started "
            f"{running.started_at:%Y-%m-%d %H:%M:%S} UTC); try again when it has finished"
        )
