"""The case page's data: the complaint, its parties by name, one timeline (messages both ways, internal notes,
status changes, assignments, reminders, files) and, for the assigned inspector only, who the complainant is.

The complainant's contact and the worker's identity are personal data the ministry keeps apart; only the inspector
the case is assigned to reads them (``identity_visible``), not their colleagues or admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch import money
from recruitment_watch.models import (
    Agency,
    Complaint,
    ComplaintAttachment,
    ComplaintContact,
    ComplaintEvent,
    Contract,
    Employer,
    User,
    Worker,
    WorkerIdentity,
)
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.cases import case_of, possible_duplicates


@dataclass(frozen=True)
class TimelineEntry:
    """One event or file of the case, in time order."""

    at: datetime
    kind: str  # a ComplaintEventKind, or "attachment"
    internal: bool
    author: str | None
    body: str = ""
    from_status: str | None = None
    to_status: str | None = None
    attachment_id: int | None = None
    filename: str | None = None
    size_bytes: int | None = None


@dataclass(frozen=True)
class Party:
    """A record the case is about, by name (and licence or registration number)."""

    id: int
    name: str
    number: str | None = None


@dataclass(frozen=True)
class Identity:
    """Who the complainant is: shown to the assigned inspector only."""

    contact: str | None
    worker_name: str | None
    passport_no: str | None
    phone: str | None
    address: str | None


@dataclass(frozen=True)
class CaseFile:
    """Everything the case page shows."""

    complaint: Complaint
    assignee_name: str | None
    agency: Party | None
    employer: Party | None
    contract: Party | None
    worker: Party | None
    duplicate_of: str | None
    timeline: list[TimelineEntry]
    duplicates: list[Complaint]
    identity: Identity | None
    amount_recovered: str | None


def identity_visible(actor: Actor, complaint: Complaint) -> bool:
    """Whether ``actor`` is the inspector the case is assigned to."""
    return actor.user_id is not None and complaint.assignee_user_id == actor.user_id


def timeline_of(session: Session, complaint_id: int) -> list[TimelineEntry]:
    """Every event and file of the case, oldest first, with the authors' names."""
    events = session.execute(
        select(ComplaintEvent, User.full_name)
        .outerjoin(User, User.id == ComplaintEvent.author_user_id)
        .where(ComplaintEvent.complaint_id == complaint_id)
    ).all()
    files = session.execute(
        select(ComplaintAttachment, User.full_name)
        .outerjoin(User, User.id == ComplaintAttachment.uploaded_by_user_id)
        .where(ComplaintAttachment.complaint_id == complaint_id)
    ).all()
    entries = [
        (event.created_at, event.id, TimelineEntry(event.created_at, event.kind, event.internal, author, event.body,
                                                   event.from_status, event.to_status))
        for event, author in events
    ] + [
        (file.uploaded_at, file.id, TimelineEntry(file.uploaded_at, "attachment", file.internal, author,
                                                  attachment_id=file.id, filename=file.filename,
                                                  size_bytes=file.size_bytes))
        for file, author in files
    ]  # fmt: skip
    return [entry for _at, _id, entry in sorted(entries, key=lambda item: (item[0], item[1]))]


def _identity(session: Session, complaint: Complaint) -> Identity:
    contact = session.get(ComplaintContact, complaint.id)
    person = session.get(WorkerIdentity, complaint.worker_id) if complaint.worker_id is not None else None
    return Identity(
        contact=contact.contact if contact else None,
        worker_name=person.full_name if person else None,
        passport_no=person.passport_no if person else None,
        phone=person.phone if person else None,
        address=person.address if person else None,
    )


def case_file(actor: Actor, reference: str, *, session: Session) -> CaseFile:
    """The case ``reference`` as its page shows it to ``actor`` (staff only; ``NotFound`` otherwise)."""
    complaint = case_of(actor, reference, session=session)
    agency = session.get(Agency, complaint.respondent_agency_id) if complaint.respondent_agency_id else None
    employer = session.get(Employer, complaint.respondent_employer_id) if complaint.respondent_employer_id else None
    contract = session.get(Contract, complaint.contract_id) if complaint.contract_id else None
    worker = session.get(Worker, complaint.worker_id) if complaint.worker_id else None
    assignee = session.get(User, complaint.assignee_user_id) if complaint.assignee_user_id else None
    original = session.get(Complaint, complaint.duplicate_of_id) if complaint.duplicate_of_id else None
    return CaseFile(
        complaint=complaint,
        assignee_name=assignee.full_name if assignee else None,
        agency=Party(agency.id, agency.name, agency.licence_no) if agency else None,
        employer=Party(employer.id, employer.name, employer.registration_no) if employer else None,
        contract=Party(contract.id, contract.reference, f"{contract.origin_country}→{contract.destination_country}")
        if contract
        else None,
        worker=Party(worker.id, worker.reference, worker.nationality) if worker else None,
        duplicate_of=original.reference if original else None,
        timeline=timeline_of(session, complaint.id),
        duplicates=possible_duplicates(actor, complaint, session=session),
        identity=_identity(session, complaint) if identity_visible(actor, complaint) else None,
        amount_recovered=_amount(complaint),
    )


def _amount(complaint: Complaint) -> str | None:
    """What was recovered for the worker, in the currency's units (``1500.50 NPR``)."""
    if complaint.amount_recovered_minor is None or not complaint.amount_recovered_currency:
        return None
    currency = complaint.amount_recovered_currency
    units = Decimal(complaint.amount_recovered_minor).scaleb(-money.exponent(currency))
    return f"{units:,} {currency}"
