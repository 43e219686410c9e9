"""The leader lock of each backend: exclusive, released on release, and on the right resource."""

from __future__ import annotations

from pathlib import Path

from recruitment_watch.leader import AdvisoryLeaderLock, FileLeaderLock, leader_lock_for


def test_only_one_lock_holder_at_a_time_and_release_hands_over(database_url, tmp_path):
    first, second = leader_lock_for(database_url, str(tmp_path)), leader_lock_for(database_url, str(tmp_path))
    try:
        assert first.try_acquire() and first.still_held()
        assert not second.try_acquire() and not second.still_held()
        assert first.try_acquire()  # re-entrant for its holder
        first.release()
        assert second.try_acquire()
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()


def test_each_backend_gets_its_lock(tmp_path):
    beside = leader_lock_for("sqlite:///" + str(tmp_path / "rw.sqlite3"), "/elsewhere")
    assert isinstance(beside, FileLeaderLock) and beside.path == tmp_path / "rw.sqlite3.scheduler.lock"
    memory = leader_lock_for("sqlite://", str(tmp_path))
    assert isinstance(memory, FileLeaderLock) and memory.path == Path(tmp_path) / "scheduler.lock"
    remote = leader_lock_for("postgresql+psycopg://rw:secret@db.example/rw", str(tmp_path))
    assert isinstance(remote, AdvisoryLeaderLock)
    assert "secret" not in remote.description and "***" in remote.description


def test_an_unreachable_database_leaves_the_scheduler_a_follower():
    lock = AdvisoryLeaderLock("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    assert not lock.try_acquire() and not lock.still_held()
    lock.release()
