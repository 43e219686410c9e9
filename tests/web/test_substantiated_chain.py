"""A substantiated complaint becomes evidence, end to end: an inspector closes the case as substantiated on its page,
the compliance sweep (either strategy) records a finding against the agency citing complaint-sla CMP-010, and the
agency's risk score rises by that finding and by the substantiated complaint. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Complaint, Finding
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.oversight.risk import assess_agency
from recruitment_watch.services.sweeps.run import start_sweep
from tests.web.conftest import post_form, signed_in, text_of


def risk_of(app, agency_id: int):
    with unit_of_work(get_engine(app)) as session:
        return assess_agency(agency_id, session=session, on=date.today()).score


def cmp010_findings(app) -> list[tuple[int | None, str, str, str]]:
    with unit_of_work(get_engine(app)) as session:
        rows = session.scalars(select(Finding).where(Finding.criterion_id == "CMP-010")).all()
        return [(row.agency_id, row.severity, row.status, row.pack_id) for row in rows]


@pytest.mark.parametrize("strategy", ["sql", "python"])
def test_closing_a_case_as_substantiated_makes_a_finding_that_raises_the_agencys_risk(app, people, world, strategy):
    agency_id = world.agency_a.agency_id
    with unit_of_work(get_engine(app)) as session:
        session.add(Complaint(reference="C-PROVEN", filed_by="worker", categories=",passport_retention,",
                              severity="high", language="ne", summary="The agency kept my passport for a year.",
                              respondent_agency_id=agency_id, received_at=utc_now() - timedelta(days=5)))  # fmt: skip
    start_sweep(get_engine(app), app.config, full=True, trigger="test", strategy=strategy)
    assert cmp010_findings(app) == []  # an undecided complaint is no evidence yet
    before = risk_of(app, agency_id)

    inspector = signed_in(app, people.inspector)
    closed = post_form(inspector, "/cases/C-PROVEN/close", {"outcome": "substantiated", "currency": "",
                                                            "closing_note": "Passport returned after our visit."},
                       page="/cases/C-PROVEN", follow_redirects=True)  # fmt: skip
    assert "Outcome substantiated" in text_of(closed) and "Status changed from received to closed" in text_of(closed)

    start_sweep(get_engine(app), app.config, full=True, trigger="test", strategy=strategy)
    assert cmp010_findings(app) == [(agency_id, "high", "open", "complaint-sla")]
    after = risk_of(app, agency_id)
    assert after.points > before.points
    explained = " | ".join(line.explanation for line in after.lines)
    assert "CMP-010" in explained and "1 substantiated complaint(s)" in explained
    assert "CMP-010" not in " | ".join(line.explanation for line in before.lines)

    with unit_of_work(get_engine(app)) as session:  # the other agency's score is untouched
        others = session.scalars(select(Finding.agency_id).where(Finding.criterion_id == "CMP-010")).all()
    assert world.agency_b.agency_id not in others
