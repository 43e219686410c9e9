"""API fixtures: three organisations with keys (two agencies, an NGO) plus a ministry key, and an employer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from recruitment_watch.api.rate_limit import limiter
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models.vocab import OrganisationKind
from recruitment_watch.services.access import api_keys, users
from recruitment_watch.services.registry import agencies
from tests.support.factories import agency_input, version_input


@dataclass
class Tenant:
    """An organisation with an API key (and its agency id for agency organisations)."""

    organisation_id: int
    key: str
    prefix: str
    agency_id: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class World:
    agency_a: Tenant
    agency_b: Tenant
    ngo: Tenant
    ngo_b: Tenant
    ministry: Tenant
    employer_id: int


def _tenant(session, name: str, kind: OrganisationKind, *, licence_no: str | None = None, scopes: str = "") -> Tenant:
    organisation = users.ensure_organisation(name, kind, "NP", session=session)
    agency_id = None
    if licence_no:
        agency_id = agencies.register_agency(
            agency_input(name=name, licence_no=licence_no), actor=None, session=session, organisation_id=organisation.id
        ).id
    key, raw = api_keys.issue_key(organisation, name="test", scopes=scopes, session=session)
    return Tenant(organisation.id, raw, key.prefix, agency_id)


@pytest.fixture()
def world(app) -> World:
    limiter.reset()  # rate-limit counters live in process memory, shared by every app the tests build
    with unit_of_work(get_engine(app)) as session:
        employer = agencies.register_employer(
            {"name": "Doha Build", "registration_no": "QA-123", "country": "QA", "sector": "construction"},
            actor=None,
            session=session,
        )
        return World(
            agency_a=_tenant(session, "Everest Manpower", OrganisationKind.agency, licence_no="NP-LIC-0001"),
            agency_b=_tenant(session, "Himal Manpower", OrganisationKind.agency, licence_no="NP-LIC-0002"),
            ngo=_tenant(session, "Pourakhi", OrganisationKind.ngo),
            ngo_b=_tenant(session, "Migrant Forum", OrganisationKind.ngo),
            ministry=_tenant(session, "Department of Foreign Employment", OrganisationKind.ministry),
            employer_id=employer.id,
        )


def contract_body(employer_id: int, reference: str = "CT-API-1", **overrides: Any) -> dict[str, Any]:
    """A JSON body for POST /api/v1/contracts: an inline worker and an offer plus the signed contract."""
    versions = [
        version_input(employer_id),
        version_input(employer_id, kind="origin_signed", signed_on="2026-02-10", copy_given_to_worker=True),
    ]
    for version in versions:
        for name, value in list(version.items()):
            if hasattr(value, "isoformat"):
                version[name] = value.isoformat()
    return {
        "reference": reference,
        "employer_id": employer_id,
        "worker": {"reference": f"W-{reference}", "nationality": "NP", "full_name": "Ram Bahadur", "languages": ["ne"]},
        "origin_country": "NP",
        "destination_country": "QA",
        "sector": "construction",
        "departure_on": "2026-03-01",
        "versions": versions,
        **overrides,
    }


@pytest.fixture()
def records(client, world) -> dict[str, int]:
    accepted = client.post("/api/v1/contracts", json=contract_body(world.employer_id), headers=world.agency_a.headers)
    contract = accepted.get_json()["contract"]
    payment = client.post(
        "/api/v1/fee-payments",
        json={
            "worker_id": contract["worker_id"],
            "contract_id": contract["id"],
            "payee_type": "agency",
            "category": "recruitment_service_fee",
            "amount_minor": 100,
            "currency": "NPR",
            "paid_on": "2026-01-20",
            "method": "cash",
        },
        headers=world.agency_a.headers,
    ).get_json()
    client.post("/api/v1/sweeps", headers=world.ministry.headers)
    finding = client.get("/api/v1/findings", headers=world.agency_a.headers).get_json()["items"][0]
    complaint = client.post(
        "/api/v1/complaints",
        json={"consent_recorded": True, "categories": ["fees"], "language": "ne", "summary": "Paid 150,000 rupees."},
        headers=world.ngo.headers,
    ).get_json()
    return {
        "contract_id": contract["id"],
        "payment_id": payment["id"],
        "finding_id": finding["id"],
        "complaint_id": complaint["id"],
        "agency_id": world.agency_a.agency_id,
    }
