"""Complaints: NGO filing on behalf of a worker, and what the complainant may see of the case.

An NGO files on behalf of a worker only with the worker's consent recorded; the complaint gets a public reference
and its SLA clocks start at receipt (the complaint-sla job sets the due dates).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import Field, field_validator
from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Agency, Complaint, ComplaintEvent, Contract, Employer, Worker, WorkerIdentity
from recruitment_watch.models.base import pack_list, utc_now
from recruitment_watch.models.vocab import (
    BINDING_SEVERITIES,
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintStatus,
    ConsentMethod,
    FiledBy,
    ForcedLabourIndicator,
    Severity,
)
from recruitment_watch.schemas.common import MAX_ID, CountryCode, LanguageCode, StrictInput
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.sla import SlaRules, set_due_dates
from recruitment_watch.services.criteria.packs import active_packs
from recruitment_watch.services.errors import N_, NotFound, ServiceError

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
    consent_method: ConsentMethod | None = Field(default=None, description="How the worker consented.")
    consent_at: datetime | None = Field(default=None, description="When the worker consented (default: now).")
    respondent_name: str | None = Field(default=None, max_length=200)
    origin_country: CountryCode | None = None
    destination_country: CountryCode | None = None
    incident_date: date | None = None
    incident_place: str | None = Field(default=None, max_length=200)
    worker_name: str | None = Field(default=None, max_length=200, description="Kept apart; only the assigned "
                                    "inspector sees it.")  # fmt: skip
    worker_passport_no: str | None = Field(default=None, max_length=32)
    worker_phone: str | None = Field(default=None, max_length=40)

    @field_validator("severity")
    @classmethod
    def _binding(cls, value: Severity) -> Severity:
        """A complaint takes a binding severity: ``advisory`` is only for criteria (rules not yet enforceable)."""
        if value not in BINDING_SEVERITIES:
            raise ValueError("a complaint's severity is low, medium, high or critical")
        return value


def new_reference(session: Session) -> str:
    """A fresh public reference, ``C-`` and 10 hex digits."""
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
    now = utc_now()
    consent_at = data.consent_at or now
    if consent_at.tzinfo is None:
        consent_at = consent_at.replace(tzinfo=now.tzinfo)
    if consent_at > now + timedelta(minutes=5):
        raise ServiceError(N_("The consent cannot be dated in the future."), field="consent_at")
    if data.incident_date and data.incident_date > now.date():
        raise ServiceError(N_("The date cannot be in the future."), field="incident_date")
    complaint = Complaint(
        reference=new_reference(session),
        filed_by=FiledBy.ngo.value,
        filing_organisation_id=actor.organisation_id,
        consent_recorded=True,
        consent_method=data.consent_method.value if data.consent_method else None,
        consent_at=consent_at,
        worker_id=_protected_worker(session, data),
        respondent_name=(data.respondent_name or "").strip() or None,
        origin_country=data.origin_country,
        destination_country=data.destination_country,
        incident_date=data.incident_date,
        incident_place=(data.incident_place or "").strip() or None,
        received_at=now,
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
    session.add(ComplaintEvent(complaint_id=complaint.id, kind=ComplaintEventKind.message_in.value, body=data.summary,
                               created_at=now))  # fmt: skip
    start_clocks(session, complaint, now=now)
    return complaint


def _protected_worker(session: Session, data: NgoComplaintInput) -> int | None:
    """A pseudonymous worker row, with the identifying details in the protected table, when the NGO names one."""
    name = (data.worker_name or "").strip()
    if not name:
        return None
    if data.origin_country is None:
        raise ServiceError(N_("Give the worker's country of origin with their name."), field="origin_country")
    worker = Worker(reference="W-" + secrets.token_hex(8).upper(), nationality=data.origin_country)
    session.add(worker)
    session.flush()
    session.add(WorkerIdentity(worker_id=worker.id, full_name=name, passport_no=(data.worker_passport_no or "").strip()
                               or None, phone=(data.worker_phone or "").strip() or None))  # fmt: skip
    return worker.id


def start_clocks(session: Session, complaint: Complaint, *, now: datetime) -> None:
    """Set the SLA due dates of a new complaint from the complaint-sla pack's clocks (shown to the complainant)."""
    set_due_dates(complaint, SlaRules.from_packs(active_packs(), escalation_ids=(), reminder_fraction=0).clocks,
                  now=now)  # fmt: skip
    session.flush()


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
