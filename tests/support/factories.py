"""``make_*`` factories: valid input for the services, overridable field by field."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access import users
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.contracts import intake as contracts
from recruitment_watch.services.registry import agencies


def agency_input(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Everest Manpower Agency",
        "country": "NP",
        "licence_no": "NP-LIC-0001",
        "licence_authority": "Department of Foreign Employment",
        "licence_valid_from": date(2024, 1, 1),
        "licence_valid_to": date(2027, 12, 31),
        **overrides,
    }


def make_agency(session: Session, *, actor: Actor | None = None, **overrides: Any):
    return agencies.register_agency(agency_input(**overrides), actor=actor, session=session)


def make_employer(session: Session, *, actor: Actor | None = None, **overrides: Any):
    data = {"name": "Falcon Contracting", "registration_no": "QA-CR-1", "country": "QA", "sector": "construction"}
    return agencies.register_employer({**data, **overrides}, actor=actor, session=session)


def make_people(session: Session) -> None:
    """A ministry inspector, insp@gov.example, and a member of an agency's staff, staff@everest.example."""
    ministry = users.ensure_organisation("Department of Foreign Employment", OrganisationKind.ministry, "NP",
                                         session=session)  # fmt: skip
    users.create_user("insp@gov.example", "Insp", Role.inspector, "pw", organisation=ministry, session=session)
    agency = users.ensure_organisation("Everest Manpower", OrganisationKind.agency, "NP", session=session)
    users.create_user("staff@everest.example", "Staff", Role.agency, "pw", organisation=agency, session=session)


def make_worker(session: Session, **overrides: Any):
    data = {"reference": "W-0001", "nationality": "NP", "languages": ["ne"], "full_name": "Ram Thapa",
            "passport_no": "NP1234567"}  # fmt: skip
    return contracts.register_worker({**data, **overrides}, session=session)


def version_input(employer_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "offer",
        "basic_wage_minor": 140000,
        "wage_currency": "QAR",
        "worksite_country": "QA",
        "worksite_city": "Doha",
        "job_title": "Mason",
        "isco_code": "7112",
        "employer_id": employer_id,
        "hours_per_day": 8,
        "days_per_week": 6,
        "weekly_rest_days": 1,
        "languages": ["ar", "ne"],
        **overrides,
    }


def contract_input(agency_id: int, employer_id: int, worker_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "reference": "CT-0001",
        "agency_id": agency_id,
        "employer_id": employer_id,
        "worker_id": worker_id,
        "origin_country": "NP",
        "destination_country": "QA",
        "sector": "construction",
        "departure_on": date(2026, 3, 1),
        "versions": [
            version_input(employer_id),
            version_input(employer_id, kind="origin_signed", signed_on=date(2026, 2, 10), copy_given_to_worker=True),
        ],
        **overrides,
    }


def make_contract(session: Session, **overrides: Any):
    agency = make_agency(session)
    employer = make_employer(session)
    worker = make_worker(session)
    return contracts.submit_contract(contract_input(agency.id, employer.id, worker.id, **overrides), session=session)


def count_rows(session: Session, model: type) -> int:
    """How many rows ``model``'s table holds."""
    from sqlalchemy import func, select

    return session.scalar(select(func.count()).select_from(model))


def payment_input(contract, **overrides: Any) -> dict[str, Any]:
    """A worker's NPR payment to the contract's agency (cash, no receipt), overridable field by field."""
    return {
        "worker_id": contract.worker_id,
        "contract_id": contract.id,
        "agency_id": contract.agency_id,
        "payee_type": "agency",
        "category": "recruitment_service_fee",
        "amount_minor": 5_000_000,
        "currency": "NPR",
        "paid_on": date(2026, 1, 20),
        "method": "cash",
        **overrides,
    }
