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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, insert, literal, or_, select, text, update
from sqlmodel import Session

from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks.subjects import jsonable
from recruitment_watch.checks_sql.compiler import compile_all
from recruitment_watch.checks_sql.render import render_finding
from recruitment_watch.checks_sql.sweep import build_sweep
from recruitment_watch.checks_sql.verdicts import FAILED
from recruitment_watch.models import Finding
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, FindingStatus
from recruitment_watch.services.findings import Failure, Tally, new_finding_row, open_key
from recruitment_watch.services.naive_sweep import citation_text
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
        self, session: Session, *, run_id: int, subject_type: str, judged, now: datetime, changed_since
    ) -> Tally:
        group = _Group(subject_type, judged)
        dialect = session.get_bind().dialect.name
        source = SOURCES[subject_type](now.date(), dialect, changed_since=changed_since).subquery("subjects")
        stale = self._stale_keys(session, group)
        tally = Tally()
        session.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_NEW_TABLE} (subject_id INTEGER PRIMARY KEY)"))
        session.execute(text(f"DELETE FROM {_NEW_TABLE}"))
        resolve: list[str] = []
        # subject → "A,B," criteria to render (compact: a first sweep renders millions); refreshes kept apart.
        to_render: dict[int, str] = {}
        refresh_keys: set[str] = set()
        for subject_id, failing, opened in self._diff(session, group, source, now, dialect):
            if failing == opened and not stale:
                tally.still_open += failing.count(",")
                continue
            failing_set = set(failing.split(",")) - {""} if failing else set()
            open_set = set(opened.split(",")) - {""} if opened else set()
            refresh = {c for c in failing_set & open_set if open_key(c, subject_type, subject_id) in stale}
            tally.still_open += len(failing_set & open_set)
            resolve += [open_key(c, subject_type, subject_id) for c in open_set - failing_set]
            wanted = (failing_set - open_set) | refresh
            if wanted:
                to_render[subject_id] = ",".join(sorted(wanted)) + ","
                refresh_keys.update(open_key(c, subject_type, subject_id) for c in refresh)
        if to_render:
            self._render(session, group, source, to_render, refresh_keys, run_id, now, dialect, tally)
        for start in range(0, len(resolve), 5_000):
            session.execute(
                update(Finding)
                .where(Finding.open_key.in_(resolve[start : start + 5_000]))
                .values(
                    status=FindingStatus.auto_resolved.value,
                    open_key=None,
                    resolved_at=now,
                    updated_at=now,
                    last_check_run_id=run_id,
                )  # fmt: skip
                .execution_options(synchronize_session=False)
            )
        tally.resolved = len(resolve)
        session.flush()
        return tally

    @staticmethod
    def _stale_keys(session: Session, group: _Group) -> set[str]:
        """Open findings judged under another version of their pack (their wording is refreshed if still failing)."""
        stale: set[str] = set()
        for pack in {pack.id: pack for pack, _c in group.judged}.values():
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
    def _diff(session: Session, group: _Group, source, now: datetime, dialect: str) -> Iterator[tuple[int, str, str]]:
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
        open_rows = (
            select(Finding.subject_id, Finding.criterion_id)
            .where(
                Finding.status.in_(OPEN_FINDING_STATUSES),
                Finding.subject_type == group.subject_type,
                Finding.criterion_id.in_([c.id for c in group.criteria]),
            )
            .order_by(Finding.subject_id, Finding.criterion_id)
            .subquery("open_rows")
        )
        opened = (
            select(open_rows.c.subject_id, (_list_agg(open_rows.c.criterion_id, dialect) + ",").label("ids"))
            .group_by(open_rows.c.subject_id)
            .subquery("opened")
        )
        failing = failing.label("failing")
        query = (
            select(judged.c.subject_id, failing, opened.c.ids)
            .outerjoin(opened, opened.c.subject_id == judged.c.subject_id)
            .where(or_(failing != literal(""), opened.c.ids.is_not(None)))
        )
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
                    _refresh(session, failure, key, run_id, now)
                    continue
                new_rows.append(new_finding_row(failure, group.subject_type, key, run_id, now))
                tally.new += 1
                tally.new_by_severity[failure.severity] = tally.new_by_severity.get(failure.severity, 0) + 1
                if len(new_rows) >= STREAM_BATCH:
                    session.execute(insert(Finding), new_rows)
                    new_rows = []
        if new_rows:
            session.execute(insert(Finding), new_rows)


def _failure(pack: Pack, compiled, values: dict[str, Any], subject_id: int, agency_id: int | None) -> Failure:
    message, evidence = render_finding(compiled, pack, values)
    spec = compiled.criterion.spec
    return Failure(
        criterion_id=spec.id,
        pack_id=pack.id,
        pack_version=pack.version,
        pack_digest=pack.digest,
        subject_id=subject_id,
        agency_id=agency_id,
        severity=spec.severity,
        message=message,
        citation=citation_text({"instrument": spec.citation.instrument, "article": spec.citation.article}),
        evidence=jsonable(evidence),
    )


def _refresh(session: Session, failure: Failure, key: str, run_id: int, now: datetime) -> None:
    session.execute(
        update(Finding)
        .where(Finding.open_key == key)
        .values(
            pack_version=failure.pack_version,
            pack_digest=failure.pack_digest,
            severity=failure.severity,
            message=failure.message[:2000],
            citation=failure.citation[:500],
            evidence=failure.evidence,
            last_check_run_id=run_id,
            last_seen_at=now,
            updated_at=now,
        )  # fmt: skip
    )
