"""Every change of an audited row writes one event in the same transaction, captured by the session events (no
service calls anything): creations, updates of the changed fields only, deletions, rows inserted through
``session.execute``, set-based UPDATEs; identifying worker data is masked; bulk runs record one event."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from recruitment_watch.models import Agency, AuditEvent, ContractVersion, Employer, JobRun
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.sweeps.run import run_sweep
from recruitment_watch.services.sweeps.strategies import strategy_named
from recruitment_watch.services.trust.actor_context import AuditActor, acting
from recruitment_watch.services.trust.verification import verify_audit_chain
from tests.support.factories import make_agency, make_contract, make_employer, make_worker


def events(session, **where) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(session.scalars(query))


def test_a_new_worker_is_recorded_with_identifying_data_masked(session):
    worker = make_worker(session, full_name="Ram Thapa", passport_no="NP1234567", phone="+977 98 0000 0000")
    session.commit()
    [created] = events(session, object_type="worker")
    [identity] = events(session, object_type="worker_identity")
    assert (created.action, created.object_id, created.after["reference"]) == ("create", str(worker.id), "W-0001")
    assert identity.object_id == str(worker.id) and identity.after["worker_id"] == worker.id
    assert identity.after["full_name"] == identity.after["passport_no"] == identity.after["phone"] == "[masked]"
    stored = json.dumps([event.model_dump(mode="json") for event in events(session)])
    assert "Ram Thapa" not in stored and "NP1234567" not in stored and "0000 0000" not in stored


def test_an_update_records_only_the_changed_fields_before_and_after_with_the_actor(session):
    agency = make_agency(session)
    session.commit()
    with acting(AuditActor(label="user 4 (Ministry)", user_id=4, organisation_id=2)):
        agency.name = "Everest Overseas"
        agency.updated_at = utc_now()
        session.commit()
    [changed] = events(session, object_type="agency", action="update")
    assert changed.object_id == str(agency.id)
    assert changed.before == {"name": "Everest Manpower Agency"} and changed.after == {"name": "Everest Overseas"}
    assert (changed.actor_label, changed.actor_user_id, changed.organisation_id) == ("user 4 (Ministry)", 4, 2)


def test_a_deletion_keeps_what_the_row_held(session):
    employer = make_employer(session)
    session.commit()
    session.delete(employer)
    session.commit()
    [deleted] = events(session, object_type="employer", action="delete")
    assert deleted.object_id == str(employer.id) and deleted.before["name"] == employer.name and deleted.after is None


def test_versions_inserted_through_execute_get_one_event_each_with_their_ids(session):
    contract = make_contract(session)
    session.commit()
    ids = session.scalars(select(ContractVersion.id).where(ContractVersion.contract_id == contract.id)
                          .order_by(ContractVersion.seq)).all()  # fmt: skip
    recorded = events(session, object_type="contract_version")
    assert [event.object_id for event in recorded] == [str(row_id) for row_id in ids]
    assert [event.after["seq"] for event in recorded] == [1, 2]
    assert events(session, object_type="contract", action="create")[0].object_id == str(contract.id)


def test_a_set_based_update_is_summarised_in_one_event(session):
    make_agency(session)
    make_agency(session, name="Himal Manpower", licence_no="NP-LIC-0002")
    session.commit()
    session.execute(update(Agency).values(name="Renamed"))
    session.commit()
    [summary] = events(session, action="bulk_update")
    assert summary.object_type == "agency" and summary.object_id == "*"
    assert summary.after["rows"] == 2 and summary.after["columns"] == ["name"]


def test_a_rolled_back_change_leaves_no_event_and_unaudited_tables_write_none(session):
    make_employer(session)
    session.flush()
    session.rollback()
    session.add(JobRun(job_id="retention", scheduled_for=utc_now(), runner="test"))
    session.commit()
    assert events(session) == []
    assert session.scalars(select(Employer)).all() == []


def test_a_sweep_writes_one_summary_event_and_no_event_per_finding(session, engine):
    from recruitment_watch.services.contracts import fees
    from tests.support.factories import payment_input

    contract = make_contract(session)
    fees.record_fee_payment(payment_input(contract), session=session)
    session.commit()
    before = len(events(session))
    session.rollback()
    run = run_sweep(engine, strategy_named("python"), full=True)
    assert run.counts["new"] > 0
    added = events(session)[before:]
    assert [(event.action, event.object_type, event.object_id) for event in added] == [
        ("sweep", "check_run", str(run.id))
    ]
    assert added[0].after["new"] == run.counts["new"] and added[0].actor_label == "system"
    assert verify_audit_chain(session).intact
