"""Findings answered by agencies, complaints filed by NGOs, sweeps triggered by the ministry, licence verification."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import CheckRun, Complaint, ComplaintEvent, Finding
from recruitment_watch.services.registry import agencies
from recruitment_watch.services.sweeps.lock import exclusive_sweep

from .conftest import contract_body


def submit_and_sweep(client, world) -> list[dict]:
    client.post("/api/v1/contracts", json=contract_body(world.employer_id), headers=world.agency_a.headers)
    sweep = client.post("/api/v1/sweeps", headers=world.ministry.headers)
    assert sweep.status_code == 201, sweep.get_json()
    assert sweep.get_json()["new_findings"] > 0
    return client.get("/api/v1/findings", headers=world.agency_a.headers).get_json()["items"]


def test_an_agency_reads_and_answers_its_findings_and_cannot_see_others(app, client, world):
    findings = submit_and_sweep(client, world)
    assert findings and {f["agency_id"] for f in findings} == {world.agency_a.agency_id}
    target = findings[0]
    answered = client.post(
        f"/api/v1/findings/{target['id']}/response",
        json={"text": "Refunded the fee on 3 March."},
        headers=world.agency_a.headers,
    )
    assert answered.status_code == 200
    assert answered.get_json()["status"] == "agency_responded"
    assert answered.get_json()["agency_response"] == "Refunded the fee on 3 March."
    assert client.get(f"/api/v1/findings/{target['id']}", headers=world.agency_b.headers).status_code == 404
    assert client.get("/api/v1/findings", headers=world.agency_b.headers).get_json()["items"] == []
    by_ministry = client.get(
        "/api/v1/findings", query_string={"status": "agency_responded"}, headers=world.ministry.headers
    ).get_json()["items"]
    assert [f["id"] for f in by_ministry] == [target["id"]]
    with unit_of_work(get_engine(app)) as session:
        session.execute(
            Finding.__table__.update()
            .where(Finding.id == target["id"])
            .values(status="dismissed", dismissed_reason="duplicate", open_key=None)
        )
    closed = client.post(
        f"/api/v1/findings/{target['id']}/response", json={"text": "again"}, headers=world.agency_a.headers
    )
    assert closed.status_code == 409 and closed.get_json()["type"] == "/api/v1/problems/conflict"


def test_an_ngo_files_a_complaint_with_consent_and_follows_its_messages(app, client, world):
    body = {
        "consent_recorded": True,
        "respondent_agency_id": world.agency_a.agency_id,
        "categories": ["fees"],
        "language": "ne",
        "severity": "high",
        "summary": "The agency took NPR 150,000 and gave no receipt.",
    }
    filed = client.post("/api/v1/complaints", json=body, headers=world.ngo.headers)
    assert filed.status_code == 201
    complaint = filed.get_json()
    assert complaint["status"] == "received" and complaint["reference"].startswith("C-")
    assert [m["kind"] for m in complaint["messages"]] == ["message_in"]
    with unit_of_work(get_engine(app)) as session:
        session.add(ComplaintEvent(complaint_id=complaint["id"], kind="note", internal=True, body="suspect broker"))
        session.add(ComplaintEvent(complaint_id=complaint["id"], kind="message_out", body="We are looking into it."))
        stored = session.get(Complaint, complaint["id"])
        assert (stored.filed_by, stored.filing_organisation_id) == ("ngo", world.ngo.organisation_id)
    followed = client.get(f"/api/v1/complaints/{complaint['id']}", headers=world.ngo.headers).get_json()
    assert [m["body"] for m in followed["messages"]] == [body["summary"], "We are looking into it."]
    no_consent = client.post("/api/v1/complaints", json={**body, "consent_recorded": False}, headers=world.ngo.headers)
    assert no_consent.status_code == 422 and no_consent.get_json()["errors"][0]["field"] == "consent_recorded"
    assert client.get(f"/api/v1/complaints/{complaint['id']}", headers=world.agency_a.headers).status_code == 403
    assert (
        client.get("/api/v1/complaints", headers=world.ministry.headers).get_json()["items"][0]["id"] == complaint["id"]
    )


def test_scopes_refuse_what_a_key_may_not_do(client, world):
    assert client.post("/api/v1/sweeps", headers=world.agency_a.headers).status_code == 403
    refused = client.post("/api/v1/contracts", json=contract_body(world.employer_id), headers=world.ngo.headers)
    assert refused.status_code == 403 and "contracts:write" in refused.get_json()["detail"]
    assert client.get("/api/v1/contracts").status_code == 401
    missing = client.get("/api/v1/contracts", headers={"Authorization": "Bearer rwk_nope_nope"})
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_stops_working_at_once(app, client, world, runner):
    assert client.get("/api/v1/contracts", headers=world.agency_a.headers).status_code == 200
    result = runner.invoke(args=["keys", "revoke", world.agency_a.prefix, "--yes"])
    assert result.exit_code == 0 and f"key {world.agency_a.prefix} revoked" in result.output
    revoked = client.get("/api/v1/contracts", headers=world.agency_a.headers)
    assert revoked.status_code == 401 and revoked.get_json()["detail"] == "the API key is unknown or revoked"


def test_keys_cli_issues_a_scoped_key_shown_once_and_lists_it(app, client, world, runner):
    created = runner.invoke(args=["keys", "create", "--org", "Himal Manpower", "--scopes", "contracts:read"])
    assert created.exit_code == 0, created.output
    raw = created.output.strip().splitlines()[-1]
    assert raw.startswith("rwk_") and "scopes: contracts:read" in created.output
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/contracts", headers=headers).status_code == 200
    assert client.post("/api/v1/contracts", json={}, headers=headers).status_code == 403
    listed = runner.invoke(args=["keys", "list", "--org", "Himal Manpower"]).output
    assert "[contracts:read]" in listed and "last used 20" in listed and raw not in listed
    wrong = runner.invoke(args=["keys", "create", "--org", "Pourakhi", "--scopes", "sweeps:run"])
    assert wrong.exit_code == 2 and "a ngo organisation cannot hold scope sweeps:run" in wrong.output
    unknown = runner.invoke(args=["keys", "create", "--org", "Nobody"])
    assert unknown.exit_code == 2 and "no organisation named 'Nobody'" in unknown.output
    aborted = runner.invoke(args=["keys", "revoke", world.agency_b.prefix], input="n\n")
    assert aborted.exit_code == 1 and client.get("/api/v1/contracts", headers=world.agency_b.headers).status_code == 200


def test_anyone_verifies_a_licence_without_a_key_and_sees_sanctions(app, client, world):
    with unit_of_work(get_engine(app)) as session:
        agencies.record_licence_event(
            world.agency_b.agency_id,
            {
                "status": "suspended",
                "reason": "charged workers recruitment fees",
                "legal_basis": "FEA 2007 s.26",
                "decided_on": date(2026, 6, 1),
            },
            session=session,
        )
    good = client.get("/api/v1/agencies/verify", query_string={"licence_no": "NP-LIC-0001"}).get_json()
    assert good["agency_name"] == "Everest Manpower" and good["status"] == "active" and good["sanctions"] == []
    assert good["compliance"]["grade"] in {"ok", "watchlist", "suspension_review"}
    bad = client.get("/api/v1/agencies/verify", query_string={"licence_no": "NP-LIC-0002", "country": "NP"}).get_json()
    assert (bad["status"], bad["valid_today"]) == ("suspended", False)
    assert bad["sanctions"] == [
        {
            "status": "suspended",
            "decided_on": "2026-06-01",
            "reason": "charged workers recruitment fees",
            "legal_basis": "FEA 2007 s.26",
        }
    ]
    assert [(p["decision"], p["since"], p["until"]) for p in bad["history"]] == [
        ("suspended", "2026-06-01", None),
        ("issued", "2024-01-01", "2026-05-31"),
    ]
    assert bad["history"][0]["legal_basis"] == "FEA 2007 s.26" and bad["history"][1]["valid_to"] == "2027-12-31"
    missing = client.get("/api/v1/agencies/verify", query_string={"licence_no": "XX-0"})
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_licence_verification_is_rate_limited_per_client(app, client, world):
    app.config["API_VERIFY_RATE_LIMIT"] = "3 per minute"
    answers = [client.get("/api/v1/agencies/verify", query_string={"licence_no": "NP-LIC-0001"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    assert limited.mimetype == "application/problem+json" and limited.get_json()["type"].endswith("/rate-limited")
    assert int(limited.headers["Retry-After"]) > 0
    other = client.get(
        "/api/v1/agencies/verify", query_string={"licence_no": "NP-LIC-0001"}, environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert other.status_code == 200


def test_a_sweep_requested_while_another_runs_is_refused_and_records_nothing(app, client, world):
    with exclusive_sweep(get_engine(app)):  # what a running sweep (scheduler, CLI, another request) holds
        refused = client.post("/api/v1/sweeps", headers=world.ministry.headers)
    assert refused.status_code == 409
    assert refused.get_json()["detail"].startswith("another sweep is running on this database")
    with unit_of_work(get_engine(app)) as session:
        assert session.scalars(select(CheckRun)).all() == []
    assert client.post("/api/v1/sweeps", headers=world.ministry.headers).status_code == 201
