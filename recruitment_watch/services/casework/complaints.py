"""NGO complaint filing and agency responses to findings (the API's writes outside submissions).

An NGO files on behalf of a worker only with the worker's consent recorded; the complaint gets a public reference
and its SLA clocks start at receipt (the complaint-sla job sets the due dates). An agency answers an open finding
about its own records with text; an inspector later verifies or dismisses it.
"""

from __future__ import annotations

import secrets
from typing import Literal

from pydantic import Field
from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Agency, Complaint, ComplaintEvent, Contract, Employer, Finding
from recruitment_watch.models.base import pack_list, utc_now
from recruitment_watch.models.vocab import (
    OPEN_FINDING_STATUSES,
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintStatus,
    FiledBy,
    FindingStatus,
    ForcedLabourIndicator,
    Severity,
)
from recruitment_watch.schemas.common import MAX_ID, LanguageCode, StrictInput
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import Conflict, NotFound

# Events a complainant (and the NGO filing for them) sees; notes and other internal events never leave the ministry.
VISIBLE_EVENT_KINDS = (ComplaintEventKind.message_in, ComplaintEventKind.message_out, ComplaintEventKind.status_change)


class NgoComplaintInput(StrictInput):
    """A complaint an NGO files on behalf of a worker."""

    consent_recorded: Literal[True] = Field(description="The worker consented to the NGO filing for them.")
    respondent_agency_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    respondent_employer_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    contract_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    categories: list[ComplaintCategory] = Field(min_length=1, max_length=10)
    fl_indicators: list[ForcedLabourIndicator] = Field(default_factory=list, max_length=11)
    severity: Severity = Severity.medium
    language: LanguageCode
    summary: str = Field(min_length=10, max_length=5000)


class FindingResponseInput(StrictInput):
    """An agency's answer to a finding: what it did or why the finding is wrong."""

    text: str = Field(min_length=3, max_length=5000)


def _new_reference(session: Session) -> str:
    while True:
        reference = "C-" + secrets.token_hex(5).upper()
        if session.scalar(select(Complaint.id).where(Complaint.reference == reference)) is None:
            return reference


def file_ngo_complaint(actor: Actor, data: NgoComplaintInput, *, session: Session) -> Complaint:
    """Record the complaint for the actor's NGO; referenced agency, employer and contract must exist."""
    for model, row_id, name in (
        (Agency, data.respondent_agency_id, "respondent_agency_id"),
        (Employer, data.respondent_employer_id, "respondent_employer_id"),
        (Contract, data.contract_id, "contract_id"),
    ):
        if row_id is not None and session.get(model, row_id) is None:
            raise NotFound(f"{model.__tablename__} {row_id} does not exist", field=name)
    complaint = Complaint(
        reference=_new_reference(session),
        filed_by=FiledBy.ngo.value,
        filing_organisation_id=actor.organisation_id,
        consent_recorded=True,
        respondent_agency_id=data.respondent_agency_id,
        respondent_employer_id=data.respondent_employer_id,
        contract_id=data.contract_id,
        categories=pack_list(c.value for c in data.categories),
        fl_indicators=pack_list(i.value for i in data.fl_indicators),
        severity=data.severity.value,
        language=data.language,
        summary=data.summary,
        status=ComplaintStatus.received.value,
    )
    session.add(complaint)
    session.flush()
    session.add(ComplaintEvent(complaint_id=complaint.id, kind=ComplaintEventKind.message_in.value, body=data.summary))
    session.flush()
    return complaint


def visible_events(session: Session, complaint_id: int) -> list[ComplaintEvent]:
    """The complaint's history as the complainant sees it (no internal notes, reminders or escalations)."""
    return list(
        session.scalars(
            select(ComplaintEvent)
            .where(
                ComplaintEvent.complaint_id == complaint_id,
                ComplaintEvent.internal.is_(False),
                ComplaintEvent.kind.in_([kind.value for kind in VISIBLE_EVENT_KINDS]),
            )
            .order_by(ComplaintEvent.created_at, ComplaintEvent.id)
        ).all()
    )


def respond_to_finding(finding: Finding, data: FindingResponseInput, *, session: Session) -> Finding:
    """Record the agency's answer; only an open finding (or one already answered) can be answered."""
    if finding.status not in {status.value for status in OPEN_FINDING_STATUSES}:
        raise Conflict(f"finding {finding.id} is {finding.status}; only open findings take a response", field="status")
    finding.agency_response = data.text
    finding.agency_responded_at = utc_now()
    finding.status = FindingStatus.agency_responded.value
    session.add(finding)
    session.flush()
    return finding
