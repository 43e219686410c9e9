"""Generated PDF reports: what was asked for, the rendering's progress, and the fingerprint of the file made.

A report row is written when someone asks for a report (status ``queued``); a separate worker process renders it
(``rendering``), then stores the file, its SHA-256 and size (``done``) or the reason it failed (``failed``). The
public verification page finds a report by its random token and compares an uploaded file with the stored hash.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import JSON_TYPE, non_negative, one_of, utc_now


class ReportKind(StrEnum):
    agency = "agency"  # one agency's compliance report
    ministry = "ministry"  # the ministry's report over a period (a month, a quarter)
    complaint = "complaint"  # one complaint's case file


class ReportStatus(StrEnum):
    queued = "queued"
    rendering = "rendering"
    done = "done"
    failed = "failed"


class Report(SQLModel, table=True):
    """A requested PDF report: its scope (agency, period or complaint), language, progress, file and fingerprint."""

    __tablename__ = "report"
    __table_args__ = (
        one_of("kind", ReportKind),
        one_of("status", ReportStatus),
        *non_negative("size_bytes", "data_ms", "render_ms"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # What people quote and what every page prints: ``R-2026-000123`` (year requested, row id).
    public_id: str | None = Field(default=None, max_length=24, unique=True)
    kind: str = Field(max_length=40, index=True)
    # The request as given (licence number, period, complaint reference, who reads a case file).
    parameters: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    language: str = Field(default="en", max_length=8)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")
    period_start: date | None = None
    period_end: date | None = None  # the last day included
    status: str = Field(default=ReportStatus.queued.value, max_length=16, sa_column_kwargs={"server_default": "queued"})
    # How it was asked for: web, cli or job (the job and the CLI act for nobody in particular).
    requested_via: str = Field(default="web", max_length=8, sa_column_kwargs={"server_default": "web"})
    requested_at: datetime | None = None
    # The moment the report's figures were read: printed on every page.
    generated_at: datetime = Field(default_factory=utc_now)
    generated_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    finished_at: datetime | None = None
    data_ms: int | None = None  # reading the figures (SQL) and filling the template
    render_ms: int | None = None  # WeasyPrint's layout and PDF writing
    size_bytes: int | None = None
    error: str | None = Field(default=None, max_length=2000)
    sha256: str | None = Field(default=None, max_length=64)
    # The file, relative to the instance folder (``reports/R-2026-000123.pdf``).
    storage_key: str | None = Field(default=None, max_length=255)
    # Random and url-safe: the QR code and the short link lead to /reports/verify/<token>.
    verification_token: str = Field(max_length=64, unique=True)
