"""Worker processes that judge partitions of a big sweep while the sweeping process writes the findings.

Each worker opens its own engine on the same database (read-only work: judging, wording findings) and hands back
ready rows; only the sweeping process writes, inside the run's one transaction, so a killed sweep still leaves
nothing half-written. Workers start with ``spawn`` (a forked child would inherit the parent's open database
connections and locks). At most two partitions per worker are in flight, which bounds memory whatever the size
of the database.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator

from sqlalchemy import Engine

from recruitment_watch.services.sweeps.partition import PartitionChunk, PartitionJob, judge_partition

_engine: Engine | None = None


def _start_worker(url: str) -> None:
    global _engine
    from recruitment_watch.db import make_engine

    _engine = make_engine(url)


def _judge(job: PartitionJob) -> list[PartitionChunk]:
    from recruitment_watch.db import new_session

    assert _engine is not None, "worker started without an engine"
    with new_session(_engine) as session:
        try:
            return list(judge_partition(session, job))
        finally:
            session.rollback()  # judging writes nothing but its scratch table


class WorkerPool:
    """``workers`` spawned processes on the database at ``url``, kept for every group of one sweep."""

    def __init__(self, url: str, workers: int):
        self.url = url
        self.workers = workers
        context = multiprocessing.get_context("spawn")
        self._pool = context.Pool(workers, initializer=_start_worker, initargs=(url,))

    def judge(self, jobs: list[PartitionJob]) -> Iterator[PartitionChunk]:
        """Judge ``jobs``; yields their chunks in partition order, at most two partitions per worker in flight."""
        pending: deque = deque()
        queued = iter(jobs)
        for job in queued:
            pending.append(self._pool.apply_async(_judge, (job,)))
            if len(pending) >= 2 * self.workers:
                break
        while pending:
            chunks = pending.popleft().get()
            next_job = next(queued, None)
            if next_job is not None:
                pending.append(self._pool.apply_async(_judge, (next_job,)))
            yield from chunks

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()
