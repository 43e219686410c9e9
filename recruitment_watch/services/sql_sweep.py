"""The set-based strategy: every criterion of a subject type compiled to SQL and judged in one scan.

Per group of criteria (one subject type), the subjects are judged in **partitions**: contract id ranges for
contract versions and fee payments on full sweeps, one partition otherwise. A partition is judged either in this
process or, on big full sweeps, by a pool of worker processes (``sweep_pool``) that read on their own
connections while this process writes; the findings are the same either way (``judge_partition`` is the one code
path). Judging a partition:

1. **Diff.** One query judges every subject and returns, per subject, the list of criteria it fails, the list it
   has open findings for (and, when a pack changed, those judged under its older version); only subjects where
   something fails or is open come back, and Python compares two short strings per row.
2. **Render.** Only subjects with new failures (or findings worded under an older pack version) are judged again
   with evidence columns, and their findings are worded exactly as the Python evaluator words them.

When no finding of the group's criteria is open anywhere (the first sweep), there is nothing to diff: one pass
with evidence judges and renders at once. This process writes every partition's findings (driver-level bulk
inserts of ready rows), refreshes stale ones and auto-resolves those no longer failing — all inside the run's
single transaction.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exists, func, literal, or_, select, text
from sqlmodel import Session

from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks_sql.compiler import CompiledCriterion, compile_all
from recruitment_watch.checks_sql.render import render_finding
from recruitment_watch.checks_sql.sweep import build_sweep
from recruitment_watch.checks_sql.verdicts import FAILED
from recruitment_watch.models import Contract, Finding
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, FindingStatus
from recruitment_watch.services.findings import (
    RESPONSE_DAYS,
    Failure,
    Tally,
    auto_resolve,
    failure_of,
    open_key,
    refresh_snapshot,
)
from recruitment_watch.services.subject_sources import PARTITIONED, SOURCES, ContractRange

STREAM_BATCH = 10_000
_NEW_TABLE = "sweep_new"

# Columns of a new finding, in the order ``PartitionChunk.new_rows`` holds them.
INSERT_COLUMNS = (
    "criterion_id", "pack_id", "pack_version", "pack_digest", "subject_type", "subject_id", "agency_id", "severity",
    "message", "citation", "evidence", "status", "open_key", "first_seen_at", "last_seen_at", "due_on",
    "last_check_run_id", "updated_at",
)  # fmt: skip
_SEVERITY = INSERT_COLUMNS.index("severity")


@dataclass(frozen=True)
class PartitionJob:
    """One slice of a group to judge (picklable: worker processes receive it)."""

    subject_type: str
    judged: tuple[tuple[Pack, Criterion], ...]
    run_id: int
    now: datetime
    changed_since: datetime | None
    repacked: frozenset[str]
    first: bool  # no finding of these criteria is open anywhere: judge and render in one pass
    contract_range: ContractRange | None = None

    @property
    def criteria(self) -> list[Criterion]:
        return [criterion for _pack, criterion in self.judged]


@dataclass
class PartitionChunk:
    """Part of a partition's outcome, small enough to pass between processes."""

    still_open: int = 0
    resolve: list[str] = field(default_factory=list)
    new_rows: list[tuple] = field(default_factory=list)  # INSERT_COLUMNS order, values as the driver takes them
    refresh: list[tuple[str, Failure]] = field(default_factory=list)


