"""Decisions on agencies: only a ministry person records or revokes one, each kind carries what it needs, and revoked
or year-old demerit points stop standing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlmodel import Session

from recruitment_watch.models import Decision
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access import users
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import Conflict, Forbidden, NotFound
from recruitment_watch.services.oversight.decisions import (
    DecisionInput,
    decisions_of,
    record_decision,
    revoke_decision,
    standing_points,
)
from tests.support.factories import count_rows, make_agency

INSPECTOR = Actor(organisation_id=1, organisation_kind=OrganisationKind.ministry, organisation_name="Ministry",
                  role=Role.inspector, scopes=frozenset())  # fmt: skip


def ministry_person(session: Session) -> Actor:
    ministry = users.ensure_organisation("Ministry", OrganisationKind.ministry, "NP", session=session)
    user = users.create_user("insp@gov.example", "Insp", Role.inspector, "pw", organisation=ministry, session=session)
    return Actor(ministry.id, OrganisationKind.ministry, ministry.name, Role.inspector, frozenset(), user_id=user.id)


def test_a_ministry_person_records_and_revokes_and_revoked_or_old_points_stop_standing(session: Session):
    agency = make_agency(session)
    inspector = ministry_person(session)
    now = utc_now()

    kept = record_decision(inspector, agency.id, DecisionInput(kind="demerit_points", points=6, reason="Fees over cap"),
                           session=session)  # fmt: skip
    revoked = record_decision(inspector, agency.id, DecisionInput(kind="demerit_points", points=4, reason="Mistaken"),
                              session=session)  # fmt: skip
    old = record_decision(inspector, agency.id, DecisionInput(kind="demerit_points", points=9, reason="Last year"),
                          session=session)  # fmt: skip
    old.decided_at = now - timedelta(days=400)
    session.add(old)
    revoke_decision(inspector, agency.id, revoked.id, session=session)

    assert standing_points(agency.id, session=session, now=now) == 6
    listed = decisions_of(agency.id, session=session)
    assert [row.id for row in listed] == [revoked.id, kept.id, old.id]
    assert listed[0].revoked_at is not None and listed[1].decided_by == "Insp"
    with pytest.raises(Conflict):
        revoke_decision(inspector, agency.id, revoked.id, session=session)
    with pytest.raises(NotFound):
        revoke_decision(inspector, agency.id + 1, kept.id, session=session)


def test_only_a_ministry_person_decides_and_a_suspension_review_must_be_confirmed(session: Session):
    agency = make_agency(session)
    inspector = ministry_person(session)
    agency_person = Actor(9, OrganisationKind.agency, "Everest", Role.agency, frozenset(), user_id=inspector.user_id,
                          agency_id=agency.id)  # fmt: skip
    warning = DecisionInput(kind="warning", reason="Late answers")

    for outsider in (agency_person, INSPECTOR):  # an agency's person; a ministry key (no person to name)
        with pytest.raises(Forbidden):
            record_decision(outsider, agency.id, warning, session=session)
    with pytest.raises(Conflict) as refused:
        record_decision(inspector, agency.id, DecisionInput(kind="suspension_recommendation", reason="Repeated"),
                        session=session)  # fmt: skip
    assert refused.value.field == "confirmed"
    with pytest.raises(NotFound):
        record_decision(inspector, agency.id + 1, warning, session=session)
    assert count_rows(session, Decision) == 0


@pytest.mark.parametrize(
    ("kind", "points"), [("demerit_points", 0), ("warning", 2), ("watchlist", 1), ("demerit_points", 101)]
)
def test_points_go_with_demerits_only(kind: str, points: int):
    with pytest.raises(ValidationError):
        DecisionInput(kind=kind, points=points, reason="Because")
