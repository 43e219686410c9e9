"""Electing the one scheduler: a file lock beside the SQLite file, a PostgreSQL advisory lock otherwise.

Both locks die with their holder: the kernel drops an ``flock`` when the process exits (even on kill -9), and
PostgreSQL drops a session-level advisory lock when its connection closes. The advisory lock sits on a dedicated
connection outside any pool (a pooled connection returned to the pool would keep the lock; see
ecosystem.md §1.2), in autocommit so the lock's session never idles inside a transaction.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import socket
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from recruitment_watch.db import is_memory_database

log = logging.getLogger(__name__)

# One 64-bit key per purpose, from its name (advisory locks are per database, so two databases on one server
# elect their schedulers independently).
SCHEDULER_LOCK_KEY = int.from_bytes(hashlib.sha256(b"recruitment_watch.scheduler").digest()[:8], "big", signed=True)


def runner_name() -> str:
    """``host:pid`` of this process, recorded on every job run it executes."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaderLock(Protocol):
    """What the scheduler needs of a lock."""

    description: str

    def try_acquire(self) -> bool:
        """Take the lock without waiting; True when this process is now the leader."""

    def still_held(self) -> bool:
        """False when the lock can no longer be trusted (its connection is gone)."""

    def release(self) -> None:
        """Give the lock up (idempotent)."""


class FileLeaderLock:
    """``flock`` on a file: one leader per host (the SQLite case: the database is a file on this host)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"file lock {path}"
        # The open handle IS the lock: it must live as long as the leadership (a collected handle unlocks).
        self._handle: IO[str] | None = None

    def try_acquire(self) -> bool:
        """Lock the file exclusively, without blocking; write who holds it into it."""
        if self._handle is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115  (kept open on purpose: the handle holds the lock)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(runner_name() + "\n")
        handle.flush()
        self._handle = handle
        return True

    def still_held(self) -> bool:
        """A held flock cannot be taken away while the process lives."""
        return self._handle is not None

    def release(self) -> None:
        """Unlock and close."""
        if self._handle is not None:
            try:
                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            finally:
                self._handle.close()
                self._handle = None


class AdvisoryLeaderLock:
    """``pg_try_advisory_lock`` on a dedicated, unpooled connection: one leader per database, across hosts."""

    def __init__(self, url: str, key: int = SCHEDULER_LOCK_KEY) -> None:
        self.key = key
        self.description = f"PostgreSQL advisory lock {key} on {make_url(url).render_as_string(hide_password=True)}"
        self._engine: Engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        """Open the connection if needed and try the lock once."""
        if self._connection is not None:
            return True
        try:
            connection = self._engine.connect()
        except Exception as exc:  # the database is down: stay a follower and try again later
            log.warning("cannot reach the database for the lock %s: %s", self.key, exc)
            return False
        try:
            won = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar())
        except Exception:
            connection.close()
            raise
        if not won:
            connection.close()
            return False
        self._connection = connection
        return True

    def still_held(self) -> bool:
        """Ping the lock's connection; a dead connection means PostgreSQL already dropped the lock."""
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
        except Exception as exc:
            log.error("lost the connection holding lock %s: %s", self.key, exc)
            self._drop()
            return False
        return True

    def release(self) -> None:
        """Unlock and close the dedicated connection."""
        if self._connection is None:
            return
        try:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        except Exception as exc:  # closing the connection releases it anyway
            log.warning("unlocking %s failed (%s); closing the connection releases it", self.key, exc)
        self._drop()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken
                log.debug("closing a broken lock connection", exc_info=True)
        self._engine.dispose()


def beside_database(database: str, suffix: str) -> Path:
    """A lock file next to a SQLite database file: ``<database file><suffix>``."""
    return Path(database).resolve().with_name(Path(database).name + suffix)


def leader_lock_for(url: str, instance_path: str) -> LeaderLock:
    """The right lock for a database URL: beside the SQLite file, or an advisory lock in PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if is_memory_database(parsed.database):
            return FileLeaderLock(Path(instance_path) / "scheduler.lock")
        return FileLeaderLock(beside_database(parsed.database, ".scheduler.lock"))
    return AdvisoryLeaderLock(url)
