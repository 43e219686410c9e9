"""One sweep at a time per database.

A scheduled sweep, ``recruitment-watch checks run`` and ``POST /api/v1/sweeps`` may start together. Two sweeps
judging at once would race to record the same findings (one fails on the open-finding key after waiting for the
other's transaction, or on SQLite for the write lock), so a sweep first takes an exclusive lock — the scheduler's
leader locks (``leader.py``) under another name, which die with their holder, so a sweep killed with ``kill -9``
never blocks the next one:

- PostgreSQL: a session advisory lock on a dedicated, unpooled connection held for the sweep;
- SQLite file: an ``flock`` on ``<database file>.sweep-lock`` beside the database;
- in-memory SQLite: nothing (no other process can see the database).

A sweep that cannot take the lock within ``wait_s`` raises ``SweepInProgress`` naming the running check run, and
records nothing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select

from recruitment_watch.db import is_memory_database, unit_of_work
from recruitment_watch.leader import AdvisoryLeaderLock, FileLeaderLock, LeaderLock, beside_database
from recruitment_watch.models import CheckRun
from recruitment_watch.models.vocab import RunStatus

SWEEP_LOCK_KEY = int.from_bytes(hashlib.sha256(b"recruitment_watch.sweep").digest()[:8], "big", signed=True)
POLL_S = 0.1


class SweepInProgress(RuntimeError):
    """Another sweep holds the database's sweep lock."""


@contextmanager
def exclusive_sweep(engine: Engine, *, wait_s: float = 2.0) -> Iterator[None]:
    """Hold the database's sweep lock for the ``with`` block, or raise ``SweepInProgress`` after ``wait_s``."""
    lock = _lock_for(engine)
    if lock is None:
        yield
        return
    if not _poll(lock.try_acquire, wait_s):
        raise SweepInProgress(_running_message(engine))
    try:
        yield
    finally:
        lock.release()


def _lock_for(engine: Engine) -> LeaderLock | None:
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return AdvisoryLeaderLock(url.render_as_string(hide_password=False), key=SWEEP_LOCK_KEY)
    if is_memory_database(url.database):
        return None
    return FileLeaderLock(beside_database(url.database, ".sweep-lock"))


def _poll(attempt: Callable[[], bool], wait_s: float) -> bool:
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
