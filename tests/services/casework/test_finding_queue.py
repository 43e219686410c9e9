"""The findings queue and the inspector's actions on findings: filters, keyset pages that visit every row once in
every order (with ties in the sort key), the index plans those pages use, bulk verify / dismiss / assign, and what an
agency may see and answer. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from recruitment_watch.models import ContractVersion, Finding
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access import users
from recruitment_watch.services.access.actor import actor_for_user
from recruitment_watch.services.casework import finding_queue as queue
from recruitment_watch.services.casework.evidence import StoredFile
from recruitment_watch.services.casework.finding_detail import finding_detail
from recruitment_watch.services.casework.finding_queue import FindingFilters, QueueOrder, finding_queue
from recruitment_watch.services.casework.findings import (
    BulkAction,
    FindingRefused,
    FindingResponseInput,
    bulk_act,
    respond_to_finding,
)
from recruitment_watch.services.contracts import intake
from recruitment_watch.services.errors import Forbidden, NotFound
from recruitment_watch.services.registry import agencies
from tests.support.factories import agency_input, contract_input, make_employer, make_worker

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
SEVERITIES = ("critical", "high", "medium", "low", "advisory")
SERIAL = itertools.count(1)


@pytest.fixture()
def world(session):
    """The ministry (two inspectors, an admin), agencies A and B with a person each, an NGO caseworker, and a
    contract of agency A on the NP → QA corridor."""
    ministry = users.ensure_organisation("Ministry of Labour", OrganisationKind.ministry, "NP", session=session)
    ngo = users.ensure_organisation("Pourakhi", OrganisationKind.ngo, "NP", session=session)
    made = {
        "sita": users.create_user("sita@gov.example", "Sita Inspector", Role.inspector, "pw", organisation=ministry,
                                  session=session),
        "ram": users.create_user("ram@gov.example", "Ram Inspector", Role.inspector, "pw", organisation=ministry,
                                 session=session),
        "admin": users.create_user("admin@gov.example", "Ada Admin", Role.admin, "pw", organisation=ministry,
                                   session=session),
        "ngo": users.create_user("ngo@pourakhi.example", "Nina", Role.ngo, "pw", organisation=ngo, session=session),
    }  # fmt: skip
    agency_ids = {}
    for name, licence in (("a", "NP-LIC-0001"), ("b", "NP-LIC-0002")):
        organisation = users.ensure_organisation(f"Agency {name.upper()}", OrganisationKind.agency, "NP",
                                                 session=session)  # fmt: skip
        agency = agencies.register_agency(agency_input(name=f"Agency {name.upper()}", licence_no=licence),
                                          actor=None, session=session, organisation_id=organisation.id)  # fmt: skip
        agency_ids[name] = agency.id
        made[f"agency_{name}"] = users.create_user(f"staff@{name}.example", f"Staff {name}", Role.agency, "pw",
                                                   organisation=organisation, session=session)  # fmt: skip
    employer = make_employer(session)
    contract = intake.submit_contract(contract_input(agency_ids["a"], employer.id, make_worker(session).id),
                                      session=session)  # fmt: skip
    session.commit()
    actors = {name: actor_for_user(user.id, session=session) for name, user in made.items()}
    return {**actors, "agency_ids": agency_ids, "contract": contract}


def add(session, agency_id, *, seen=NOW, status="open", severity="medium", criterion="FEE-001",
        pack="ilo-fair-recruitment", subject_type="agency", subject_id=None, **fields) -> Finding:  # fmt: skip
    finding = Finding(criterion_id=criterion, pack_id=pack, pack_version="1.0.0", pack_digest="d" * 64,
                      subject_type=subject_type, subject_id=subject_id or agency_id, agency_id=agency_id,
                      severity=severity, message=f"{criterion} broken", citation="ILO GPOG 7", status=status,
                      first_seen_at=seen, last_seen_at=seen, **fields)  # fmt: skip
    if status in ("open", "agency_responded"):
        finding.open_key = f"{criterion}|{finding.subject_type}|{finding.subject_id}|{next(SERIAL)}"
    if status == "dismissed":
        finding.dismissed_reason = "not applicable"
    session.add(finding)
    session.flush()
    return finding


def ids(actor, session, **filters) -> list[int]:
    return [row.id for row in finding_queue(actor, FindingFilters(**filters), session=session, limit=500).rows]


def test_filters_give_exactly_the_matching_findings(session, world):
    a, b = world["agency_ids"]["a"], world["agency_ids"]["b"]
    version_id = session.scalar(select(ContractVersion.id).where(ContractVersion.contract_id == world["contract"].id))
    critical = add(session, a, severity="critical", criterion="FEE-002", seen=NOW - timedelta(days=10))
    corridor = add(session, a, subject_type="contract_version", subject_id=version_id, seen=NOW - timedelta(days=2))
    other_pack = add(session, b, pack="iris", criterion="IRIS-001", status="dismissed", seen=NOW - timedelta(days=1))
    assigned = add(session, b, assigned_to_user_id=world["sita"].user_id, seen=NOW)
    session.commit()
    inspector = world["ram"]
    everything = [assigned.id, other_pack.id, corridor.id, critical.id]
    assert ids(inspector, session) == everything  # newest first
    assert ids(inspector, session, pack_id="iris") == [other_pack.id]
    assert ids(inspector, session, criterion_id="FEE-002") == [critical.id]
    assert ids(inspector, session, severity="critical") == [critical.id]
    assert ids(inspector, session, status="dismissed") == [other_pack.id]
    assert ids(inspector, session, agency_id=b) == [assigned.id, other_pack.id]
    assert ids(inspector, session, origin_country="NP", destination_country="QA") == [corridor.id]
    assert ids(inspector, session, destination_country="SA") == []
    two_days = {"seen_from": (NOW - timedelta(days=2)).date(), "seen_to": (NOW - timedelta(days=1)).date()}
    assert ids(inspector, session, **two_days) == [other_pack.id, corridor.id]
    assert ids(inspector, session, assignee=str(world["sita"].user_id)) == [assigned.id]
    assert ids(inspector, session, assignee=queue.UNASSIGNED) == [other_pack.id, corridor.id, critical.id]
    # an agency's filters never reach past its own findings, and it cannot narrow by the ministry's assignees
    assert ids(world["agency_a"], session, agency_id=b) == []
    assert ids(world["agency_b"], session, assignee=str(world["sita"].user_id)) == [assigned.id, other_pack.id]


def _expected(findings: list[Finding], order: QueueOrder) -> list[int]:
    if order is QueueOrder.newest:
        return [f.id for f in sorted(findings, key=lambda f: (f.first_seen_at, f.id), reverse=True)]
    if order is QueueOrder.severity:
        rank = {level: number for number, level in enumerate(SEVERITIES)}
        return [f.id for f in sorted(findings, key=lambda f: (rank[f.severity], -f.first_seen_at.timestamp(), -f.id))]
    dated = sorted((f for f in findings if f.due_on), key=lambda f: (f.due_on, f.id))
    return [f.id for f in dated] + sorted(f.id for f in findings if not f.due_on)


@pytest.mark.parametrize("order", list(QueueOrder))
def test_keyset_pages_visit_every_finding_once_in_order_both_ways(session, world, order):
    a = world["agency_ids"]["a"]
    findings = []
    for number in range(23):  # ties: four instants, two due dates and none, every severity
        findings.append(add(session, a, seen=NOW - timedelta(hours=number % 4), severity=SEVERITIES[number % 5],
                            due_on=date(2026, 6, 1 + number % 2) if number % 3 else None))  # fmt: skip
    session.commit()
    expected = _expected(findings, order)
    for size in (1, 4, 7, 23, 50):
        forward, cursor, pages = [], "", []
        while True:
            page = finding_queue(world["sita"], FindingFilters(order=order), session=session, cursor=cursor,
                                 limit=size)  # fmt: skip
            pages.append(page)
            forward.extend(row.id for row in page.rows)
            assert (page.previous_cursor is None) == (len(pages) == 1)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert forward == expected, (order, size)
        backward, cursor = [], pages[-1].previous_cursor
        while cursor:
            page = finding_queue(world["sita"], FindingFilters(order=order), session=session, cursor=cursor,
                                 limit=size)  # fmt: skip
            assert page.next_cursor is not None
            backward = [row.id for row in page.rows] + backward
            cursor = page.previous_cursor
        assert backward + [row.id for row in pages[-1].rows] == expected, (order, size)


def test_a_cursor_that_is_not_one_shows_the_first_page(session, world):
    first = add(session, world["agency_ids"]["a"])
    session.commit()
    for junk in ("nonsense", "eyJzIjo5OSwiayI6W10sImYiOnRydWV9", "%%%"):
        assert [r.id for r in finding_queue(world["sita"], FindingFilters(), session=session, cursor=junk).rows] \
            == [first.id]  # fmt: skip


def _plan(session, sql_query) -> str:
    compiled = sql_query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    if session.get_bind().dialect.name == "sqlite":
        return " ".join(str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all())
    # A table of five rows gives the planner no reason to prefer an index: with fresh statistics and the
    # alternatives priced out, the plan shows whether an index serves the page in order without a sort.
    session.execute(text("ANALYZE finding"))
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
        session.execute(text(f"SET LOCAL {setting} = off"))
    return " ".join(row[0] for row in session.execute(text(f"EXPLAIN {compiled}")).all())


@pytest.mark.parametrize(("filters", "index"), [
    ({}, "ix_finding_seen"), ({"status": "open"}, "ix_finding_status_seen"),
    ({"order": QueueOrder.severity}, "ix_finding_severity_seen"), ({"order": QueueOrder.due}, "ix_finding_due"),
])  # fmt: skip
def test_a_later_page_is_an_index_range_without_a_sort(session, world, filters, index, monkeypatch):
    a = world["agency_ids"]["a"]
    for number in range(5):
        add(session, a, seen=NOW - timedelta(hours=number), due_on=date(2026, 6, 1))
    session.commit()
    captured = []
    real = queue._segment_rows

    def capture(query, segment, descending, after, limit, session):
        rows = real(query, segment, descending, after, limit, session)
        order = [key.desc() if descending else key.asc() for key in segment.keys]
        from sqlalchemy import tuple_

        where = query.where(segment.condition)
        if after is not None:
            keys = tuple_(*segment.keys)
            where = where.where(keys < tuple_(*after) if descending else keys > tuple_(*after))
        captured.append(where.order_by(*order).limit(limit))
        return rows

    monkeypatch.setattr(queue, "_segment_rows", capture)
    first = finding_queue(world["sita"], FindingFilters(**filters), session=session, limit=2)
    captured.clear()
    finding_queue(world["sita"], FindingFilters(**filters), session=session, cursor=first.next_cursor, limit=2)
    plan = _plan(session, captured[0])
    postgres = session.get_bind().dialect.name == "postgresql"
    session.rollback()
    # PostgreSQL may walk another of the queue's indexes in the same order with a filter (five rows: either is cheap);
    # what matters there is an index range and no sort.
    assert index in plan or (postgres and "Index Scan" in plan), plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan.replace("Sort Key", ""), plan


def test_bulk_verify_dismiss_and_assign_change_exactly_the_ticked_findings(session, world):
    a, b = world["agency_ids"]["a"], world["agency_ids"]["b"]
    one, two, three, untouched = (add(session, a), add(session, a), add(session, b), add(session, b))
    session.commit()
    inspector = world["sita"]
    assert bulk_act(inspector, [one.id, one.id], BulkAction.verify, session=session, now=NOW) == 1
    assert bulk_act(inspector, [two.id], BulkAction.dismiss, reason="Wrong agency recorded", session=session,
                    now=NOW) == 1  # fmt: skip
    assert bulk_act(inspector, [three.id], BulkAction.assign, assignee_user_id=world["ram"].user_id, session=session,
                    now=NOW) == 1  # fmt: skip
    session.commit()
    for finding in (one, two, three, untouched):
        session.refresh(finding)
    assert (one.status, one.verified_by_user_id, one.open_key) == ("verified_remediated", inspector.user_id, None)
    assert (two.status, two.dismissed_reason, two.dismissed_by_user_id) == ("dismissed", "Wrong agency recorded",
                                                                             inspector.user_id)  # fmt: skip
    assert (three.status, three.assigned_to_user_id) == ("open", world["ram"].user_id)
    assert (untouched.status, untouched.assigned_to_user_id) == ("open", None)


def test_bulk_actions_refuse_other_roles_closed_findings_and_a_missing_reason(session, world):
    a = world["agency_ids"]["a"]
    open_one, closed = add(session, a), add(session, a, status="dismissed")
    session.commit()
    for who in ("agency_a", "ngo"):
        with pytest.raises((Forbidden, NotFound)):
            bulk_act(world[who], [open_one.id], BulkAction.verify, session=session, now=NOW)
    with pytest.raises(FindingRefused):
        bulk_act(world["sita"], [open_one.id, closed.id], BulkAction.verify, session=session, now=NOW)
    session.rollback()
    with pytest.raises(FindingRefused):
        bulk_act(world["sita"], [open_one.id], BulkAction.dismiss, reason=" ", session=session, now=NOW)
    session.rollback()
    with pytest.raises(NotFound):  # only the ministry's own active inspectors
        bulk_act(world["sita"], [open_one.id], BulkAction.assign, assignee_user_id=world["agency_a"].user_id,
                 session=session, now=NOW)  # fmt: skip
    session.rollback()
    session.refresh(open_one)
    assert (open_one.status, open_one.assigned_to_user_id, open_one.verified_at) == ("open", None, None)


def test_an_agency_sees_only_its_own_findings_and_no_undisclosed_complaint_finding(session, world):
    a, b = world["agency_ids"]["a"], world["agency_ids"]["b"]
    own = add(session, a)
    add(session, b)
    hidden = add(session, a, subject_type="complaint", subject_id=99, criterion="SLA-001")
    disclosed = add(session, a, subject_type="complaint", subject_id=98, criterion="SLA-002", disclosed_at=NOW,
                    disclosed_by_user_id=world["sita"].user_id, disclosed_text="Please explain the fee.")  # fmt: skip
    session.commit()
    page = finding_queue(world["agency_a"], FindingFilters(), session=session)
    assert sorted(row.id for row in page.rows) == sorted([own.id, disclosed.id])
    assert {row.message for row in page.rows if row.id == disclosed.id} == {"Please explain the fee."}
    with pytest.raises(NotFound):
        finding_detail(world["agency_a"], hidden.id, session=session)
    with pytest.raises(NotFound):
        finding_detail(world["agency_b"], own.id, session=session)
    assert finding_detail(world["agency_a"], disclosed.id, session=session).finding["evidence"] == {}
    assert hidden.id in ids(world["sita"], session)


def test_a_response_with_a_file_is_stored_and_shown_to_the_inspector(session, world):
    finding = add(session, world["agency_ids"]["a"], due_on=date(2026, 6, 1))
    session.commit()
    stored = StoredFile("receipt.pdf", "application/pdf", 17, "e" * 64, "0" * 32)
    respond_to_finding(world["agency_a"], finding.id, FindingResponseInput(text="Fee refunded, receipt attached."),
                       session=session, files=[stored])  # fmt: skip
    session.commit()
    detail = finding_detail(world["sita"], finding.id, session=session)
    assert detail.finding["status"] == "agency_responded"
    assert detail.finding["agency_response"] == "Fee refunded, receipt attached."
    assert [(f.filename, f.uploaded_by_user_id) for f in detail.files] == [("receipt.pdf", world["agency_a"].user_id)]
    assert [step.what for step in detail.history] == ["first_seen", "last_seen", "agency_responded"]
    with pytest.raises(NotFound):
        respond_to_finding(world["agency_b"], finding.id, FindingResponseInput(text="not ours"), session=session)
