"""The set-based strategy: every criterion of a subject type compiled to SQL and judged in one scan.

Per group of criteria (one subject type), the subjects are judged in **partitions** (``sweep_partition``):
contract id ranges for contract versions and fee payments on big full sweeps, one partition otherwise. A partition
is judged either in this process or by a pool of worker processes (``sweep_pool``) that read on their own
connections while this process writes; the findings are the same either way (``judge_partition`` is the one code
path). This process writes every partition's findings (driver-level bulk inserts of ready rows), refreshes stale
ones and auto-resolves those no longer failing — all inside the run's single transaction.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlmodel import Session

from recruitment_watch.db import is_memory_database
from recruitment_watch.models import Contract, Finding
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES
from recruitment_watch.services.criteria.subject_sources import PARTITIONED, ContractRange
from recruitment_watch.services.sweeps.partition import (
    INSERT_COLUMNS,
    REFRESH_COLUMNS,
    PartitionChunk,
    PartitionJob,
    judge_partition,
)
from recruitment_watch.services.sweeps.recording import Tally, auto_resolve

_SEVERITY = INSERT_COLUMNS.index("severity")


class SqlStrategy:
    """Judge a subject type's criteria inside the database and record only what changed.

    ``workers``: processes judging partitions of big full sweeps (0 = one per CPU core, 1 = none: everything in
    this process); ``parallel_min_contracts``: below this many contracts a sweep stays in this process (starting
    workers costs about a second); ``partition_contracts``: contracts per partition.
    """

    name = "sql"

    def __init__(self, workers: int = 0, parallel_min_contracts: int = 100_000, partition_contracts: int = 20_000):
        self.workers = workers
        self.parallel_min_contracts = parallel_min_contracts
        self.partition_contracts = partition_contracts
        self._pool = None
        self.workers_started = 0  # worker processes this strategy started (the benchmark reports their memory)

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> SqlStrategy:
        config = config or {}
        return cls(
            workers=int(config.get("SWEEP_WORKERS", 0)),
            parallel_min_contracts=int(config.get("SWEEP_PARALLEL_MIN_CONTRACTS", 100_000)),
            partition_contracts=int(config.get("SWEEP_PARTITION_CONTRACTS", 20_000)),
        )

    def judge_and_record(
        self,
        session: Session,
        *,
        run_id: int,
        subject_type: str,
        judged,
        now: datetime,
        changed_since,
        repacked: frozenset[str] = frozenset(),
    ) -> Tally:
        """Judge and record one group; ``repacked`` names packs whose digest changed since the last successful run
        (only their open findings can be worded under an older version)."""
        judged = tuple(judged)
        first = not session.scalar(
            select(
                exists().where(
                    Finding.subject_type == subject_type,
                    Finding.criterion_id.in_([criterion.id for _pack, criterion in judged]),
                    Finding.status.in_(OPEN_FINDING_STATUSES),
                )
            )
        )
        job = PartitionJob(subject_type, judged, run_id, now, changed_since, repacked, first)
        rewording = any(pack.id in repacked for pack, _criterion in judged)  # a new pack version: reword its findings
        ranges = self._ranges(session, subject_type, changed_since, first or rewording)
        tally = Tally()
        if ranges is None:
            self._write_all(session, judge_partition(session, job), tally, run_id, now)
        else:
            jobs = [replace(job, contract_range=bounds) for bounds in ranges]
            self._write_all(session, self._pool_for(session).judge(jobs), tally, run_id, now)
        session.flush()
        return tally

    def _pool_for(self, session: Session):
        """The worker processes of this sweep, started on first use (about a second) and kept until ``close``."""
        from recruitment_watch.services.sweeps.pool import WorkerPool

        url = session.get_bind().url.render_as_string(hide_password=False)
        if self._pool is None or self._pool.url != url:
            self.close()
            self._pool = WorkerPool(url, self._worker_count())
            self.workers_started += self._pool.workers
        return self._pool

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _worker_count(self) -> int:
        return self.workers if self.workers > 0 else max(1, os.cpu_count() or 1)

    def _ranges(self, session: Session, subject_type: str, changed_since, wording: bool) -> list[ContractRange] | None:
        """Contract id ranges for worker processes, or None to judge in this process.

        On SQLite the judging runs inside each worker, so every sweep of enough contracts is split. On PostgreSQL
        the server judges; ranges help only when Python words millions of findings (``wording``: a first sweep, or
        a new pack version rewording its open findings), while a steady sweep is faster as one query (200 k
        contracts: 24 s whole, 37 s in ranges over two workers)."""
        if changed_since is not None or subject_type not in PARTITIONED or self._worker_count() < 2:
            return None
        url = session.get_bind().url
        if url.get_backend_name() == "sqlite" and is_memory_database(url.database):
            return None  # another process cannot see an in-memory database
        if url.get_backend_name() != "sqlite" and not wording:
            return None
        low, high, count = session.execute(select(func.min(Contract.id), func.max(Contract.id), func.count())).one()
        if not count or count < self.parallel_min_contracts:
            return None
        size = max(1, self.partition_contracts)
        return [(start, min(start + size - 1, high)) for start in range(low, high + 1, size)]

    def _write_all(self, session: Session, chunks: Iterable[PartitionChunk], tally: Tally, run_id: int, now):
        for chunk in chunks:
            self._write(session, chunk, tally, run_id, now)

    @staticmethod
    def _write(session: Session, chunk: PartitionChunk, tally: Tally, run_id: int, now: datetime) -> None:
        """Record one chunk: insert its new findings, refresh stale ones, auto-resolve those no longer failing."""
        if chunk.new_rows:
            session.connection().exec_driver_sql(_insert_sql(session), chunk.new_rows)
            tally.new += len(chunk.new_rows)
            for row in chunk.new_rows:
                severity = row[_SEVERITY]
                tally.new_by_severity[severity] = tally.new_by_severity.get(severity, 0) + 1
        if chunk.refresh_rows:
            session.connection().exec_driver_sql(_refresh_sql(session), chunk.refresh_rows)
        for start in range(0, len(chunk.resolve), 5_000):
            tally.resolved += auto_resolve(
                session, [Finding.open_key.in_(chunk.resolve[start : start + 5_000])], run_id=run_id, now=now
            )
        tally.still_open += chunk.still_open


def _mark(session: Session) -> str:
    """The driver's positional parameter marker."""
    return "%s" if session.get_bind().dialect.paramstyle in ("format", "pyformat") else "?"


def _insert_sql(session: Session) -> str:
    """The driver-level INSERT of one finding row."""
    mark = _mark(session)
    return f"INSERT INTO finding ({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join([mark] * len(INSERT_COLUMNS))})"


def _refresh_sql(session: Session) -> str:
    """The driver-level UPDATE rewording one open finding (found by its open key) under a new pack version."""
    mark = _mark(session)
    assignments = ", ".join(f"{column} = {mark}" for column in REFRESH_COLUMNS)
    return f"UPDATE finding SET {assignments} WHERE open_key = {mark}"
