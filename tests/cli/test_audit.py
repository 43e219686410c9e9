"""``audit verify`` and ``audit show`` at the console: an intact trail and intact version chains exit 0 with their
counts; an edited or deleted event, or a tampered contract version, exits 1 naming the first broken link."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from recruitment_watch.models import AuditEvent, ContractVersion
from tests.services.trust.test_chain import tamper
from tests.support.factories import make_contract, make_people


def _contract(session):
    contract = make_contract(session)
    session.commit()
    events = list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
    session.rollback()
    return contract.id, events


def test_verify_reports_the_counts_of_an_intact_trail(runner, app, session):
    _contract_id, events = _contract(session)
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert f"audit trail intact: {len(events)} events" in verified.output
    assert "contract version chains intact: 2 versions" in verified.output


def test_verify_names_an_edited_event(runner, app, session, engine):
    _contract_id, events = _contract(session)
    tamper(engine, f"UPDATE audit_event SET after = NULL WHERE id = {events[2]}")
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 1
    assert f"audit trail BROKEN at event {events[2]}: its content no longer matches its hash (edited)" in (
        verified.output
    )


def test_verify_names_the_successor_of_a_deleted_event(runner, app, session, engine):
    _contract_id, events = _contract(session)
    tamper(engine, f"DELETE FROM audit_event WHERE id = {events[1]}")
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 1
    assert f"audit trail BROKEN at event {events[2]}: its previous hash is not the hash" in verified.output


def test_verify_names_a_contract_whose_version_was_edited(runner, app, session):
    contract_id, _events = _contract(session)
    session.execute(update(ContractVersion).where(ContractVersion.contract_id == contract_id,
                                                  ContractVersion.seq == 2).values(job_title="Helper"))  # fmt: skip
    session.commit()
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 1
    assert f"contract {contract_id}: version chain BROKEN at version 2" in verified.output
    assert "audit trail intact" in verified.output  # the edit itself was audited (a set-based update)


def test_show_prints_a_records_history(runner, app, session):
    contract_id, _events = _contract(session)
    shown = runner.invoke(args=["audit", "show", "contract", str(contract_id)])
    assert shown.exit_code == 0, shown.output
    first, *fields = shown.output.splitlines()
    assert first.startswith("#") and first.endswith("create  by system")
    assert '    reference: "CT-0001"' in fields
    missing = runner.invoke(args=["audit", "show", "contract", "999999"])
    assert missing.exit_code == 2 and "no audit events for contract 999999" in missing.output


def test_a_change_made_at_the_console_names_the_cli(runner, app, session, tmp_path):
    make_people(session)
    session.commit()
    body = tmp_path / "employer.json"
    body.write_text(json.dumps({"name": "Gulf Homes", "registration_no": "QA-9", "country": "QA", "sector": "care"}))
    stored = runner.invoke(args=["register", "employer", str(body), "--by", "insp@gov.example"])
    assert stored.exit_code == 0, stored.output
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "employer")).all()
    assert event.action == "create" and event.after["name"] == "Gulf Homes" and event.actor_label.startswith("cli (")
