"""The register through the services: licence events move an agency's status, licence numbers are unique."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from recruitment_watch.models import Agency, LicenceEvent
from recruitment_watch.services.errors import Conflict
from recruitment_watch.services.registry import agencies
from tests.support.factories import make_agency


def test_licence_event_moves_agency_status(session):
    agency = make_agency(session)
    agencies.record_licence_event(
        agency.id,
        {
            "status": "suspended",
            "reason": "charged workers fees",
            "legal_basis": "FEA s.43",
            "decided_on": date(2026, 6, 1),
            "valid_to": date(2026, 12, 31),
        },  # fmt: skip
        session=session,
    )
    session.commit()
    reloaded = session.get(Agency, agency.id)
    assert (reloaded.status, reloaded.licence_valid_to) == ("suspended", date(2026, 12, 31))
    history = session.scalars(select(LicenceEvent.status).where(LicenceEvent.agency_id == agency.id).order_by(
        LicenceEvent.id)).all()  # fmt: skip
    assert history == ["active", "suspended"]


def test_duplicate_licence_is_a_conflict(session):
    make_agency(session)
    with pytest.raises(Conflict) as caught:
        make_agency(session, name="Another name")
    assert caught.value.field == "licence_no"
