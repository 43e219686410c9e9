"""The production SQL sweep and the Python engine, each over a whole demo database, record the same findings —
same criterion, subject, severity, message and evidence — on both engines. (The differential test compares the two
backends on flat tables it builds; this compares the sweeps the system really runs.)"""

from __future__ import annotations

from sqlalchemy import delete, select

from recruitment_watch.db import unit_of_work
from recruitment_watch.models import CheckRun, Decision, Finding
from recruitment_watch.services.sweeps.run import run_sweep
from recruitment_watch.services.sweeps.strategies import strategy_named
from tests.support.database import demo_loaded


def recorded(engine) -> dict[tuple, tuple]:
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(
                Finding.criterion_id, Finding.subject_type, Finding.subject_id, Finding.agency_id, Finding.severity,
                Finding.message, Finding.evidence, Finding.status, Finding.pack_digest,
            )
        ).all()  # fmt: skip
        session.execute(delete(Finding))
        session.execute(delete(Decision))
        session.execute(delete(CheckRun))
    return {(row[0], row[1], row[2]): tuple(row[3:]) for row in rows}


def test_sql_and_python_sweeps_of_a_demo_record_identical_findings(engine):
    with demo_loaded(engine, contracts=250, seed=11):
        run_sweep(engine, strategy_named("python"), full=True)
        by_python = recorded(engine)
        run_sweep(engine, strategy_named("sql"), full=True)
        by_sql = recorded(engine)
    assert len(by_python) > 1000
    assert by_sql.keys() == by_python.keys(), (
        sorted(by_sql.keys() - by_python.keys())[:5], sorted(by_python.keys() - by_sql.keys())[:5]
    )
    differing = [key for key in by_sql if by_sql[key] != by_python[key]]
    assert differing == [], [(key, by_sql[key], by_python[key]) for key in differing[:3]]
