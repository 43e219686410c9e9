"""The actor each edge names: an API key (with its organisation) for API calls, the signed-in person for web pages;
one event per changed record, worker identity masked."""

from __future__ import annotations

import json

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import AuditEvent
from recruitment_watch.services.trust.verification import verify_audit_chain
from tests.api.conftest import contract_body, world  # noqa: F401  (the organisations and their keys)
from tests.web.conftest import people, post_form, signed_in, text_of  # noqa: F401


def stored_events(app) -> list[AuditEvent]:
    with unit_of_work(get_engine(app)) as session:
        found = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert verify_audit_chain(session).intact
        return found


def test_an_api_contract_names_the_key_and_its_organisation_and_masks_the_worker(app, client, world):  # noqa: F811
    before = len(stored_events(app))
    answer = client.post("/api/v1/contracts", json=contract_body(world.employer_id), headers=world.agency_a.headers)
    contract = answer.get_json()["contract"]
    added = stored_events(app)[before:]
    [created] = [event for event in added if event.object_type == "contract"]
    assert created.action == "create" and created.object_id == str(contract["id"])
    assert created.after["reference"] == "CT-API-1"
    assert {(e.organisation_id, e.actor_label) for e in added} == {
        (world.agency_a.organisation_id, f"key {world.agency_a.prefix} (Everest Manpower)")
    }
    assert {e.actor_key_id for e in added} != {None} and {e.actor_user_id for e in added} == {None}
    assert sorted(e.object_type for e in added if e.object_type != "finding") == [
        "contract", "contract_version", "contract_version", "worker", "worker_identity",
    ]  # fmt: skip
    [identity] = [event for event in added if event.object_type == "worker_identity"]
    assert identity.after["full_name"] == "[masked]"
    assert "Ram Bahadur" not in json.dumps([event.model_dump(mode="json") for event in added])


def test_a_web_change_names_the_signed_in_person(app, people):  # noqa: F811
    admin = signed_in(app, people.admin)
    before = len(stored_events(app))
    added = post_form(admin, "/admin/organisations", {"name": "Nepal Migrant Help", "kind": "ngo", "country": "np"},
                      follow_redirects=True)  # fmt: skip
    assert "Organisation Nepal Migrant Help is added." in text_of(added)
    [event] = [event for event in stored_events(app)[before:] if event.object_type == "organisation"]
    assert (event.action, event.after["name"], event.after["kind"]) == ("create", "Nepal Migrant Help", "ngo")
    assert (event.actor_user_id, event.organisation_id) == (people.admin.id, people.admin.organisation_id)
    assert event.actor_label.startswith(f"user {people.admin.id} (")


def test_a_bulk_item_rolled_back_to_its_savepoint_takes_its_events_with_it(app, client, world):  # noqa: F811
    before = len(stored_events(app))
    good, bad = contract_body(world.employer_id, "CT-BULK-1"), contract_body(world.employer_id, "CT-BULK-1")
    bad["worker"]["reference"] = "W-OTHER"  # same contract reference: refused after its worker was stored
    later = contract_body(world.employer_id, "CT-BULK-2")
    answer = client.post("/api/v1/contracts/bulk", json={"items": [good, bad, later]}, headers=world.agency_a.headers)
    assert [item["status"] for item in answer.get_json()["results"]] == ["accepted", "rejected", "accepted"]
    added = stored_events(app)[before:]  # stored_events also verifies the chain
    assert sorted(e.after["reference"] for e in added if e.object_type == "contract") == ["CT-BULK-1", "CT-BULK-2"]
    assert "W-OTHER" not in [e.after.get("reference") for e in added if e.object_type == "worker"]
