"""The register through the services: licence events move an agency's status, licence numbers are unique."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from recruitment_watch.models import Agency, LicenceEvent
from recruitment_watch.services.errors import Conflict
from recruitment_watch.services.registry import agencies
from tests.support.factories import make_agency


def test_licence_event_moves_agency_status(session):
    agency = make_agency(session)
    agencies.record_licence_event(
        agency.id,
        {"decision": "suspended", "reason": "charged workers fees", "legal_basis": "FEA s.43",
         "decided_on": date(2026, 6, 1)},
        session=session,
    )  # fmt: skip
    session.commit()
    reloaded = session.get(Agency, agency.id)
    assert (reloaded.status, reloaded.licence_valid_to) == ("suspended", date(2027, 12, 31))
    history = session.execute(select(LicenceEvent.decision, LicenceEvent.status).where(
        LicenceEvent.agency_id == agency.id).order_by(LicenceEvent.id)).all()  # fmt: skip
    assert [tuple(row) for row in history] == [("issued", "active"), ("suspended", "suspended")]


def test_reinstatement_keeps_the_licence_expiry_and_renewal_moves_it(session):
    agency = make_agency(session)
    for decision, day, valid_to in (("suspended", date(2025, 3, 1), None), ("reinstated", date(2025, 6, 1), None),
                                    ("renewed", date(2026, 1, 10), date(2029, 1, 9))):  # fmt: skip
        agencies.record_licence_event(
            agency.id, {"decision": decision, "reason": "decided by the authority", "decided_on": day,
                        "valid_to": valid_to}, session=session)  # fmt: skip
    session.commit()
    events = session.scalars(select(LicenceEvent).where(LicenceEvent.agency_id == agency.id).order_by(
        LicenceEvent.id)).all()  # fmt: skip
    assert [(e.decision, e.status, e.valid_to) for e in events[1:]] == [
        ("suspended", "suspended", None),
        ("reinstated", "active", date(2027, 12, 31)),
        ("renewed", "renewed", date(2029, 1, 9)),
    ]
    reloaded = session.get(Agency, agency.id)
    assert (reloaded.status, reloaded.licence_valid_to) == ("renewed", date(2029, 1, 9))


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"decision": "suspended", "status": "active"}, "a decision 'suspended' leaves the licence 'suspended'"),
        ({"decision": "suspended", "valid_to": date(2026, 9, 1)}, "a 'suspended' licence stays so until"),
        ({"decision": "renewed", "valid_to": date(2026, 5, 1)}, "valid_to must not be before decided_on"),
        ({}, "give the decision"),
    ],
)
def test_contradictory_licence_decisions_are_refused(session, given, message):
    agency = make_agency(session)
    with pytest.raises(ValidationError) as caught:
        agencies.record_licence_event(
            agency.id, {"reason": "decided", "decided_on": date(2026, 6, 1), **given}, session=session
        )
    assert message in str(caught.value)


def test_duplicate_licence_is_a_conflict(session):
    make_agency(session)
    with pytest.raises(Conflict) as caught:
        make_agency(session, name="Another name")
    assert caught.value.field == "licence_no"
