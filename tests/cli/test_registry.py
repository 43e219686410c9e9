"""The register at the console: ``register organisation|agency|employer|job-order FILE --by EMAIL`` takes the API's
bodies, stores them all or nothing, and records the ministry person who registered them; no one else may."""

from __future__ import annotations

import json

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Agency, Employer, JobOrder, LicenceEvent, Organisation, User
from tests.support.factories import count_rows, make_people

AGENCY = {"name": "Kathmandu Overseas", "country": "NP", "licence_no": "NP-LIC-0777",
          "licence_authority": "Department of Foreign Employment", "licence_valid_from": "2025-01-01",
          "licence_valid_to": "2027-12-31"}  # fmt: skip


def register(runner, kind: str, path, by: str = "insp@gov.example"):
    return runner.invoke(args=["register", kind, str(path), "--by", by])


def test_register_takes_the_api_bodies_all_or_nothing(runner, app, session, tmp_path):
    make_people(session)
    session.commit()
    agencies_file = tmp_path / "agencies.json"
    agencies_file.write_text(json.dumps([AGENCY, {**AGENCY, "licence_no": "NP-LIC-0778", "country": "Nepal"}]))
    refused = register(runner, "agency", agencies_file)
    assert refused.exit_code == 2
    assert "item 2: country: String should match pattern '^[A-Z]{2}$' (nothing stored)" in refused.output
    agencies_file.write_text(json.dumps([AGENCY, {**AGENCY, "licence_no": "NP-LIC-0778", "name": "Lumbini Jobs"}]))
    stored = register(runner, "agency", agencies_file)
    assert stored.exit_code == 0, stored.output
    assert stored.output.splitlines()[0].endswith(
        ": Kathmandu Overseas (licence NP-LIC-0777, NP), registered by insp@gov.example"
    )
    with unit_of_work(get_engine(app)) as check:
        assert check.scalars(select(Agency.licence_no).order_by(Agency.id)).all() == ["NP-LIC-0777", "NP-LIC-0778"]
        agency_id = check.scalar(select(Agency.id).where(Agency.licence_no == "NP-LIC-0777"))
    again = register(runner, "agency", agencies_file)
    assert again.exit_code == 2 and "licence_no: licence NP-LIC-0777 (NP) is already registered" in again.output
    employer_file = tmp_path / "employer.json"
    employer_file.write_text(json.dumps({"name": "Doha Build", "registration_no": "QA-1", "country": "QA",
                                         "sector": "construction"}))  # fmt: skip
    employer = register(runner, "employer", employer_file)
    assert employer.exit_code == 0 and "Doha Build (QA-1, QA), registered by insp@gov.example" in employer.output
    with unit_of_work(get_engine(app)) as check:
        employer_id = check.scalar(select(Employer.id))
    order_file = tmp_path / "order.json"
    order_file.write_text(json.dumps({"employer_id": employer_id, "agency_id": agency_id, "destination_country": "QA",
                                      "job_title": "Mason", "quantity": 40, "wage_minor": 140000,
                                      "wage_currency": "QAR"}))  # fmt: skip
    order = register(runner, "job-order", order_file)
    assert order.exit_code == 0 and f"40 × Mason for agency {agency_id}, registered by insp" in order.output


def test_the_person_given_with_by_is_stored_as_who_registered(runner, app, session, tmp_path):
    make_people(session)
    session.commit()
    organisation_file = tmp_path / "organisation.json"
    organisation_file.write_text(json.dumps({"name": "Lumbini Jobs Pvt Ltd", "kind": "agency", "country": "NP"}))
    organisation = register(runner, "organisation", organisation_file)
    assert organisation.exit_code == 0, organisation.output
    with unit_of_work(get_engine(app)) as check:
        inspector = check.scalar(select(User.id).where(User.email == "insp@gov.example"))
        lumbini = check.scalar(select(Organisation).where(Organisation.name == "Lumbini Jobs Pvt Ltd"))
        assert (lumbini.registered_by_user_id, lumbini.registered_by_key_id) == (inspector, None)
    agency_file = tmp_path / "agency.json"
    agency_file.write_text(json.dumps({**AGENCY, "organisation_id": lumbini.id}))
    assert register(runner, "agency", agency_file).exit_code == 0
    with unit_of_work(get_engine(app)) as check:
        agency = check.scalar(select(Agency))
        assert (agency.registered_by_user_id, agency.registered_by_key_id) == (inspector, None)
        first = check.scalar(select(LicenceEvent).where(LicenceEvent.agency_id == agency.id))
        assert (first.decision, first.recorded_by_user_id, first.recorded_by_key_id) == ("issued", inspector, None)
    history = runner.invoke(args=["licences", "history", str(agency.id)])
    assert history.exit_code == 0, history.output
    assert history.output.splitlines()[1] == f"registered on {agency.created_at.date()} by insp@gov.example"


def test_only_a_ministry_person_registers(runner, app, session, tmp_path):
    make_people(session)
    session.commit()
    before = {model: count_rows(session, model) for model in (Organisation, Agency, LicenceEvent, Employer, JobOrder)}
    agency_file = tmp_path / "agency.json"
    agency_file.write_text(json.dumps(AGENCY))
    agency_staff = register(runner, "agency", agency_file, by="staff@everest.example")
    assert agency_staff.exit_code == 2
    assert "only a ministry inspector or admin keeps the register (nothing stored)" in agency_staff.output
    organisation_file = tmp_path / "organisation.json"
    organisation_file.write_text(json.dumps({"name": "Everest Branch", "kind": "agency", "country": "NP"}))
    assert register(runner, "organisation", organisation_file, by="staff@everest.example").exit_code == 2
    stranger = register(runner, "agency", agency_file, by="nobody@example.org")
    assert stranger.exit_code == 2 and "no user with e-mail nobody@example.org" in stranger.output
    with unit_of_work(get_engine(app)) as check:
        assert {model: count_rows(check, model) for model in before} == before
