"""The ministry keeps the register through API v1: agencies, licence decisions (shown in the public verification),
foreign employers with a watchlist, job orders that contracts then cite, each recorded with the key that made it.
Only ministry keys may; validation is as strict as for contracts."""

from __future__ import annotations

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Agency, ApiKey, Employer, JobOrder, LicenceEvent, Organisation

from .conftest import contract_body

AGENCY = {"name": "Kathmandu Overseas", "country": "NP", "licence_no": "NP-LIC-0777",
          "licence_authority": "Department of Foreign Employment", "licence_valid_from": "2025-01-01",
          "licence_valid_to": "2027-12-31"}  # fmt: skip


def ministry_key_id(app, world) -> int:
    with unit_of_work(get_engine(app)) as session:
        return session.scalar(select(ApiKey.id).where(ApiKey.prefix == world.ministry.prefix))


def registered_by(app, model: type, row_id: int) -> tuple[int | None, int | None]:
    """(user id, key id) stored as who registered ``model`` ``row_id``."""
    with unit_of_work(get_engine(app)) as session:
        row = session.get(model, row_id)
        return row.registered_by_user_id, row.registered_by_key_id


def test_the_ministry_registers_an_agency_and_decides_on_its_licence(app, client, world):
    registered = client.post("/api/v1/agencies", json=AGENCY, headers=world.ministry.headers)
    assert registered.status_code == 201, registered.get_json()
    agency = registered.get_json()
    assert {key: agency[key] for key in AGENCY} == AGENCY and agency["status"] == "active"
    key_id = ministry_key_id(app, world)
    assert (agency["registered_by_user_id"], agency["registered_by_key_id"]) == (None, key_id)
    assert registered_by(app, Agency, agency["id"]) == (None, key_id)
    with unit_of_work(get_engine(app)) as session:
        first = session.scalar(select(LicenceEvent).where(LicenceEvent.agency_id == agency["id"]))
        assert (first.decision, first.recorded_by_user_id, first.recorded_by_key_id) == ("issued", None, key_id)
    url = f"/api/v1/agencies/{agency['id']}/licence-decisions"
    decision = {"decision": "suspended", "decided_on": "2026-06-01", "reason": "fees charged to workers",
                "legal_basis": "FEA 2007 s.43"}  # fmt: skip
    decided = client.post(url, json=decision, headers=world.ministry.headers)
    assert decided.status_code == 201, decided.get_json()
    assert {key: decided.get_json()[key] for key in decision} == decision
    assert decided.get_json()["status"] == "suspended" and decided.get_json()["agency_id"] == agency["id"]
    with unit_of_work(get_engine(app)) as session:
        recorded = session.scalar(select(LicenceEvent.recorded_by_key_id).where(LicenceEvent.decision == "suspended"))
        assert recorded == key_id
    public = client.get("/api/v1/agencies/verify", query_string={"licence_no": "NP-LIC-0777"}).get_json()
    assert [(p["decision"], p["since"], p["until"]) for p in public["history"]] == [
        ("suspended", "2026-06-01", None),
        ("issued", "2025-01-01", "2026-05-31"),
    ]
    twice = client.post("/api/v1/agencies", json=AGENCY, headers=world.ministry.headers)
    assert twice.status_code == 409 and twice.get_json()["errors"][0]["field"] == "licence_no"


def test_licence_decisions_are_checked_like_contracts(client, world):
    url = f"/api/v1/agencies/{world.agency_a.agency_id}/licence-decisions"
    contradiction = {"decision": "suspended", "status": "active", "decided_on": "2026-06-01", "reason": "fees"}
    refused = client.post(url, json=contradiction, headers=world.ministry.headers)
    assert refused.status_code == 422
    assert "a decision 'suspended' leaves the licence 'suspended', not 'active'" in refused.get_json()["detail"] + str(
        refused.get_json()["errors"]
    )
    missing = client.post("/api/v1/agencies/999999/licence-decisions",
                          json={"decision": "cancelled", "decided_on": "2026-06-01", "reason": "fraud"},
                          headers=world.ministry.headers)  # fmt: skip
    assert missing.status_code == 404 and missing.get_json()["errors"][0]["field"] == "agency_id"


def test_only_ministry_keys_keep_the_register(client, world):
    for tenant in (world.agency_a, world.ngo):
        assert client.post("/api/v1/agencies", json=AGENCY, headers=tenant.headers).status_code == 403
        url = f"/api/v1/agencies/{world.agency_a.agency_id}/licence-decisions"
        renewal = {"decision": "renewed", "decided_on": "2026-06-01", "reason": "renew", "valid_to": "2030-01-01"}
        assert client.post(url, json=renewal, headers=tenant.headers).status_code == 403
    assert client.post("/api/v1/agencies", json=AGENCY).status_code == 401


