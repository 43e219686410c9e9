"""The set-based strategy: every criterion of a subject type compiled to SQL and judged in one scan.

Two phases, so that a sweep over an unchanged database does almost nothing in Python:

1. **Diff.** One query judges every subject in scope and returns, per subject, the list of criteria it fails and
   the list of criteria it has open findings for; only subjects where something fails or is open come back, and
   Python only compares two short strings per row. New failures go to a scratch table, findings no longer failing
   are auto-resolved by key.
2. **Render.** Only subjects with new failures (or findings judged under an older pack version) are judged
   again with evidence columns, and their findings are worded exactly as the Python evaluator words them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, literal, or_, select, text
from sqlmodel import Session

from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks_sql.compiler import compile_all
from recruitment_watch.checks_sql.render import render_finding
from recruitment_watch.checks_sql.sweep import build_sweep
from recruitment_watch.checks_sql.verdicts import FAILED
from recruitment_watch.models import Finding
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES
from recruitment_watch.services.findings import (
    Failure,
    Tally,
    auto_resolve,
    failure_of,
    new_finding_row,
    open_key,
    refresh_snapshot,
)
from recruitment_watch.services.subject_sources import SOURCES

STREAM_BATCH = 10_000
_NEW_TABLE = "sweep_new"


@dataclass
class _Group:
    subject_type: str
    judged: list[tuple[Pack, Criterion]]

    @property
    def criteria(self) -> list[Criterion]:
        return [criterion for _pack, criterion in self.judged]

    @property
    def packs(self) -> dict[str, Pack]:
        return {criterion.id: pack for pack, criterion in self.judged}


def _list_agg(column: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    if dialect == "postgresql":
        return func.string_agg(column, literal(","))
    return func.group_concat(column, literal(","))


class SqlStrategy:
    """Judge a subject type's criteria inside the database and record only what changed."""

    name = "sql"

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
        group = _Group(subject_type, judged)
        dialect = session.get_bind().dialect.name
        source = SOURCES[subject_type](now.date(), dialect, changed_since=changed_since).subquery("subjects")
        stale = self._stale_keys(session, group, repacked)
        tally = Tally()
        session.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_NEW_TABLE} (subject_id INTEGER PRIMARY KEY)"))
        session.execute(text(f"DELETE FROM {_NEW_TABLE}"))
        diff = _compare(self._diff(session, group, source, now, dialect), subject_type, stale)
        tally.still_open = diff.still_open
        resolve, to_render, refresh_keys = diff.resolve, diff.to_render, diff.refresh_keys
        if to_render:
            self._render(session, group, source, to_render, refresh_keys, run_id, now, dialect, tally)
        for start in range(0, len(resolve), 5_000):
            tally.resolved += auto_resolve(
                session, [Finding.open_key.in_(resolve[start : start + 5_000])], run_id=run_id, now=now
            )
        session.flush()
        return tally

    @staticmethod
    def _stale_keys(session: Session, group: _Group, repacked: frozenset[str]) -> set[str]:
        """Open findings judged under another version of their pack (their wording is refreshed if still failing)."""
        stale: set[str] = set()
        for pack in {pack.id: pack for pack, _c in group.judged if pack.id in repacked}.values():
            ids = [criterion.id for p, criterion in group.judged if p.id == pack.id]
            stale.update(
                session.scalars(
                    select(Finding.open_key).where(
                        Finding.status.in_(OPEN_FINDING_STATUSES),
                        Finding.subject_type == group.subject_type,
                        Finding.criterion_id.in_(ids),
                        Finding.pack_digest != pack.digest,
                    )
                )
            )
        return stale

    @staticmethod
    def _diff(session, group: _Group, source, now: datetime, dialect: str) -> Iterator[tuple[int, str, str]]:
        """(subject id, failing criteria "a,b", open criteria "a,b") for every subject with either, sorted lists."""
        compiled = compile_all(group.criteria, source.c, on=now.date(), now=now, dialect_name=dialect)
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
        open_list = (
            select(_list_agg(Finding.criterion_id, dialect) + ",")
            .where(
                Finding.subject_type == group.subject_type,
                Finding.subject_id == judged.c.subject_id,
                Finding.status.in_(OPEN_FINDING_STATUSES),
                Finding.criterion_id.in_([c.id for c in group.criteria]),
            )
            .correlate(judged)
            .scalar_subquery()
            .label("open_ids")
        )  # an index lookup per subject (ix_finding_subject): cost follows the scope, not the findings table
        failing = failing.label("failing")
        diffed = select(judged.c.subject_id, failing, open_list).subquery("diffed")
        query = select(diffed).where(or_(diffed.c.failing != literal(""), diffed.c.open_ids.is_not(None)))
        for subject_id, failing_ids, open_ids in session.execute(query.execution_options(yield_per=STREAM_BATCH)):
            if open_ids and failing_ids != open_ids:
                open_ids = ",".join(sorted(open_ids.rstrip(",").split(","))) + ","  # aggregate order is not sorted
            yield subject_id, failing_ids or "", open_ids or ""

    @staticmethod
    def _render(session, group, source, wanted: dict[int, str], refresh_keys: set[str], run_id, now, dialect, tally):
        """Judge the ``wanted`` subjects again, in ONE pass, with evidence; insert new findings, refresh stale ones."""
        session.execute(text(f"DELETE FROM {_NEW_TABLE}"))
        ids = list(wanted)
        for start in range(0, len(ids), 50_000):
            session.execute(text(f"INSERT INTO {_NEW_TABLE} (subject_id) VALUES (:s)"),
                            [{"s": subject_id} for subject_id in ids[start : start + 50_000]])  # fmt: skip
        chosen = {
            criterion_id for ids_text in set(wanted.values()) for criterion_id in ids_text.split(",") if criterion_id
        }
        criteria = [criterion for criterion in group.criteria if criterion.id in chosen]
        restricted = select(source).where(source.c.subject_id.in_(text(f"SELECT subject_id FROM {_NEW_TABLE}")))
        sweep = build_sweep(group.subject_type, criteria, restricted, on=now.date(), now=now, dialect_name=dialect)
        packs = group.packs
        new_rows: list[dict[str, Any]] = []
        rows = session.execute(sweep.select.execution_options(yield_per=STREAM_BATCH)).mappings()
        for row in rows:
            subject_id = row["subject_id"]
            listed = "," + wanted.get(subject_id, "")
            for index, compiled in enumerate(sweep.compiled):
                criterion_id = compiled.criterion.id
                if row[f"v{index}"] != FAILED or f",{criterion_id}," not in listed:
                    continue
                values = {name: row[label] for name, label in sweep.labels[index].items()}
                failure = _failure(packs[criterion_id], compiled, values, subject_id, row["agency_id"])
                key = open_key(criterion_id, group.subject_type, subject_id)
                if key in refresh_keys:
                    refresh_snapshot(session, failure, key, run_id, now)
                    continue
                new_rows.append(new_finding_row(failure, group.subject_type, key, run_id, now))
                tally.new += 1
                tally.new_by_severity[failure.severity] = tally.new_by_severity.get(failure.severity, 0) + 1
                if len(new_rows) >= STREAM_BATCH:
                    session.execute(Finding.__table__.insert(), new_rows)  # Core: no ORM bookkeeping per row
                    new_rows = []
        if new_rows:
            session.execute(Finding.__table__.insert(), new_rows)  # Core: no ORM bookkeeping per row