def _list_agg(column: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    if dialect == "postgresql":
        return func.string_agg(column, literal(","))
    return func.group_concat(column, literal(","))


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
        ranges = self._ranges(session, subject_type, changed_since, first)
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
        from recruitment_watch.services.sweep_pool import WorkerPool

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

    def _ranges(self, session: Session, subject_type: str, changed_since, first: bool) -> list[ContractRange] | None:
        """Contract id ranges for worker processes, or None to judge in this process.

        On SQLite the judging runs inside each worker, so every sweep of enough contracts is split. On PostgreSQL
        the server judges; ranges help only the first sweep (wording millions of findings in Python), while a
        steady sweep is faster as one query (200 k contracts: 24 s whole, 37 s in ranges over two workers)."""
        if changed_since is not None or subject_type not in PARTITIONED or self._worker_count() < 2:
            return None
        url = session.get_bind().url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return None  # another process cannot see an in-memory database
        if url.get_backend_name() != "sqlite" and not first:
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
        for key, failure in chunk.refresh:
            refresh_snapshot(session, failure, key, run_id, now)
        for start in range(0, len(chunk.resolve), 5_000):
            tally.resolved += auto_resolve(
                session, [Finding.open_key.in_(chunk.resolve[start : start + 5_000])], run_id=run_id, now=now
            )
        tally.still_open += chunk.still_open


def _insert_sql(session: Session) -> str:
    """The driver-level INSERT of one finding row (positional parameters in the driver's style)."""
    mark = "%s" if session.get_bind().dialect.paramstyle in ("format", "pyformat") else "?"
    return f"INSERT INTO finding ({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join([mark] * len(INSERT_COLUMNS))})"


# --------------------------------------------------------------------------------------------------- one partition


def judge_partition(session: Session, job: PartitionJob) -> Iterator[PartitionChunk]:
    """Judge one partition and yield what to record, in chunks of at most ``STREAM_BATCH`` new findings."""
    dialect = session.get_bind().dialect.name
    options: dict[str, Any] = {"changed_since": job.changed_since}
    if job.contract_range is not None:
        options["contract_range"] = job.contract_range
    source = SOURCES[job.subject_type](job.now.date(), dialect, **options).subquery("subjects")
    rows = _RowMaker(session, job)
    if job.first:
        yield from _render(session, job, source, None, rows)
        return
    diff = _compare(_diff(session, job, source, dialect), job.subject_type)
    yield PartitionChunk(still_open=diff.still_open, resolve=diff.resolve)
    if diff.to_render:
        yield from _render(session, job, source, diff, rows)


def _diff(session: Session, job: PartitionJob, source, dialect: str) -> Iterator[tuple[int, str, str, str]]:
    """(subject, failing "a,b,", open "a,b,", stale "a,b,") for every subject failing something or with open
    findings; lists sorted. Stale: open findings judged under another version of a repacked pack."""
    criteria = job.criteria
    compiled = compile_all(criteria, source.c, on=job.now.date(), now=job.now, dialect_name=dialect)
    judged = (
        select(source.c.subject_id, *(c.verdict.label(f"v{i}") for i, c in enumerate(compiled)))
        .offset(0)  # keep the engines from inlining: each verdict is computed once per row
        .subquery("judged")
    )
    ordered = sorted(range(len(compiled)), key=lambda i: compiled[i].criterion.id)
    failing = literal("")
    for i in ordered:
        failing = failing + sa.case((judged.c[f"v{i}"] == FAILED, literal(compiled[i].criterion.id + ",")),
                                    else_=literal(""))  # fmt: skip

    def open_ids(*more) -> sa.ColumnElement:
        return (
            select(_list_agg(Finding.criterion_id, dialect) + ",")
            .where(
                Finding.subject_type == job.subject_type,
                Finding.subject_id == judged.c.subject_id,
                Finding.status.in_(OPEN_FINDING_STATUSES),
                Finding.criterion_id.in_([c.id for c in criteria]),
                *more,
            )
            .correlate(judged)
            .scalar_subquery()
        )  # an index lookup per subject (ix_finding_subject): cost follows the scope, not the findings table

    repacked = [(pack, criterion) for pack, criterion in job.judged if pack.id in job.repacked]
    stale = literal(None, sa.String)
    if repacked:
        stale = open_ids(
            Finding.criterion_id.in_([criterion.id for _p, criterion in repacked]),
            Finding.pack_digest.not_in(sorted({pack.digest for pack, _c in repacked})),
        )
    diffed = (
        select(judged.c.subject_id, failing.label("failing"), open_ids().label("open_ids"), stale.label("stale_ids"))
        .offset(0)  # a fence again: the open-findings lookup runs once per subject, not once more for the WHERE
        .subquery("diffed")
    )
    query = select(diffed).where(or_(diffed.c.failing != literal(""), diffed.c.open_ids.is_not(None)))
    for subject_id, failing_ids, opened, stale_ids in session.execute(query.execution_options(yield_per=STREAM_BATCH)):
        if opened and failing_ids != opened:
            opened = _sorted_list(opened)  # aggregate order is not sorted
        yield subject_id, failing_ids or "", opened or "", stale_ids or ""


def _sorted_list(ids: str) -> str:
    return ",".join(sorted(ids.rstrip(",").split(","))) + ","


@dataclass
class _DiffResult:
    """What the diff found: findings still open, keys to resolve, subjects to render, stale keys to refresh."""

    still_open: int = 0
    resolve: list[str] = field(default_factory=list)
    # subject → "A,B," criteria to render (compact: a sweep may render millions)
    to_render: dict[int, str] = field(default_factory=dict)
    refresh_keys: set[str] = field(default_factory=set)


def _compare(rows, subject_type: str) -> _DiffResult:
    """Turn diff rows into work; a subject whose failing and open lists agree costs one string comparison."""
    result = _DiffResult()
    for subject_id, failing, opened, stale in rows:
        if failing == opened and not stale:
            result.still_open += failing.count(",")
            continue
        failing_set = set(failing.split(",")) - {""} if failing else set()
        open_set = set(opened.split(",")) - {""} if opened else set()
        refresh = failing_set & open_set & set(stale.split(",")) if stale else set()
        result.still_open += len(failing_set & open_set)
        result.resolve += [open_key(c, subject_type, subject_id) for c in open_set - failing_set]
        wanted = (failing_set - open_set) | refresh
        if wanted:
            result.to_render[subject_id] = ",".join(sorted(wanted)) + ","
            result.refresh_keys.update(open_key(c, subject_type, subject_id) for c in refresh)
    return result


def _render(session: Session, job: PartitionJob, source, diff: _DiffResult | None, rows: _RowMaker):
    """Judge with evidence — every subject (first sweep) or only ``diff.to_render`` — and word the findings."""
    dialect = session.get_bind().dialect.name
    criteria = job.criteria
    if diff is not None:
        session.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_NEW_TABLE} (subject_id INTEGER PRIMARY KEY)"))
        session.execute(text(f"DELETE FROM {_NEW_TABLE}"))
        ids = list(diff.to_render)
        for start in range(0, len(ids), 50_000):
            session.execute(text(f"INSERT INTO {_NEW_TABLE} (subject_id) VALUES (:s)"),
                            [{"s": subject_id} for subject_id in ids[start : start + 50_000]])  # fmt: skip
        chosen = {c for listed in set(diff.to_render.values()) for c in listed.split(",") if c}
        criteria = [criterion for criterion in criteria if criterion.id in chosen]
        source = select(source).where(source.c.subject_id.in_(text(f"SELECT subject_id FROM {_NEW_TABLE}")))
    sweep = build_sweep(job.subject_type, criteria, source, on=job.now.date(), now=job.now, dialect_name=dialect)
    result = session.execute(sweep.select.execution_options(yield_per=STREAM_BATCH))
    position = {name: index for index, name in enumerate(result.keys())}
    subject_at, agency_at = position["subject_id"], position["agency_id"]
    readers = [
        (compiled, position[f"v{i}"], [(name, position[label]) for name, label in sweep.labels[i].items()])
        for i, compiled in enumerate(sweep.compiled)
    ]
    by_id = {reader[0].criterion.id: reader for reader in readers}
    chunk = PartitionChunk()
    for row in result:
        subject_id = row[subject_at]
        if diff is None:
            chosen_readers = [reader for reader in readers if row[reader[1]] == FAILED]
        else:
            chosen_readers = [by_id[c] for c in diff.to_render.get(subject_id, "").split(",") if c in by_id]
        for compiled, verdict_at, evidence_at in chosen_readers:
            if row[verdict_at] != FAILED:
                continue
            values = {name: row[at] for name, at in evidence_at}
            key = open_key(compiled.criterion.id, job.subject_type, subject_id)
            if diff is not None and key in diff.refresh_keys:
                chunk.refresh.append((key, rows.failure(compiled, values, subject_id, row[agency_at])))
                continue
            chunk.new_rows.append(rows.new_row(compiled, values, subject_id, row[agency_at], key))
            if len(chunk.new_rows) >= STREAM_BATCH:
                yield chunk
                chunk = PartitionChunk()
    if chunk.new_rows or chunk.refresh:
        yield chunk


