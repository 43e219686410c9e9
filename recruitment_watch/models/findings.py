"""Check runs, the findings they raise, and the decisions (sanctions) inspectors take on agencies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import JSON_TYPE, non_negative, one_of, utc_now
from recruitment_watch.models.vocab import DecisionKind, FindingStatus, RunStatus, Severity, SubjectType


class CheckRun(SQLModel, table=True):
    """One sweep of the criteria over the database (full or incremental)."""

    __tablename__ = "check_run"
    __table_args__ = (
        one_of("status", RunStatus),
        sa.CheckConstraint("mode IN ('full', 'incremental')", name="mode_allowed"),
        *non_negative("duration_ms"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mode: str = Field(max_length=16)
    trigger: str = Field(max_length=16)
    # [{"id": ..., "version": ..., "digest": ...}] of every pack the run judged with.
    packs: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON_TYPE)
    counts: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    status: str = Field(default=RunStatus.running.value, max_length=16, index=True)
    started_at: datetime = Field(default_factory=utc_now, index=True)
    finished_at: datetime | None = None
    duration_ms: int | None = None
    error: str | None = None


class Finding(SQLModel, table=True):
    """A criterion broken by one subject. At most one open finding per (criterion, subject): reruns update it."""

    __tablename__ = "finding"
    __table_args__ = (
        one_of("status", FindingStatus),
        one_of("severity", Severity),
        one_of("subject_type", SubjectType),
        sa.Index("ix_finding_subject", "subject_type", "subject_id"),
        sa.Index("ix_finding_agency_status", "agency_id", "status"),
        # The findings queue's keyset orders (newest first, within a status, a severity or an agency; due date): each
        # page is an index range scan, whatever page it is (tests/services/casework/test_finding_queue.py EXPLAINs).
        sa.Index("ix_finding_seen", "first_seen_at", "id"),
        sa.Index("ix_finding_status_seen", "status", "first_seen_at", "id"),
        sa.Index("ix_finding_severity_seen", "severity", "first_seen_at", "id"),
        sa.Index("ix_finding_agency_seen", "agency_id", "first_seen_at", "id"),
        sa.Index("ix_finding_due", "due_on", "id"),
        sa.CheckConstraint(
            "(status IN ('open', 'agency_responded')) = (open_key IS NOT NULL)", name="open_key_iff_open"
        ),
        sa.CheckConstraint("status != 'dismissed' OR dismissed_reason IS NOT NULL", name="dismissal_has_reason"),
        sa.CheckConstraint("(disclosed_at IS NULL) = (disclosed_text IS NULL)", name="disclosure_has_text"),
    )

    id: int | None = Field(default=None, primary_key=True)
    criterion_id: str = Field(max_length=40, index=True)
    pack_id: str = Field(max_length=60)
    pack_version: str = Field(max_length=20)
    pack_digest: str = Field(max_length=64)
    subject_type: str = Field(max_length=24)
    subject_id: int
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    severity: str = Field(max_length=16)
    message: str = Field(max_length=2000)
    citation: str = Field(max_length=500)
    evidence: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    status: str = Field(default=FindingStatus.open.value, max_length=24)
    # "criterion|subject_type|subject_id" while the finding is open, NULL once closed: the unique key that makes a
    # second open finding for the same subject impossible on both engines (NULLs never collide).
    open_key: str | None = Field(default=None, max_length=120, unique=True)
    first_seen_at: datetime = Field(default_factory=utc_now)
    last_seen_at: datetime = Field(default_factory=utc_now)
    due_on: date | None = None
    resolved_at: datetime | None = None
    last_check_run_id: int | None = Field(default=None, foreign_key="check_run.id")
    agency_response: str | None = Field(default=None, max_length=5000)
    agency_responded_at: datetime | None = None
    verified_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    verified_at: datetime | None = None
    dismissed_reason: str | None = Field(default=None, max_length=1000)
    dismissed_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # The ministry inspector working the finding (the queue's "assigned to" filter).
    assigned_to_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    # A finding about a complaint stays with the ministry: the accused agency learns of it only when an inspector
    # puts it to the agency, and then reads only the inspector's words (never the complainant's identity or words).
    disclosed_at: datetime | None = None
    disclosed_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    disclosed_text: str | None = Field(default=None, max_length=2000)
    updated_at: datetime = Field(default_factory=utc_now, index=True, sa_column_kwargs={"onupdate": utc_now})


class FindingAttachment(SQLModel, table=True):
    """A file an agency sent with its response to a finding (in the evidence store, checked like complaint files)."""

    __tablename__ = "finding_attachment"
    __table_args__ = (*non_negative("size_bytes"),)

    id: int | None = Field(default=None, primary_key=True)
    finding_id: int = Field(foreign_key="finding.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=255, unique=True)
    uploaded_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_at: datetime = Field(default_factory=utc_now)


class Decision(SQLModel, table=True):
    """A sanction or recommendation on an agency (warning, demerit points, watchlist, suspension review)."""

    __tablename__ = "decision"
    __table_args__ = (one_of("kind", DecisionKind), *non_negative("points"))

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    kind: str = Field(max_length=32)
    points: int = 0
    reason: str = Field(max_length=2000)
    finding_id: int | None = Field(default=None, foreign_key="finding.id")
    decided_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime = Field(default_factory=utc_now)
    revoked_at: datetime | None = None