@dataclass
class _DiffResult:
    """What the diff found: findings still open, keys to resolve, subjects to render, stale keys to refresh."""

    still_open: int = 0
    resolve: list[str] = field(default_factory=list)
    # subject → "A,B," criteria to render (compact: a first sweep renders millions)
    to_render: dict[int, str] = field(default_factory=dict)
    refresh_keys: set[str] = field(default_factory=set)


def _compare(rows, subject_type: str, stale: set[str]) -> _DiffResult:
    """Turn diff rows into work; a subject whose failing and open lists agree costs one string comparison."""
    result = _DiffResult()
    for subject_id, failing, opened in rows:
        if failing == opened and not stale:
            result.still_open += failing.count(",")
            continue
        failing_set = set(failing.split(",")) - {""} if failing else set()
        open_set = set(opened.split(",")) - {""} if opened else set()
        refresh = {c for c in failing_set & open_set if open_key(c, subject_type, subject_id) in stale}
        result.still_open += len(failing_set & open_set)
        result.resolve += [open_key(c, subject_type, subject_id) for c in open_set - failing_set]
        wanted = (failing_set - open_set) | refresh
        if wanted:
            result.to_render[subject_id] = ",".join(sorted(wanted)) + ","
            result.refresh_keys.update(open_key(c, subject_type, subject_id) for c in refresh)
    return result


def _failure(pack: Pack, compiled, values: dict[str, Any], subject_id: int, agency_id: int | None) -> Failure:
    message, evidence = render_finding(compiled, pack, values)
    # render_finding's evidence is already JSON-safe
    return failure_of(pack, compiled.criterion.spec, subject_id=subject_id, agency_id=agency_id, message=message,
                      evidence=evidence)  # fmt: skip
