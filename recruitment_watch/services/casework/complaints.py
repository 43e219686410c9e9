"""Complaints: NGO filing on behalf of a worker, and what the complainant may see of the case.

An NGO files on behalf of a worker only with the worker's consent recorded; the complaint gets a public reference
and its SLA clocks start at receipt (the complaint-sla job sets the due dates).
"""

from __future__ import annotations

import secrets
from typing import Literal

from pydantic import Field
from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Agency, Complaint, ComplaintEvent, Contract, Employer
from recruitment_watch.models.base import pack_list
from recruitment_watch.models.vocab import (
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintStatus,
    FiledBy,
    ForcedLabourIndicator,
    Severity,
)
from recruitment_watch.schemas.common import MAX_ID, LanguageCode, StrictInput
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import NotFound

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
