"""Case management services as an inspector uses them: the queue and its filters (SLA state on a fixed clock),
assignment one by one and in bulk, messages and internal notes, status moves, closing with an outcome, possible
duplicates and merging. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from recruitment_watch.models import Complaint, ComplaintEvent
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access import users
from recruitment_watch.services.access.actor import actor_for_user
from recruitment_watch.services.casework import cases
from recruitment_watch.services.casework.case_queue import QueueFilters, case_queue
from recruitment_watch.services.casework.complaints import visible_events
from recruitment_watch.services.errors import Conflict, Forbidden, NotFound
from tests.support.factories import make_agency

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


@pytest.fixture()
def staff(session):
    """Two inspectors and an admin of the ministry, an inspector of another ministry, an NGO caseworker."""
    ministry = users.ensure_organisation("Ministry of Labour", OrganisationKind.ministry, "NP", session=session)
    other = users.ensure_organisation("Other Ministry", OrganisationKind.ministry, "BD", session=session)
    ngo = users.ensure_organisation("Pourakhi", OrganisationKind.ngo, "NP", session=session)
    made = {
        "sita": users.create_user("sita@gov.example", "Sita Case", Role.inspector, "pw", organisation=ministry,
                                  session=session),
        "ram": users.create_user("ram@gov.example", "Ram Case", Role.inspector, "pw", organisation=ministry,
                                 session=session),
        "admin": users.create_user("admin@gov.example", "Ada Admin", Role.admin, "pw", organisation=ministry,
                                   session=session),
        "foreign": users.create_user("x@other.example", "Xavier", Role.inspector, "pw", organisation=other,
                                     session=session),
        "ngo": users.create_user("ngo@pourakhi.example", "Nina", Role.ngo, "pw", organisation=ngo, session=session),
    }  # fmt: skip
    session.commit()
    return {name: actor_for_user(user.id, session=session) for name, user in made.items()}


def add(session, reference: str, **fields) -> Complaint:
    values = {"reference": reference, "filed_by": "worker", "categories": ",fees,", "severity": "medium",
              "language": "ne", "summary": "Paid 150,000 rupees.", "received_at": NOW - timedelta(days=3),
              **fields}  # fmt: skip
    complaint = Complaint(**values)
    session.add(complaint)
    session.flush()
    return complaint


def references(rows) -> list[str]:
    return sorted(row.reference for row in rows)


def test_the_queue_filters_by_sla_state_category_agency_corridor_and_assignee(session, staff):
    agency = make_agency(session)
    late = add(session, "C-LATE", ack_due_at=NOW - timedelta(hours=1), resolve_due_at=NOW + timedelta(days=20),
               categories=",passport_retention,", severity="high", respondent_agency_id=agency.id)  # fmt: skip
    add(session, "C-SOON", acknowledged_at=NOW - timedelta(days=2), ack_due_at=NOW - timedelta(days=1),
        resolve_due_at=NOW + timedelta(hours=23), origin_country="NP", destination_country="QA")  # fmt: skip
    add(session, "C-FINE", ack_due_at=NOW + timedelta(hours=30), resolve_due_at=NOW + timedelta(days=20),
        assignee_user_id=staff["sita"].user_id)  # fmt: skip
    add(session, "C-DONE", status="closed", ack_due_at=NOW - timedelta(days=9), resolved_at=NOW - timedelta(days=1))
    session.flush()
    inspector = staff["ram"]

    def listed(**filters):
        rows, total = case_queue(inspector, QueueFilters(**filters), session=session, now=NOW)
        assert total == len(rows)
        return references(rows)

    assert listed() == ["C-DONE", "C-FINE", "C-LATE", "C-SOON"]
    assert listed(sla_state="overdue") == ["C-LATE"]
    assert listed(sla_state="due_soon") == ["C-SOON"]  # the acknowledgement clock stopped; resolution due in 23 h
    assert listed(sla_state="on_track") == ["C-FINE"]  # 30 h left; the closed case has no SLA state
    assert listed(category="passport_retention") == ["C-LATE"]
    assert listed(severity="high", agency_id=agency.id) == ["C-LATE"]
    assert listed(origin_country="np", destination_country="QA") == ["C-SOON"]
    assert listed(assignee=str(staff["sita"].user_id)) == ["C-FINE"]
    assert listed(assignee="unassigned") == ["C-DONE", "C-LATE", "C-SOON"]
    assert listed(status="closed") == ["C-DONE"]
    rows, _ = case_queue(inspector, QueueFilters(), session=session, now=NOW)
    shown = {row.reference: (row.sla_state, row.agency_name, row.assignee_name) for row in rows}
    assert shown["C-LATE"] == ("overdue", "Everest Manpower Agency", None)
    assert shown["C-FINE"] == ("on_track", None, "Sita Case") and shown["C-DONE"][0] is None
    assert late.id in {row.id for row in rows}
    page, total = case_queue(inspector, QueueFilters(), session=session, now=NOW, offset=1, limit=2)
    assert total == 4 and len(page) == 2
    assert case_queue(staff["ngo"], QueueFilters(), session=session, now=NOW) == ([], 0)  # filed none of them


def test_bulk_assign_gives_every_ticked_case_to_one_inspector_of_the_ministry(session, staff):
    first, second, third = add(session, "C-1"), add(session, "C-2"), add(session, "C-3")
    assert cases.bulk_assign(staff["admin"], [first.id, second.id], staff["sita"].user_id, session=session) == 2
    assert (first.assignee_user_id, second.assignee_user_id, third.assignee_user_id) == (
        staff["sita"].user_id, staff["sita"].user_id, None)  # fmt: skip
    events = session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == first.id)).all()
    assert [(e.kind, e.internal, e.body, e.author_user_id) for e in events] == [
        ("assignment", True, "Sita Case", staff["admin"].user_id)]  # fmt: skip

    for not_an_inspector in (staff["foreign"].user_id, staff["admin"].user_id, staff["ngo"].user_id, 999_999):
        with pytest.raises(NotFound, match="active inspector of the ministry"):
            cases.bulk_assign(staff["ram"], [third.id], not_an_inspector, session=session)
    with pytest.raises(NotFound):
        cases.bulk_assign(staff["ram"], [third.id, 999_999], staff["ram"].user_id, session=session)
    with pytest.raises(Forbidden):
        cases.bulk_assign(staff["ngo"], [third.id], staff["ram"].user_id, session=session)
    assert third.assignee_user_id is None
    cases.assign(staff["ram"], first, None, session=session)
    assert first.assignee_user_id is None


def test_notes_stay_internal_and_messages_reach_the_complainant(session, staff):
    complaint = add(session, "C-NOTE")
    cases.add_message(staff["sita"], complaint, "We have opened your case.", session=session)
    cases.add_note(staff["sita"], complaint, "Agency owner is the minister's cousin.", session=session)
    cases.change_status(staff["sita"], complaint, "acknowledged", session=session, now=NOW)
    seen = [(e.kind, e.body) for e in visible_events(session, complaint.id)]
    assert seen == [("message_out", "We have opened your case."), ("status_change", "")]
    with pytest.raises(cases.CaseRefused, match="Write something first"):
        cases.add_note(staff["sita"], complaint, "   ", session=session)
    with pytest.raises(Forbidden):
        cases.add_message(staff["ngo"], complaint, "hello", session=session)


def test_status_moves_stamp_their_moments_and_reopening_undoes_the_decision(session, staff):
    complaint = add(session, "C-MOVE")
    cases.change_status(staff["sita"], complaint, "under_investigation", session=session, now=NOW)
    assert complaint.acknowledged_at == NOW and complaint.investigation_started_at == NOW
    with pytest.raises(Conflict):
        cases.change_status(staff["sita"], complaint, "under_investigation", session=session, now=NOW)
    later = NOW + timedelta(days=2)
    cases.close_case(staff["sita"], complaint, cases.Decision("substantiated", amount_recovered="1,500.50",
                                                              currency="npr", closing_note="Refunded."),
                     session=session, now=later)  # fmt: skip
    assert (complaint.status, complaint.outcome, complaint.substantiated, complaint.resolved_at) == (
        "closed", "substantiated", True, later)  # fmt: skip
    assert (complaint.amount_recovered_minor, complaint.amount_recovered_currency) == (150050, "NPR")
    assert complaint.acknowledged_at == NOW  # kept from the first stamp
    with pytest.raises(Conflict, match="already decided"):
        cases.close_case(staff["sita"], complaint, cases.Decision("withdrawn"), session=session, now=later)
    cases.change_status(staff["sita"], complaint, "under_investigation", session=session, now=later)
    assert (complaint.resolved_at, complaint.outcome, complaint.substantiated) == (None, None, None)
    moves = session.scalars(select(ComplaintEvent).where(ComplaintEvent.kind == "status_change")
                            .order_by(ComplaintEvent.id)).all()  # fmt: skip
    assert [(e.from_status, e.to_status, e.internal) for e in moves] == [
        ("received", "under_investigation", False), ("under_investigation", "closed", False),
        ("closed", "under_investigation", False)]  # fmt: skip


def test_an_outcome_is_checked_a_referral_names_its_authority(session, staff):
    complaint = add(session, "C-OUT")
    with pytest.raises(cases.CaseRefused, match="which authority") as refused:
        cases.close_case(staff["sita"], complaint, cases.Decision("referred"), session=session, now=NOW)
    assert refused.value.field == "referred_to"
    with pytest.raises(cases.CaseRefused, match="Choose the outcome"):
        cases.close_case(staff["sita"], complaint, cases.Decision("guilty"), session=session, now=NOW)
    for amount, currency, field in (
        ("12", "", "currency"),
        ("-5", "NPR", "amount_recovered"),
        ("1.234", "NPR", "amount_recovered"),
        ("lots", "NPR", "amount_recovered"),
    ):
        with pytest.raises(cases.CaseRefused) as refused:
            cases.close_case(
                staff["sita"],
                complaint,
                cases.Decision("substantiated", amount_recovered=amount, currency=currency),
                session=session,
                now=NOW,
            )
        assert refused.value.field == field, amount  # fmt: skip
    assert complaint.status == "received" and complaint.outcome is None
    cases.close_case(staff["sita"], complaint, cases.Decision("referred", referred_to="Qatar Labour Court"),
                     session=session, now=NOW)  # fmt: skip
    assert (complaint.status, complaint.outcome, complaint.substantiated, complaint.referred_to) == (
        "referred", "referred", None, "Qatar Labour Court")  # fmt: skip
    other = add(session, "C-NOT")
    cases.close_case(staff["sita"], other, cases.Decision("not_substantiated"), session=session, now=NOW)
    assert (other.status, other.substantiated) == ("closed", False)


def test_possible_duplicates_are_shown_and_merged_only_when_confirmed(session, staff):
    agency = make_agency(session)
    first = add(session, "C-A", respondent_agency_id=agency.id, categories=",fees,deception,")
    same_events = add(session, "C-B", respondent_agency_id=agency.id, categories=",deception,",
                      received_at=first.received_at + timedelta(days=20))  # fmt: skip
    add(session, "C-C", respondent_agency_id=agency.id, categories=",deception,",
        received_at=first.received_at + timedelta(days=45))  # too far apart  # fmt: skip
    unrelated = add(session, "C-D", respondent_agency_id=agency.id, categories=",unpaid_wages,")  # nothing shared
    inspector = staff["sita"]
    assert [c.reference for c in cases.possible_duplicates(inspector, first, session=session)] == ["C-B"]

    with pytest.raises(cases.CaseRefused, match="confirm"):
        cases.merge_into(inspector, same_events, first.id, confirmed=False, session=session)
    assert same_events.duplicate_of_id is None
    with pytest.raises(NotFound):  # not a listed duplicate
        cases.merge_into(inspector, same_events, unrelated.id, confirmed=True, session=session)
    cases.merge_into(inspector, same_events, first.id, confirmed=True, session=session)
    assert same_events.duplicate_of_id == first.id
    assert same_events.status == "closed" and same_events.resolved_at and same_events.outcome is None  # clocks stop
    assert same_events.closing_note == "Merged into C-A as a duplicate." and first.status == "received"
    notes = session.execute(select(ComplaintEvent.complaint_id, ComplaintEvent.body, ComplaintEvent.internal)
                            .where(ComplaintEvent.kind == "note").order_by(ComplaintEvent.id)).all()  # fmt: skip
    assert [tuple(note) for note in notes] == [
        (same_events.id, "Merged into C-A as a duplicate.", True),
        (first.id, "C-B was merged into this case as a duplicate.", True)]  # fmt: skip
    assert cases.possible_duplicates(inspector, first, session=session) == []  # merged ones are not offered again
    with pytest.raises(Conflict):
        cases.merge_into(inspector, same_events, first.id, confirmed=True, session=session)


def test_the_same_worker_makes_a_possible_duplicate_and_only_staff_open_cases(session, staff):
    from tests.support.factories import make_worker

    worker = make_worker(session)
    first = add(session, "C-W1", worker_id=worker.id, categories=",fees,")
    add(session, "C-W2", worker_id=worker.id, categories=",excessive_hours,", received_at=NOW - timedelta(days=200))
    assert [c.reference for c in cases.possible_duplicates(staff["admin"], first, session=session)] == ["C-W2"]
    assert cases.case_of(staff["ram"], "C-W1", session=session).id == first.id
    with pytest.raises(Forbidden):
        cases.case_of(staff["ngo"], "C-W1", session=session)
    with pytest.raises(NotFound):
        cases.case_of(staff["ram"], "C-NONE", session=session)
