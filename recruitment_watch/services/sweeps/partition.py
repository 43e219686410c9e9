"""Judging one partition of a sweep: a slice of one subject type's subjects against a group of criteria.

The same code runs in the sweeping process and in worker processes (``sweep_pool``); it only reads, and yields
what to record (``PartitionChunk``) for the sweeping process to write:

1. **Diff.** One query judges every subject and returns, per subject, the list of criteria it fails, the list it
   has open findings for (and, when a pack changed, those judged under its older version); only subjects where
   something fails or is open come back, and Python compares two short strings per row.
2. **Render.** Only subjects with new failures (or findings worded under an older pack version) are judged again
   with evidence columns, and their findings are worded exactly as the Python evaluator words them.

When no finding of the group's criteria is open anywhere (the first sweep), there is nothing to diff: one pass
with evidence judges and renders at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, literal, or_, select, text
from sqlmodel import Session

from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks_sql.compiler import CompiledCriterion, compile_all
from recruitment_watch.checks_sql.render import FindingRenderer
from recruitment_watch.checks_sql.sweep import build_sweep
from recruitment_watch.checks_sql.verdicts import FAILED
from recruitment_watch.models import Finding
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, FindingStatus
from recruitment_watch.services.criteria.subject_sources import SOURCES, ContractRange
from recruitment_watch.services.sweeps.recording import open_key, response_due

STREAM_BATCH = 10_000
_NEW_TABLE = "sweep_new"

# Columns of a new finding, in the order ``PartitionChunk.new_rows`` holds them.
INSERT_COLUMNS = (
    "criterion_id", "pack_id", "pack_version", "pack_digest", "subject_type", "subject_id", "agency_id", "severity",
    "message", "citation", "evidence", "status", "open_key", "first_seen_at", "last_seen_at", "due_on",
    "last_check_run_id", "updated_at",
)  # fmt: skip
# Columns a new pack version rewords on a finding that stays open (matched by its open key).
REFRESH_COLUMNS = (
    "pack_version", "pack_digest", "severity", "message", "citation", "evidence", "last_check_run_id",
    "last_seen_at", "updated_at",
)  # fmt: skip


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
    refresh_rows: list[tuple] = field(default_factory=list)  # REFRESH_COLUMNS order, then the open key


def _list_agg(column: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    if dialect == "postgresql":
        return func.string_agg(column, literal(","))
    return func.group_concat(column, literal(","))


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
    rows = session.connection().execute(query.execution_options(yield_per=STREAM_BATCH))  # Core rows: millions
    for subject_id, failing_ids, opened, stale_ids in rows:
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
    # Core rows (not ORM): a first sweep streams millions of them
    result = session.connection().execute(sweep.select.execution_options(yield_per=STREAM_BATCH))
    position = {name: index for index, name in enumerate(result.keys())}
    subject_at, agency_at = position["subject_id"], position["agency_id"]
    readers = [
        (compiled, position[f"v{i}"], tuple(position[sweep.labels[i][name]] for name in rows.renderer(compiled).names))
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
            raw = [row[at] for at in evidence_at]
            key = open_key(compiled.criterion.id, job.subject_type, subject_id)
            if diff is not None and key in diff.refresh_keys:
                chunk.refresh_rows.append(rows.refresh_row(compiled, raw, key))
                continue
            chunk.new_rows.append(rows.new_row(compiled, raw, subject_id, row[agency_at], key))
            if len(chunk.new_rows) >= STREAM_BATCH:
                yield chunk
                chunk = PartitionChunk()
    if chunk.new_rows or chunk.refresh_rows:
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
        moment = bound("first_seen_at", job.now)
        self._renderers: dict[str, FindingRenderer] = {}
        self._constant: dict[str, tuple[tuple, tuple]] = {}
        for pack, criterion in job.judged:
            spec = criterion.spec
            due = response_due(spec.severity, job.now)
            citation = f"{spec.citation.instrument}, {spec.citation.article}"[:500]
            self._constant[criterion.id] = (
                (criterion.id, pack.id, pack.version, pack.digest, job.subject_type),
                (spec.severity,),
                (citation,),
                (FindingStatus.open.value,),
                (moment, moment, bound("due_on", due), job.run_id, moment),
            )

    def renderer(self, compiled: CompiledCriterion) -> FindingRenderer:
        """The criterion's renderer, planned once per partition; its ``names`` order the raw evidence values."""
        renderer = self._renderers.get(compiled.criterion.id)
        if renderer is None:
            renderer = self._renderers[compiled.criterion.id] = FindingRenderer(compiled)
        return renderer

    def refresh_row(self, compiled: CompiledCriterion, raw: list, key: str) -> tuple:
        """An open finding reworded under the pack's current version (``REFRESH_COLUMNS``, then its key)."""
        head, severity, citation, _status, tail = self._constant[compiled.criterion.id]
        _criterion, _pack, version, digest, _subject_type = head
        message, evidence = self.renderer(compiled).render(raw)
        run_id, moment = tail[3], tail[4]
        return (version, digest, *severity, message[:2000], *citation, json.dumps(evidence), run_id, moment, moment,
                key)  # fmt: skip

    def new_row(self, compiled: CompiledCriterion, raw: list, subject_id: int, agency_id, key: str) -> tuple:
        head, severity, citation, status, tail = self._constant[compiled.criterion.id]
        message, evidence = self.renderer(compiled).render(raw)
        return (*head, subject_id, agency_id, *severity, message[:2000], *citation, json.dumps(evidence), *status,
                key, *tail)  # fmt: skip
