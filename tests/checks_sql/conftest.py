"""Fixtures for the SQL backend tests: the packs, flat tables on each engine, and a verdict runner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recruitment_watch.checks.loader import load_packs
from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks.subjects import SUBJECT_TYPES
from recruitment_watch.checks_sql import compile_criterion, flat_table, flatten, outcome_of
from recruitment_watch.checks_sql.render import render_finding

AUDITS = Path(__file__).resolve().parents[2] / "audits"
PACKS = load_packs(AUDITS)


@pytest.fixture(scope="session")
def packs() -> list[Pack]:
    """Every shipped pack."""
    return PACKS


class FlatDb:
    """Flat tables of every subject type on one engine (own MetaData, dropped at the end of the session)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.metadata = sa.MetaData()
        self.tables = {t: flat_table(t, self.metadata, f"checks_sql_flat_{t}") for t in SUBJECT_TYPES}

    def load(self, subject_type: str, rows: list[dict[str, Any]]) -> None:
        """Replace the rows of ``subject_type``'s table."""
        table = self.tables[subject_type]
        with self.engine.begin() as conn:
            conn.execute(table.delete())
            if rows:
                conn.execute(table.insert(), rows)

    def load_subjects(self, subject_type: str, subjects: list[dict[str, Any]], judging: list[date]) -> None:
        """Flatten and store ``subjects`` with subject ids 1…n."""
        rows = [
            flatten(subject_type, subject, judging_date=when, subject_id=number)
            for number, (subject, when) in enumerate(zip(subjects, judging, strict=True), start=1)
        ]
        self.load(subject_type, rows)

    def verdicts(
        self, subject_type: str, criteria: list[Criterion], *, on: date, now: datetime
    ) -> dict[int, dict[str, str]]:
        """subject id → criterion id → outcome, for every stored subject of ``subject_type``."""
        table = self.tables[subject_type]
        compiled = [compile_criterion(c, table.c, on=on, now=now, dialect_name=self.dialect) for c in criteria]
        query = sa.select(table.c.subject_id, *(c.verdict.label(f"v{i}") for i, c in enumerate(compiled)))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(table.c.subject_id)).mappings().all()
        return {row["subject_id"]: {c.id: outcome_of(row[f"v{i}"]) for i, c in enumerate(criteria)} for row in rows}

    def finding(
        self, subject_type: str, criterion: Criterion, subject_id: int, *, on: date, now: datetime
    ) -> tuple[str, dict[str, Any]]:
        """The rendered (message, evidence) of one stored subject, from its evidence columns."""
        table = self.tables[subject_type]
        compiled = compile_criterion(criterion, table.c, on=on, now=now, dialect_name=self.dialect)
        labels = {name: f"e{j}" for j, name in enumerate(compiled.evidence)}
        query = sa.select(*(compiled.evidence[name].label(label) for name, label in labels.items()))
        with self.engine.connect() as conn:
            row = conn.execute(query.where(table.c.subject_id == subject_id)).mappings().one()
        return render_finding(compiled, None, {name: row[label] for name, label in labels.items()})


@pytest.fixture(scope="module")
def flat_db(engine: sa.Engine) -> Iterator[FlatDb]:
    """Flat tables on the current engine, dropped after each module (so no other test sees foreign tables)."""
    db = FlatDb(engine)
    db.metadata.drop_all(engine)
    db.metadata.create_all(engine)
    yield db
    db.metadata.drop_all(engine)
