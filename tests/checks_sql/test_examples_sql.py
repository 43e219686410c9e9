"""Replay every example of every pack through SQL: same verdict as expected and as the Python evaluator."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from recruitment_watch.checks.evaluator import judge, render_message
from recruitment_watch.checks.subjects import jsonable, judging_date
from tests.checks_sql.conftest import PACKS

JUDGING_FALLBACK = date(2024, 6, 1)  # as in tests/checks/test_examples.py
NOW_FALLBACK = datetime(2024, 6, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize("pack", PACKS, ids=[p.id for p in PACKS])
def test_pack_examples_in_sql(flat_db, pack) -> None:
    """Each example, stored as a flat row, gets its expected verdict from SQL; failures render as in Python."""
    problems = []
    for example in pack.examples:
        criterion = pack.criterion(example.criterion)
        on = example.on or JUDGING_FALLBACK
        now = example.subject.get("now") or NOW_FALLBACK
        when = judging_date(example.subject_type, example.subject, on)
        flat_db.load_subjects(example.subject_type, [example.subject], [when])
        sql = flat_db.verdicts(example.subject_type, [criterion], on=on, now=now)[1][criterion.id]
        python = judge(criterion, example.subject, on=when)
        if not sql == python.outcome == example.expect:
            problems.append(f"{example.id}: expected {example.expect}, Python {python.outcome}, SQL {sql}")
            continue
        if python.failed:
            message, evidence = flat_db.finding(example.subject_type, criterion, 1, on=on, now=now)
            expected = render_message(criterion.spec.message, python.evidence, example.subject)
            if (message, evidence) != (expected, jsonable(python.evidence)):
                problems.append(
                    f"{example.id}: rendered {message!r} {evidence}\n  Python {expected!r} {jsonable(python.evidence)}"
                )
    assert not problems, "\n".join(problems)
