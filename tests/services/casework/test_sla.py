"""Complaint SLA reminders and escalation, run as the job a user runs (``jobs run complaint-sla``) on a frozen clock.

The clocks come from the complaint-sla pack: a critical violence complaint must be acknowledged within 24 h and
resolved or referred within 48 h; reminders start when a quarter of the allowance is left.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Complaint, ComplaintEvent, Notification, User
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access import users

RECEIVED = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture()
def staff(app):
    """A head inspector (Imran) and Sita, who reports to him."""
    with unit_of_work(get_engine(app)) as session:
        ministry = users.ensure_organisation("Ministry of Labour", OrganisationKind.ministry, "NP", session=session)
        imran = users.create_user(
            "imran@example.org", "Imran Head", Role.inspector, "pw-123456789", organisation=ministry, session=session
        )
        sita = users.create_user(
            "sita@example.org", "Sita Case", Role.inspector, "pw-123456789", organisation=ministry, session=session
        )
        sita.supervisor_user_id = imran.id
        return {"imran": imran.id, "sita": sita.id}


def add_complaint(app, **fields) -> int:
    values = {
        "reference": "C-0000001",
        "filed_by": "worker",
        "receipt_hash": "a" * 64,
        "categories": ",harassment_violence,",
        "severity": "critical",
        "language": "ne",
        "summary": "The supervisor beats workers who ask for wages.",
        "received_at": RECEIVED,
        **fields,
    }
    with unit_of_work(get_engine(app)) as session:
        complaint = Complaint(**values)
        session.add(complaint)
        session.flush()
        return complaint.id


def run_sla(runner, when: str) -> str:
    with time_machine.travel(at(when), tick=False):
        result = runner.invoke(args=["jobs", "run", "complaint-sla"])
    assert result.exit_code == 0, result.output
    return result.output


def inbox(app, user_id: int) -> list[tuple[str, str]]:
    with unit_of_work(get_engine(app)) as session:
        rows = session.scalars(select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))
        return [(row.kind, row.message) for row in rows]


def events(app, complaint_id: int) -> list[tuple[str, bool, str]]:
    with unit_of_work(get_engine(app)) as session:
        rows = session.scalars(
            select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint_id).order_by(ComplaintEvent.id)
        )
        return [(row.kind, row.internal, row.body) for row in rows]


def test_critical_case_reminds_then_escalates_to_the_supervisor_once(app, runner, staff):
    complaint_id = add_complaint(app, assignee_user_id=staff["sita"])

    out = run_sla(runner, "2026-05-01 12:00")  # 4 h of 24: due dates set, nothing to remind yet
    assert "open complaints checked: 1, due dates set: 2, reminders: 0, escalations: 0" in out
    assert inbox(app, staff["sita"]) == []

    out = run_sla(runner, "2026-05-02 03:00")  # 19 h of 24: a quarter is left
    assert "open complaints checked: 1, due dates set: 0, reminders: 1, escalations: 0" in out
    assert inbox(app, staff["sita"]) == [
        ("sla_due_soon",
         "Complaint C-0000001 (critical): acknowledgement due 2026-05-02 08:00 UTC, 5 h left (CMP-001).")
    ]
    with unit_of_work(get_engine(app)) as session:
        complaint = session.get(Complaint, complaint_id)
        assert (complaint.ack_due_at, complaint.resolve_due_at) == (at("2026-05-02 08:00"), at("2026-05-03 08:00"))

    assert "reminders: 0, escalations: 0" in run_sla(runner, "2026-05-02 03:30")  # the same reminder is not resent

    out = run_sla(runner, "2026-05-02 09:00")  # acknowledgement overdue
    assert "reminders: 1, escalations: 1" in out
    assert inbox(app, staff["sita"])[-1] == (
        "sla_overdue", "Complaint C-0000001 (critical): acknowledgement overdue since 2026-05-02 08:00 UTC; "
        "target 24 h (CMP-001).",
    )  # fmt: skip
    [(kind, message)] = inbox(app, staff["imran"])
    assert kind == "sla_escalated"
    assert message == (
        "Complaint C-0000001 escalated: acknowledgement overdue; Critical complaint not escalated. "
        "Escalated to Imran Head."
    )
    with unit_of_work(get_engine(app)) as session:
        assert session.get(Complaint, complaint_id).escalated_at == at("2026-05-02 09:00")
    assert [(kind, internal) for kind, internal, _ in events(app, complaint_id)] == [
        ("reminder", True), ("reminder", True), ("escalation", True)
    ]  # fmt: skip

    out = run_sla(runner, "2026-05-03 10:00")  # a day later: both clocks overdue, one reminder each, no re-escalation
    assert "reminders: 2, escalations: 0" in out
    assert [kind for kind, _ in inbox(app, staff["sita"])] == ["sla_due_soon", "sla_overdue", "sla_overdue",
                                                               "sla_overdue"]  # fmt: skip
    assert len(inbox(app, staff["imran"])) == 1


def test_reminders_stop_when_the_case_closes(app, runner, staff):
    complaint_id = add_complaint(app, assignee_user_id=staff["sita"])
    run_sla(runner, "2026-05-02 09:00")
    sent = len(inbox(app, staff["sita"]))
    with unit_of_work(get_engine(app)) as session:
        complaint = session.get(Complaint, complaint_id)
        complaint.status, complaint.acknowledged_at = "closed", at("2026-05-02 10:00")
        complaint.resolved_at = at("2026-05-02 10:00")
    out = run_sla(runner, "2026-05-05 09:00")
    assert "open complaints checked: 0" in out
    assert len(inbox(app, staff["sita"])) == sent


def test_an_unassigned_routine_case_reminds_the_supervising_inspectors_and_does_not_escalate(app, runner, staff):
    complaint_id = add_complaint(app, categories=",unpaid_wages,", severity="medium")
    out = run_sla(runner, "2026-05-07 09:00")  # medium: acknowledge within 120 h
    assert "reminders: 1, escalations: 0" in out
    assert inbox(app, staff["imran"]) == [
        ("sla_overdue", "Complaint C-0000001 (medium): acknowledgement overdue since 2026-05-06 08:00 UTC; "
                        "target 120 h (CMP-001).")
    ]  # fmt: skip
    assert inbox(app, staff["sita"]) == []  # Sita has a supervisor: she is not a head
    with unit_of_work(get_engine(app)) as session:
        assert session.get(Complaint, complaint_id).escalated_at is None


def test_an_assignee_without_supervisor_escalates_to_the_heads(app, runner, staff):
    add_complaint(app, assignee_user_id=staff["imran"])
    run_sla(runner, "2026-05-02 09:00")
    kinds = [kind for kind, _ in inbox(app, staff["imran"])]
    assert kinds == ["sla_overdue", "sla_escalated"]


def test_notifications_are_listed_and_marked_read_for_their_user(app, runner, staff):
    add_complaint(app, assignee_user_id=staff["sita"])
    run_sla(runner, "2026-05-02 09:00")
    listed = runner.invoke(args=["notifications", "list", "--user", "SITA@example.org", "--unread", "--mark-read"])
    assert listed.exit_code == 0, listed.output
    assert "sla_overdue" in listed.output and "acknowledgement overdue since 2026-05-02 08:00 UTC" in listed.output
    assert "1 marked read" in listed.output
    again = runner.invoke(args=["notifications", "list", "--user", "sita@example.org", "--unread"])
    assert again.output.strip() == "no notifications"
    unknown = runner.invoke(args=["notifications", "list", "--user", "nobody@example.org"])
    assert unknown.exit_code == 2 and "no user with e-mail nobody@example.org" in unknown.output
    with unit_of_work(get_engine(app)) as session:
        assert session.scalar(select(User.supervisor_user_id).where(User.id == staff["sita"])) == staff["imran"]
