"""Differential test: for random subjects of every type, SQL verdicts (one sweep) equal the Python evaluator's,
and every failing row renders the same message and evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recruitment_watch.checks.evaluator import judge, prepare_subject, render_message
from recruitment_watch.checks.subjects import SUBJECT_TYPES, jsonable, judging_date
from recruitment_watch.checks_sql import build_sweep, flatten, unflatten
from tests.checks_sql.conftest import PACKS
from tests.checks_sql.strategies import mutated_examples, subjects

EVALUATION_DAYS = st.dates(date(2024, 1, 1), date(2026, 6, 30))
MOMENTS = st.datetimes(datetime(2024, 1, 1), datetime(2025, 12, 31), timezones=st.just(UTC))


def as_stored(subject_type: str, subject: dict, when: date, now: datetime) -> dict:
    """The subject after a trip through a flat row (what the database layer hands the Python evaluator)."""
    row = flatten(subject_type, subject, judging_date=when)
    return prepare_subject(subject_type, unflatten(subject_type, row, now=now))


def agree(flat_db, subject_type: str, batch: list[dict], on: date, now: datetime) -> None:
    """Store ``batch``, sweep it, and assert every verdict and every finding matches the Python evaluator."""
    criteria = [c for pack in PACKS for c in pack.criteria if c.spec.subject == subject_type]
    table = flat_db.tables[subject_type]
    normalised = [prepare_subject(subject_type, subject, now=now) for subject in batch]
    judging = [judging_date(subject_type, subject, on) for subject in normalised]
    flat_db.load_subjects(subject_type, normalised, judging)
    sweep = build_sweep(subject_type, criteria, table, on=on, now=now, dialect_name=flat_db.dialect, only_failing=False)
    with flat_db.engine.connect() as conn:
        rows = {row["subject_id"]: row for row in conn.execute(sweep.select).mappings()}
    for number, (subject, when) in enumerate(zip(normalised, judging, strict=True), start=1):
        sql = sweep.verdicts(rows[number])
        findings = {crit.id: (message, evidence) for crit, message, evidence in sweep.findings(rows[number])}
        stored = as_stored(subject_type, subject, when, now)
        for criterion in criteria:
            verdict = judge(criterion, subject, on=when)
            assert sql[criterion.id] == verdict.outcome, (criterion.id, subject, verdict.evidence)
            if verdict.failed:
                # Findings word the facts as stored (datetimes in UTC): compare with Python on the round trip.
                stored_verdict = judge(criterion, stored, on=when)
                expected = render_message(criterion.spec.message, stored_verdict.evidence, stored)
                assert findings[criterion.id] == (expected, jsonable(stored_verdict.evidence)), criterion.id


@pytest.mark.parametrize("subject_type", SUBJECT_TYPES)
def test_sql_agrees_with_python(flat_db, subject_type: str) -> None:
    """Random batches: the sweep's verdict for every (subject, criterion) is Python's; findings render alike."""

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data(), on=EVALUATION_DAYS, now=MOMENTS)
    def check(data: st.DataObject, on: date, now: datetime) -> None:
        batch = data.draw(st.lists(subjects(subject_type, on, now), min_size=3, max_size=12))
        agree(flat_db, subject_type, batch, on, now)

    check()


@pytest.mark.parametrize("subject_type", SUBJECT_TYPES)
def test_sql_agrees_with_python_near_examples(flat_db, subject_type: str) -> None:
    """Every pack example of the type, each with a few random fields changed: all verdicts agree."""

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data(), on=EVALUATION_DAYS, now=MOMENTS)
    def check(data: st.DataObject, on: date, now: datetime) -> None:
        agree(flat_db, subject_type, data.draw(mutated_examples(subject_type)), on, now)

    check()
