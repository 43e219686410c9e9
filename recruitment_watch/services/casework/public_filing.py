"""Complaints anyone may file without an account, and how they follow them with a receipt code.

A worker or a relative says, in plain words, what happened; each plain choice maps to the complaint taxonomy, to
the ILO forced-labour indicators and to a severity (the most severe choice wins), so the SLA clocks of the
complaint-sla pack start at once with the right allowance. Nothing that identifies the device is stored: no
address, no user agent. The complainant gets a reference and a receipt code shown once; the complaint keeps only
a slow digest of the code. Contact details, when the person chooses to give them, live apart in
``complaint_contact`` (seen only by the assigned inspector).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field
from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Agency, Complaint, ComplaintContact, ComplaintEvent
from recruitment_watch.models.base import pack_list, utc_now
from recruitment_watch.models.vocab import (
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintStatus,
    ConsentMethod,
    ForcedLabourIndicator,
    Severity,
)
from recruitment_watch.schemas.common import MAX_ID, CountryCode, LanguageCode, StrictInput
from recruitment_watch.services.casework.attachments import attach
from recruitment_watch.services.casework.complaints import new_reference, start_clocks
from recruitment_watch.services.casework.evidence import StoredFile
from recruitment_watch.services.casework.receipts import new_receipt_code, receipt_digest, receipt_matches
from recruitment_watch.services.errors import N_, NotFound, ServiceError

Indicator = ForcedLabourIndicator


class WhatHappened(StrEnum):
    """The plain-language choices of the public form."""

    paid_fees = "paid_fees"
    debt = "debt"
    wages_unpaid = "wages_unpaid"
    different_contract = "different_contract"
    lied_to = "lied_to"
    passport_taken = "passport_taken"
    hurt_or_threatened = "hurt_or_threatened"
    cannot_leave = "cannot_leave"
    too_many_hours = "too_many_hours"
    bad_housing = "bad_housing"
    sent_home = "sent_home"
    other = "other"


@dataclass(frozen=True)
class Meaning:
    category: ComplaintCategory
    indicators: tuple[ForcedLabourIndicator, ...]
    severity: Severity


# What each plain choice means in the taxonomy (criteria.md §7) and the ILO forced-labour indicators (SAP-FL 2012).
MEANINGS: dict[WhatHappened, Meaning] = {
    WhatHappened.paid_fees: Meaning(ComplaintCategory.fees, (), Severity.medium),
    WhatHappened.debt: Meaning(ComplaintCategory.fees, (Indicator.debt_bondage,), Severity.high),
    WhatHappened.wages_unpaid: Meaning(
        ComplaintCategory.unpaid_wages, (Indicator.withholding_of_wages,), Severity.high
    ),  # fmt: skip
    WhatHappened.different_contract: Meaning(
        ComplaintCategory.contract_substitution, (Indicator.deception,), Severity.high
    ),  # fmt: skip
    WhatHappened.lied_to: Meaning(ComplaintCategory.deception, (Indicator.deception,), Severity.medium),
    WhatHappened.passport_taken: Meaning(
        ComplaintCategory.passport_retention, (Indicator.retention_of_identity_documents,), Severity.high
    ),  # fmt: skip
    WhatHappened.hurt_or_threatened: Meaning(
        ComplaintCategory.harassment_violence,
        (Indicator.physical_sexual_violence, Indicator.intimidation_threats),
        Severity.critical,
    ),  # fmt: skip
    WhatHappened.cannot_leave: Meaning(
        ComplaintCategory.other, (Indicator.restriction_of_movement,), Severity.critical
    ),  # fmt: skip
    WhatHappened.too_many_hours: Meaning(
        ComplaintCategory.excessive_hours, (Indicator.excessive_overtime,), Severity.medium
    ),  # fmt: skip
    WhatHappened.bad_housing: Meaning(
        ComplaintCategory.living_conditions, (Indicator.abusive_conditions,), Severity.medium
    ),  # fmt: skip
    WhatHappened.sent_home: Meaning(ComplaintCategory.termination_repatriation, (), Severity.medium),
    WhatHappened.other: Meaning(ComplaintCategory.other, (), Severity.low),
}
_SEVERITY_ORDER = [Severity.low, Severity.medium, Severity.high, Severity.critical]


class PublicComplaintInput(StrictInput):
    """What the public form sends."""

    filed_by: Literal["worker", "family"]
    # A relative or friend says the worker agrees (recorded as the worker's consent, given electronically, now).
    worker_agrees: bool = False
    respondent_agency_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    respondent_name: str | None = Field(default=None, max_length=200)
    what_happened: list[WhatHappened] = Field(min_length=1, max_length=len(WhatHappened))
    incident_date: date | None = None
    incident_place: str | None = Field(default=None, max_length=200)
    origin_country: CountryCode | None = None
    destination_country: CountryCode | None = None
    language: LanguageCode
    summary: str = Field(min_length=10, max_length=5000)
    contact: str | None = Field(default=None, max_length=300)


@dataclass(frozen=True)
class Filed:
    """What the complainant is shown once: the reference and the receipt code (never stored)."""

    reference: str
    receipt_code: str
    complaint: Complaint


class ReceiptRefused(ServiceError):
    """The reference and receipt code do not open a complaint (one answer for every reason)."""


class CaseClosed(ServiceError):
    """The case is closed; nothing more can be added to it."""


def meaning_of(choices: list[WhatHappened]) -> tuple[list[str], list[str], str]:
    """Categories, indicators and severity of the plain choices (each listed once, in the choices' order)."""
    categories = list(dict.fromkeys(MEANINGS[c].category.value for c in choices))
    indicators = list(dict.fromkeys(i.value for c in choices for i in MEANINGS[c].indicators))
    severity = max((MEANINGS[c].severity for c in choices), key=_SEVERITY_ORDER.index)
    return categories, indicators, severity.value


def file_public_complaint(data: PublicComplaintInput, *, session: Session, files: list[StoredFile] = (),
                          now: datetime | None = None) -> Filed:  # fmt: skip
    """Record an anonymous complaint with its files; flushes (the caller commits). No device data is taken."""
    now = now or utc_now()
    if data.incident_date and data.incident_date > now.date():
        raise ServiceError(N_("The date cannot be in the future."), field="incident_date")
    if data.respondent_agency_id is not None and session.get(Agency, data.respondent_agency_id) is None:
        raise NotFound(N_("Choose the agency again: the one chosen is not in the register."), field="agency")
    categories, indicators, severity = meaning_of(data.what_happened)
    reference = new_reference(session)
    code = new_receipt_code()
    complaint = Complaint(
        reference=reference,
        receipt_hash=receipt_digest(reference, code),
        filed_by=data.filed_by,
        consent_recorded=data.filed_by == "family" and data.worker_agrees,
        consent_method=ConsentMethod.electronic.value if data.filed_by == "family" and data.worker_agrees else None,
        consent_at=now if data.filed_by == "family" and data.worker_agrees else None,
        respondent_agency_id=data.respondent_agency_id,
        respondent_name=(data.respondent_name or "").strip() or None,
        origin_country=data.origin_country,
        destination_country=data.destination_country,
        incident_date=data.incident_date,
        incident_place=(data.incident_place or "").strip() or None,
        categories=pack_list(categories),
        fl_indicators=pack_list(indicators),
        severity=severity,
        language=data.language,
        summary=data.summary.strip(),
        status=ComplaintStatus.received.value,
        received_at=now,
    )
    session.add(complaint)
    session.flush()
    session.add(ComplaintEvent(complaint_id=complaint.id, kind=ComplaintEventKind.message_in.value,
                               body=complaint.summary, created_at=now))  # fmt: skip
    if data.contact and data.contact.strip():
        session.add(ComplaintContact(complaint_id=complaint.id, contact=data.contact.strip()))
    attach(session, complaint, files, now=now)
    start_clocks(session, complaint, now=now)
    return Filed(reference, code, complaint)


def complaint_for_receipt(session: Session, reference: str, typed_code: str) -> Complaint:
    """The complaint the reference and code open; ``ReceiptRefused`` (the same words) for any mismatch."""
    reference = reference.strip().upper()
    complaint = None
    if len(reference) <= 24:
        complaint = session.scalar(select(Complaint).where(Complaint.reference == reference))
    stored = complaint.receipt_hash if complaint is not None else None
    if not receipt_matches(stored, reference, typed_code):
        raise ReceiptRefused(N_("The reference and receipt code do not match a complaint. Check both and try again."),
                             field="receipt_code")  # fmt: skip
    return complaint


def reply(session: Session, complaint: Complaint, text: str, *, files: list[StoredFile] = (),
          now: datetime | None = None) -> ComplaintEvent | None:  # fmt: skip
    """The complainant (or the NGO filing for them) answers: a message and/or files, seen by the inspector."""
    if complaint.status == ComplaintStatus.closed.value:
        raise CaseClosed(N_("This case is closed. If something new happened, please file a new complaint."),
                         field="message")  # fmt: skip
    text = text.strip()
    if not text and not files:
        raise ServiceError(N_("Write a message or add a file."), field="message")
    now = now or utc_now()
    event = None
    if text:
        event = ComplaintEvent(complaint_id=complaint.id, kind=ComplaintEventKind.message_in.value, body=text,
                               created_at=now)  # fmt: skip
        session.add(event)
    attach(session, complaint, files, now=now)
    session.flush()
    return event
