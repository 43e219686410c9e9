"""Complaints with their events (messages, internal notes, status changes) and evidence attachments.

An anonymous complainant is known only by the hash of the receipt code they were given; nothing here identifies
them unless they chose to give contact details.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import Timestamped, currency_code, non_negative, one_of, utc_now
from recruitment_watch.models.vocab import BINDING_SEVERITIES, ComplaintEventKind, ComplaintStatus, FiledBy


class Complaint(Timestamped, table=True):
    """A grievance about an agency, employer or contract, with its SLA clocks and outcome."""

    __tablename__ = "complaint"
    __table_args__ = (
        one_of("filed_by", FiledBy),
        one_of("severity", BINDING_SEVERITIES),  # a complaint is never advisory
        one_of("status", ComplaintStatus),
        currency_code("amount_recovered_currency"),
        *non_negative("amount_recovered_minor"),
        sa.CheckConstraint("filed_by != 'ngo' OR consent_recorded", name="ngo_filing_needs_consent"),
        sa.CheckConstraint(
            "acknowledged_at IS NULL OR acknowledged_at >= received_at", name="acknowledged_after_received"
        ),
        sa.Index("ix_complaint_status_received", "status", "received_at"),
        # Covering indexes (migration 0023): the risk score's substantiated complaints per agency in its window, and
        # the workspace's last twelve months by month and SLA state, without reading the wide rows.
        sa.Index("ix_complaint_substantiated_agency", "substantiated", "respondent_agency_id", "received_at"),
        sa.Index("ix_complaint_received_clocks", "received_at", "status", "ack_due_at", "acknowledged_at",
                 "resolve_due_at", "resolved_at"),  # fmt: skip
        # An agency's newest complaints in order, and its count by status from the index alone (migration 0024).
        sa.Index("ix_complaint_agency_received", "respondent_agency_id", "received_at", "id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=24, unique=True)
    # Argon2id of the anonymous receipt code salted with the reference (hex); the code is shown once, never stored.
    receipt_hash: str | None = Field(default=None, max_length=64, unique=True)
    filed_by: str = Field(max_length=16)
    filing_organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    consent_recorded: bool = False
    consent_method: str | None = Field(default=None, max_length=24)
    consent_at: datetime | None = None
    respondent_agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    respondent_employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    worker_id: int | None = Field(default=None, foreign_key="worker.id")
    # What the complainant typed when the respondent is not (yet) matched to a register entry.
    respondent_name: str | None = Field(default=None, max_length=200)
    origin_country: str | None = Field(default=None, max_length=2)
    destination_country: str | None = Field(default=None, max_length=2)
    incident_date: date | None = None
    incident_place: str | None = Field(default=None, max_length=200)
    # Categories and ILO forced-labour indicators, stored ",fees,deception," (see models.base.pack_list).
    categories: str = Field(max_length=300)
    fl_indicators: str = Field(default="", max_length=400)
    severity: str = Field(max_length=16)
    language: str = Field(max_length=8)
    summary: str = Field(max_length=5000)
    status: str = Field(default=ComplaintStatus.received.value, max_length=24)
    received_at: datetime = Field(default_factory=utc_now)
    acknowledged_at: datetime | None = None
    investigation_started_at: datetime | None = None
    resolved_at: datetime | None = None
    ack_due_at: datetime | None = None
    resolve_due_at: datetime | None = None
    escalated_at: datetime | None = None
    assignee_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    substantiated: bool | None = None
    # One of ComplaintOutcome once the case is decided.
    outcome: str | None = Field(default=None, max_length=2000)
    referred_to: str | None = Field(default=None, max_length=200)
    closing_note: str | None = Field(default=None, max_length=2000)
    # Set when an inspector merges this complaint into another (never automatically).
    duplicate_of_id: int | None = Field(default=None, foreign_key="complaint.id")
    amount_recovered_minor: int | None = None
    amount_recovered_currency: str | None = Field(default=None, max_length=3)
    # Set by the retention job when it removed the case's identifying text (summary, messages, notes, contact).
    pseudonymised_at: datetime | None = None


class ComplaintEvent(SQLModel, table=True):
    """One entry in a complaint's history. Notes are internal; messages are seen by the complainant."""

    __tablename__ = "complaint_event"
    __table_args__ = (
        one_of("kind", ComplaintEventKind),
        sa.CheckConstraint("kind != 'note' OR internal", name="notes_are_internal"),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    internal: bool = False
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    body: str = Field(default="", max_length=10000)
    from_status: str | None = Field(default=None, max_length=24)
    to_status: str | None = Field(default=None, max_length=24)
    created_at: datetime = Field(default_factory=utc_now)


class ComplaintAttachment(SQLModel, table=True):
    """An evidence file attached to a complaint (stored outside the database, checked on upload)."""

    __tablename__ = "complaint_attachment"
    __table_args__ = (*non_negative("size_bytes"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=255, unique=True)
    uploaded_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # An inspector's working file, never shown to the complainant or the NGO.
    internal: bool = False
    uploaded_at: datetime = Field(default_factory=utc_now)
    # Set by the retention job when it deleted the file from the evidence store (the row stays for the statistics).
    removed_at: datetime | None = None


class ComplaintContact(SQLModel, table=True):
    """How to reach a complainant who chose to say; seen only by the inspector assigned to the case."""

    __tablename__ = "complaint_contact"

    complaint_id: int = Field(foreign_key="complaint.id", primary_key=True, ondelete="CASCADE")
    contact: str = Field(max_length=300)
