"""Small seeded registers shared by several test modules."""

from __future__ import annotations

from datetime import date

from recruitment_watch.services.registry import agencies
from tests.support.factories import make_agency, make_contract


def seed_small_register(session):
    """One contract (with its agency), and a second, suspended agency. Committed."""
    make_contract(session)
    other = make_agency(session, licence_no="NP-LIC-0002", name="Himal Manpower")
    agencies.record_licence_event(
        other.id,
        {"status": "suspended", "reason": "fees charged to workers", "decided_on": date(2026, 5, 1)},
        session=session,
    )
    session.commit()
