"""The public grade is remembered while its basis holds and computed anew when anything it depends on changes."""

from __future__ import annotations

from datetime import date

import pytest

from recruitment_watch.checks.risk import RiskWeights
from recruitment_watch.services.registry import agencies, public_grade
from recruitment_watch.services.registry.public_grade import GradeMemory, compute_grade
from recruitment_watch.services.sweeps.run import start_sweep
from tests.support.factories import make_contract

ON = date(2026, 11, 30)
WEIGHTS = RiskWeights()


@pytest.fixture()
def computed(monkeypatch):
    """Counts the grades computed from scratch."""
    calls = []

    def counting(agency_id, **kwargs):
        calls.append(agency_id)
        return compute_grade(agency_id, **kwargs)

    monkeypatch.setattr(public_grade, "compute_grade", counting)
    return calls


def grade_of(session, agency_id, memory):
    return public_grade.public_grade(agency_id, on=ON, weights=WEIGHTS, session=session, memory=memory)


def test_a_grade_is_remembered_until_a_sweep_or_a_licence_event_changes_its_basis(engine, session, computed):
    contract = make_contract(session)
    session.commit()
    memory = GradeMemory()
    before = grade_of(session, contract.agency_id, memory)
    assert grade_of(session, contract.agency_id, memory) == before and len(computed) == 1

    start_sweep(engine, {}, full=True, trigger="test")
    session.commit()  # a new transaction, as the next request would have (SQLite reads a snapshot)
    swept = grade_of(session, contract.agency_id, memory)
    assert len(computed) == 2
    assert swept == compute_grade(contract.agency_id, on=ON, weights=WEIGHTS, session=session)
    assert sum(swept.open_findings.values()) > 0 and swept.risk_points > before.risk_points

    agencies.record_licence_event(
        contract.agency_id, {"status": "suspended", "reason": "fees charged", "decided_on": date(2026, 11, 1)},
        session=session,
    )  # fmt: skip
    session.commit()
    suspended = grade_of(session, contract.agency_id, memory)
    assert len(computed) == 3 and suspended.risk_points > swept.risk_points
    assert grade_of(session, contract.agency_id, memory) == suspended and len(computed) == 3
    other_day = public_grade.public_grade(
        contract.agency_id, on=date(2026, 12, 1), weights=WEIGHTS, session=session, memory=memory
    )
    assert other_day == suspended and len(computed) == 4  # a new day: recomputed (12-month window), same figures


def test_the_memory_keeps_one_grade_per_agency_and_a_bounded_number_of_agencies():
    memory = GradeMemory(size=2)
    grade = public_grade.PublicGrade("ok", 0.0, {})
    for agency_id in (1, 2, 3):
        memory.put(agency_id, ("basis",), grade)
    assert memory.get(1, ("basis",)) is None and memory.get(3, ("basis",)) == grade
    assert memory.get(3, ("other basis",)) is None
