"""The finding tally the dashboards read always equals a count of the findings themselves: after a first sweep,
an incremental one, an agency's answer and an inspector's disclosure. Both databases."""

from __future__ import annotations

from sqlalchemy import case, func, select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Finding, FindingTally
from recruitment_watch.services.access.actor import actor_for_user
from recruitment_watch.services.casework.findings import (
    DisclosureInput,
    FindingResponseInput,
    disclose_finding,
    respond_to_finding,
)
from recruitment_watch.services.oversight.finding_tally import open_by_severity, recount
from tests.api.conftest import contract_body, world  # noqa: F401
from tests.web.conftest import people  # noqa: F401


def _counted(session) -> dict:
    hidden = case(((Finding.subject_type == "complaint") & Finding.disclosed_at.is_(None), 1), else_=0)
    rows = session.execute(
        select(Finding.agency_id, Finding.criterion_id, Finding.severity, Finding.status, hidden, func.count())
        .group_by(Finding.agency_id, Finding.criterion_id, Finding.severity, Finding.status, hidden)
    ).all()  # fmt: skip
    return {(a, c, s, st, bool(h)): n for a, c, s, st, h, n in rows}


def _tallied(session) -> dict:
    """The tally by agency, criterion, severity, status and visibility (months summed: the findings are all new)."""
    rows = session.execute(select(FindingTally.agency_id, FindingTally.criterion_id, FindingTally.severity,
                                  FindingTally.status, FindingTally.hidden, FindingTally.findings)).all()  # fmt: skip
    tallied: dict = {}
    for a, c, s, st, h, n in rows:
        tallied[(a, c, s, st, bool(h))] = tallied.get((a, c, s, st, bool(h)), 0) + n
    return {key: n for key, n in tallied.items() if n}


def _agrees(app) -> dict:
    with unit_of_work(get_engine(app)) as session:
        counted = _counted(session)
        assert _tallied(session) == counted
        return counted


def test_the_tally_follows_sweeps_answers_and_disclosures(app, client, world, people):  # noqa: F811
    client.post("/api/v1/contracts", json=contract_body(world.employer_id), headers=world.agency_a.headers)
    client.post("/api/v1/sweeps", headers=world.ministry.headers)
    first = _agrees(app)
    assert sum(first.values()) > 0

    client.post("/api/v1/contracts", json=contract_body(world.employer_id, "CT-API-2"), headers=world.agency_b.headers)
    complaint = {"consent_recorded": True, "respondent_agency_id": world.agency_a.agency_id, "language": "ne",
                 "categories": ["harassment_violence"], "summary": "The supervisor beat me."}  # fmt: skip
    assert client.post("/api/v1/complaints", json=complaint, headers=world.ngo.headers).status_code == 201
    client.post("/api/v1/sweeps", headers=world.ministry.headers)  # incremental: agency B and the complaint
    counted = _agrees(app)
    assert any(hidden for (_agency, _criterion, _severity, _status, hidden) in counted)

    with unit_of_work(get_engine(app)) as session:
        agency = actor_for_user(people.agency_a.id, session=session)
        inspector = actor_for_user(people.inspector.id, session=session)
        visible = session.scalar(select(Finding).where(Finding.agency_id == world.agency_a.agency_id,
                                                       Finding.subject_type != "complaint").limit(1))  # fmt: skip
        secret = session.scalar(select(Finding).where(Finding.subject_type == "complaint"))
        seen_before = dict(open_by_severity(agency, session=session))
        respond_to_finding(agency, visible.id, FindingResponseInput(text="We refunded the worker."), session=session)
        disclose_finding(inspector, secret.id, DisclosureInput(text="A worker reports violence; explain."),
                         session=session)  # fmt: skip
    _agrees(app)
    with unit_of_work(get_engine(app)) as session:
        seen_after = dict(open_by_severity(agency, session=session))
        assert seen_after[secret.severity] == seen_before[secret.severity] + 1  # disclosed: now counted for A
        everyone = dict(open_by_severity(inspector, session=session))
        assert sum(everyone.values()) == session.scalar(
            select(func.count()).select_from(Finding).where(Finding.status.in_(["open", "agency_responded"]))
        )
        recount(session)  # rebuilding it from scratch gives the same counts
    _agrees(app)
