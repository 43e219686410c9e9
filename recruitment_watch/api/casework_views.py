"""Findings (agencies read and answer theirs), complaints (NGOs file and follow theirs), sweeps (ministry)."""

from __future__ import annotations

from flask import current_app

from recruitment_watch.api.blueprint import SECURITY, bp
from recruitment_watch.api.guards import current_actor, json_response, requires, writes
from recruitment_watch.api.models import (
    ComplaintMessage,
    ComplaintOut,
    ComplaintPage,
    ComplaintQuery,
    FindingOut,
    FindingPage,
    FindingQuery,
    SweepOut,
)
from recruitment_watch.api.pagination import page
from recruitment_watch.api.problems import ApiProblem, from_service_error
from recruitment_watch.db import get_engine, get_session
from recruitment_watch.models import Complaint, Finding
from recruitment_watch.models.vocab import ApiScope
from recruitment_watch.services.access import scoping
from recruitment_watch.services.casework.complaints import NgoComplaintInput, file_ngo_complaint, visible_events
from recruitment_watch.services.casework.findings import FindingResponseInput, as_seen_by, respond_to_finding
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.services.sweeps.lock import SweepInProgress
from recruitment_watch.services.sweeps.run import start_sweep


@bp.get("/findings")
@requires(ApiScope.findings_read)
@bp.input(FindingQuery, location="query", arg_name="query")
@bp.output(
    FindingPage,
    links={
        "GetFinding": {"operationId": "getFinding", "parameters": {"finding_id": "$response.body#/items/0/id"}},
        "AnswerFinding": {
            "operationId": "respondToFinding",
            "parameters": {"finding_id": "$response.body#/items/0/id"},
        },
    },
)
@bp.doc(summary="List findings", security=SECURITY, operation_id="listFindings")
def list_findings(query: FindingQuery):
    """Findings on your agency's records (all for a ministry key), filtered by status and severity."""
    selection = scoping.findings_of(current_actor(), status=query.status, severity=query.severity)
    rows, cursor = page(get_session(), selection, Finding, query)
    items = [FindingOut.model_validate(as_seen_by(current_actor(), row)) for row in rows]
    return json_response(FindingPage(items=items, next_cursor=cursor))


@bp.get("/findings/<int:finding_id>")
@requires(ApiScope.findings_read)
@bp.output(FindingOut)
@bp.doc(summary="Get a finding", security=SECURITY, operation_id="getFinding")
def get_finding(finding_id: int):
    """One finding with its citation and evidence."""
    finding = scoping.finding_of(current_actor(), finding_id, session=get_session())
    return json_response(FindingOut.model_validate(as_seen_by(current_actor(), finding)))


@bp.post("/findings/<int:finding_id>/response")
@requires(ApiScope.findings_respond)
@writes
@bp.input(FindingResponseInput, arg_name="body")
@bp.output(FindingOut)
@bp.doc(summary="Answer a finding", security=SECURITY, operation_id="respondToFinding")
def answer_finding(finding_id: int, body: FindingResponseInput):
    """Post your agency's response to an open finding; an inspector then verifies or dismisses it."""
    try:
        finding = respond_to_finding(current_actor(), finding_id, body, session=get_session())
    except ServiceError as exc:
        raise from_service_error(exc) from exc
    return json_response(FindingOut.model_validate(as_seen_by(current_actor(), finding)))


def complaint_out(complaint: Complaint) -> ComplaintOut:
    messages = [ComplaintMessage.model_validate(e) for e in visible_events(get_session(), complaint.id)]
    return ComplaintOut.model_validate(complaint).model_copy(update={"messages": messages})


@bp.post("/complaints")
@requires(ApiScope.complaints_write)
@writes
@bp.input(NgoComplaintInput, arg_name="body")
@bp.output(
    ComplaintOut,
    status_code=201,
    links={"GetComplaint": {"operationId": "getComplaint", "parameters": {"complaint_id": "$response.body#/id"}}},
)
@bp.doc(summary="File a complaint on behalf of a worker", security=SECURITY, operation_id="fileComplaint")
def file_complaint(body: NgoComplaintInput):
    """File a complaint for a worker who consented; follow it with the returned id and reference."""
    try:
        complaint = file_ngo_complaint(current_actor(), body, session=get_session())
    except ServiceError as exc:
        raise from_service_error(exc) from exc
    return json_response(complaint_out(complaint), 201)


@bp.get("/complaints")
@requires(ApiScope.complaints_read)
@bp.input(ComplaintQuery, location="query", arg_name="query")
@bp.output(
    ComplaintPage,
    links={
        "GetComplaint": {"operationId": "getComplaint", "parameters": {"complaint_id": "$response.body#/items/0/id"}}
    },
)
@bp.doc(summary="List complaints", security=SECURITY, operation_id="listComplaints")
def list_complaints(query: ComplaintQuery):
    """Complaints your NGO filed (all for a ministry key), with status and messages."""
    selection = scoping.complaints_of(current_actor(), status=query.status)
    rows, cursor = page(get_session(), selection, Complaint, query)
    return json_response(ComplaintPage(items=[complaint_out(r) for r in rows], next_cursor=cursor))


@bp.get("/complaints/<int:complaint_id>")
@requires(ApiScope.complaints_read)
@bp.output(ComplaintOut)
@bp.doc(summary="Get a complaint", security=SECURITY, operation_id="getComplaint")
def get_complaint(complaint_id: int):
    """One complaint: status, deadlines and the messages the complainant may see (never internal notes)."""
    complaint = scoping.complaint_of(current_actor(), complaint_id, session=get_session())
    return json_response(complaint_out(complaint))


@bp.post("/sweeps")
@requires(ApiScope.sweeps_run)
@bp.output(SweepOut, status_code=201)
@bp.doc(summary="Run an incremental compliance sweep", security=SECURITY, operation_id="runSweep")
def run_sweep_now():
    """Judge what changed since the last successful sweep, now (full sweeps run nightly or from the CLI)."""
    try:
        run = start_sweep(get_engine(current_app), current_app.config, full=False, trigger="api")
    except SweepInProgress as exc:
        raise ApiProblem(409, "conflict", str(exc)) from exc
    except Exception as exc:  # recorded on the check run by run_sweep
        raise ApiProblem(500, "server-error", "the sweep failed; see `recruitment-watch checks runs`") from exc
    counts = run.counts
    return json_response(
        SweepOut(
            check_run_id=run.id,
            mode=run.mode,
            new_findings=counts["new"],
            still_open=counts["still_open"],
            auto_resolved=counts["auto_resolved"],
            duration_ms=run.duration_ms or 0,
        ),
        201,
    )
