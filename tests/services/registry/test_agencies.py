"""The register through the services: licence events move an agency's status, licence numbers are unique, every
registration records who made it, and only the ministry registers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from recruitment_watch.models import Agency, Employer, LicenceEvent, Organisation
from recruitment_watch.services.access import api_keys, users
from recruitment_watch.services.access.actor import actor_for_user
from recruitment_watch.services.errors import Conflict, Forbidden
from recruitment_watch.services.registry import agencies
from tests.support.factories import agency_input, count_rows, make_agency, make_employer, make_people


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


def test_registering_records_who_registered(session):
    make_people(session)
    inspector = actor_for_user(users.user_by_email("insp@gov.example", session=session).id, session=session)
    ministry = session.get(Organisation, inspector.organisation_id)
    key, _raw = api_keys.issue_key(ministry, name="registry", scopes="registry:write", session=session)
    ministry_key = replace(inspector, user_id=None, key_id=key.id, key_prefix=key.prefix)  # as api_keys.authenticate
    organisation = agencies.register_organisation(
        {"name": "Lumbini Jobs Pvt Ltd", "kind": "agency", "country": "NP"}, actor=inspector, session=session
    )
    agency = make_agency(session, actor=ministry_key, organisation_id=organisation.id)
    employer = make_employer(session, actor=inspector)
    order_input = {"employer_id": employer.id, "agency_id": agency.id, "destination_country": "QA",
                   "job_title": "Mason", "quantity": 40, "wage_minor": 140000, "wage_currency": "QAR"}  # fmt: skip
    order = agencies.register_job_order(order_input, actor=ministry_key, session=session)
    by_person, by_key = (inspector.user_id, None), (None, ministry_key.key_id)
    stored = [(row.registered_by_user_id, row.registered_by_key_id) for row in (organisation, agency, employer, order)]
    assert stored == [by_person, by_key, by_person, by_key]
    first = session.scalar(select(LicenceEvent).where(LicenceEvent.agency_id == agency.id))
    assert (first.recorded_by_user_id, first.recorded_by_key_id) == by_key
    assert agencies.who_registered(employer, session=session) == "insp@gov.example"
    assert agencies.who_registered(agency, session=session) == f"API key {ministry_key.key_prefix}"
    unknown = make_agency(session, licence_no="NP-LIC-0002", name="Seeded Agency")
    assert (unknown.registered_by_user_id, unknown.registered_by_key_id) == (None, None)
    assert agencies.who_registered(unknown, session=session) == "not recorded"


def test_only_the_ministry_registers(session):
    make_people(session)
    staff = actor_for_user(users.user_by_email("staff@everest.example", session=session).id, session=session)
    for register, data in (
        (agencies.register_organisation, {"name": "Everest Branch", "kind": "agency", "country": "NP"}),
        (agencies.register_agency, agency_input()),
        (agencies.register_employer, {"name": "Doha Build", "registration_no": "QA-1", "country": "QA",
                                      "sector": "construction"}),
    ):  # fmt: skip
        with pytest.raises(Forbidden, match="only a ministry inspector or admin keeps the register"):
            register(data, actor=staff, session=session)
    assert [count_rows(session, model) for model in (Agency, Employer, LicenceEvent)] == [0, 0, 0]