class _RowMaker:
    """Finding rows as the driver takes them: the constant columns of each criterion bound once per partition."""

    def __init__(self, session: Session, job: PartitionJob):
        dialect = session.get_bind().dialect
        table = Finding.__table__

        def bound(column: str, value: Any) -> Any:
            processor = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
            return processor(value) if processor else value

        self.subject_type = job.subject_type
        self.packs = {criterion.id: pack for pack, criterion in job.judged}
        moment = bound("first_seen_at", job.now)
        self._constant: dict[str, tuple[tuple, tuple]] = {}
        for pack, criterion in job.judged:
            spec = criterion.spec
            due = (job.now + timedelta(days=RESPONSE_DAYS.get(spec.severity, 30))).date()
            citation = f"{spec.citation.instrument}, {spec.citation.article}"[:500]
            self._constant[criterion.id] = (
                (criterion.id, pack.id, pack.version, pack.digest, job.subject_type),
                (spec.severity,),
                (citation,),
                (FindingStatus.open.value,),
                (moment, moment, bound("due_on", due), job.run_id, moment),
            )

    def failure(self, compiled: CompiledCriterion, values: dict, subject_id: int, agency_id: int | None) -> Failure:
        criterion_id = compiled.criterion.id
        message, evidence = render_finding(compiled, None, values)  # evidence is already JSON-safe
        return failure_of(self.packs[criterion_id], compiled.criterion.spec, subject_id=subject_id,
                          agency_id=agency_id, message=message, evidence=evidence)  # fmt: skip

    def new_row(self, compiled: CompiledCriterion, values: dict, subject_id: int, agency_id, key: str) -> tuple:
        head, severity, citation, status, tail = self._constant[compiled.criterion.id]
        message, evidence = render_finding(compiled, None, values)
        return (*head, subject_id, agency_id, *severity, message[:2000], *citation, json.dumps(evidence), *status,
                key, *tail)  # fmt: skip