def test_employers_with_a_watchlist_and_job_orders_that_contracts_cite(app, client, world):
    employer = {"name": "Gulf Cleaning Co", "registration_no": "QA-CR-9", "country": "QA", "sector": "cleaning",
                "address": "Doha", "watchlisted": True,
                "watchlist_reason": "wage theft reported by two NGOs"}  # fmt: skip
    stored = client.post("/api/v1/employers", json=employer, headers=world.ministry.headers)
    assert stored.status_code == 201, stored.get_json()
    assert {key: stored.get_json()[key] for key in employer} == employer
    key_id = ministry_key_id(app, world)
    assert stored.get_json()["registered_by_key_id"] == key_id
    assert registered_by(app, Employer, stored.get_json()["id"]) == (None, key_id)
    unexplained = {**employer, "registration_no": "QA-CR-10", "watchlist_reason": None}
    no_reason = client.post("/api/v1/employers", json=unexplained, headers=world.ministry.headers)
    assert no_reason.status_code == 422 and "needs a watchlist_reason" in str(no_reason.get_json()["errors"])
    order = {"employer_id": world.employer_id, "agency_id": world.agency_a.agency_id, "destination_country": "QA",
             "job_title": "Mason", "isco_code": "7112", "quantity": 40, "wage_minor": 140000, "wage_currency": "QAR",
             "ticket_paid_by": "employer", "visa_paid_by": "employer", "approval_no": "DL-2026-9",
             "approval_valid_from": "2026-01-01", "approval_valid_to": "2026-06-30",
             "approving_authority": "Department of Foreign Employment", "attested": True}  # fmt: skip
    created = client.post("/api/v1/job-orders", json=order, headers=world.ministry.headers)
    assert created.status_code == 201, created.get_json()
    job_order = created.get_json()
    assert {key: job_order[key] for key in order} == order
    assert (job_order["registered_by_user_id"], job_order["registered_by_key_id"]) == (None, key_id)
    assert registered_by(app, JobOrder, job_order["id"]) == (None, key_id)
    body = contract_body(world.employer_id, "CT-JO-1", job_order_id=job_order["id"])
    cited = client.post("/api/v1/contracts", json=body, headers=world.agency_a.headers)
    assert cited.status_code == 201 and cited.get_json()["contract"]["job_order_id"] == job_order["id"]
    elsewhere = contract_body(world.employer_id, "CT-JO-2", job_order_id=job_order["id"])
    others = client.post("/api/v1/contracts", json=elsewhere, headers=world.agency_b.headers)
    assert others.status_code == 404, "another agency's job order reads as missing"
    unknown = client.post("/api/v1/job-orders", json={**order, "employer_id": 999999}, headers=world.ministry.headers)
    assert unknown.status_code == 404 and unknown.get_json()["errors"][0]["field"] == "employer_id"
    backwards = client.post("/api/v1/job-orders", json={**order, "approval_valid_to": "2025-01-01"},
                            headers=world.ministry.headers)  # fmt: skip
    assert backwards.status_code == 422


def test_an_agency_organisation_with_branches_and_sub_agents(app, client, world):
    lumbini = {"name": "Lumbini Jobs Pvt Ltd", "kind": "agency", "country": "NP"}
    organisation = client.post("/api/v1/organisations", json=lumbini, headers=world.ministry.headers)
    assert organisation.status_code == 201, organisation.get_json()
    org_id = organisation.get_json()["id"]
    assert organisation.get_json()["kind"] == "agency"
    key_id = ministry_key_id(app, world)
    assert organisation.get_json()["registered_by_key_id"] == key_id
    assert registered_by(app, Organisation, org_id) == (None, key_id)
    body = {**AGENCY, "organisation_id": org_id,
            "branches": [{"name": "Butwal office", "city": "Butwal", "country": "NP"}],
            "sub_agents": [{"name": "Ram Prasad (broker)", "registered_no": None, "licensed": False,
                            "country": "NP"}]}  # fmt: skip
    registered = client.post("/api/v1/agencies", json=body, headers=world.ministry.headers)
    assert registered.status_code == 201, registered.get_json()
    agency = registered.get_json()
    assert agency["organisation_id"] == org_id
    assert [{k: v for k, v in b.items() if k != "id"} for b in agency["branches"]] == body["branches"]
    assert [{k: v for k, v in s.items() if k != "id"} for s in agency["sub_agents"]] == body["sub_agents"]
    second = client.post("/api/v1/agencies", json={**body, "licence_no": "NP-LIC-0888"}, headers=world.ministry.headers)
    assert second.status_code == 409 and "already acts for an agency" in second.get_json()["detail"]
    ngo = client.post("/api/v1/organisations", json={"name": "Helping Hands", "kind": "ngo", "country": "NP"},
                      headers=world.ministry.headers)  # fmt: skip
    wrong_kind = client.post("/api/v1/agencies", json={**body, "licence_no": "NP-LIC-0999",
                                                       "organisation_id": ngo.get_json()["id"]},
                             headers=world.ministry.headers)  # fmt: skip
    assert wrong_kind.status_code == 409 and "is a ngo, not an agency" in wrong_kind.get_json()["detail"]
    same_name = client.post("/api/v1/organisations", json={"name": "Helping Hands", "kind": "ngo", "country": "NP"},
                            headers=world.ministry.headers)  # fmt: skip
    assert same_name.status_code == 409 and same_name.get_json()["errors"][0]["field"] == "name"
