"""What the API answers: response models (read from rows with ``from_attributes``) and query models.

Input models are the service layer's (``schemas/``, ``services.contracts.submissions``, ``services.casework``), all
``extra="forbid"``. Every listed item carries ``updated_at`` so a client can sync incrementally.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from recruitment_watch.models.base import unpack_list
from recruitment_watch.schemas.common import NoNulText


class Out(BaseModel):
    """Base of response models."""

    model_config = ConfigDict(from_attributes=True)


class FieldProblem(Out):
    """One offending field (dotted path into the body; ``header:…`` or ``query:…`` for those) and what is wrong."""

    field: str | None = None
    message: str


class Problem(Out):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str = Field(description="Stable URI reference of the problem type, e.g. /api/v1/problems/validation-error")
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class Citation(Out):
    instrument: str
    article: str


class PreviewFinding(Out):
    """A criterion the contract breaks, as a sweep would record it."""

    criterion_id: str
    pack_id: str
    pack_version: str
    severity: str
    title: str
    message: str
    citation: Citation
    evidence_tag: str
    remediation: str
    judged_on: Literal["submission", "registry"] = Field(
        default="submission",
        description="submission: the verdict reads only what was submitted; registry: it also reads the agency's "
        "licence history as the register holds it now (a licence decision recorded later can change it).",
    )


class ContractVersionOut(Out):
    seq: int
    kind: str
    signed_on: date | None
    employer_id: int
    employer_name: str
    job_title: str
    isco_code: str | None
    worksite_country: str
    worksite_city: str | None
    basic_wage_minor: int
    wage_currency: str
    wage_period: str
    basic_wage_usd_minor: int
    food_allowance_minor: int | None
    housing_allowance_minor: int | None
    transport_allowance_minor: int | None
    hours_per_day: int | None
    days_per_week: int | None
    weekly_rest_days: int | None
    duration_months: int | None
    food_provided: bool
    housing_provided: bool
    daily_rest_hours: int | None
    overtime_rate_pct: int | None
    annual_leave_days: int | None
    probation_months: int | None
    return_ticket_by: str | None
    recruitment_costs_borne_by: str | None
    languages: list[str]
    deductions: list[str]
    copy_given_to_worker: bool
    medical_cover: bool
    termination_notice_days: int | None
    dispute_clause: bool
    repatriation_clause: bool
    joint_liability_clause: bool
    attested: bool
    content_sha256: str

    @field_validator("languages", "deductions", mode="before")
    @classmethod
    def _unpack(cls, value: Any) -> list[str]:
        return unpack_list(value) if isinstance(value, str) else list(value or [])


class FeePaymentOut(Out):
    id: int
    worker_id: int
    contract_id: int | None
    agency_id: int
    sub_agent_id: int | None
    payee_type: str
    payee_name: str | None
    payee_licensed: bool | None
    category: str
    amount_minor: int
    currency: str
    amount_usd_minor: int
    paid_on: date
    method: str
    receipt_no: str | None
    loan_taken: bool
    loan_interest_bp: int | None
    stage: str
    created_at: datetime
    updated_at: datetime


class ContractOut(Out):
    id: int
    reference: str
    agency_id: int
    employer_id: int
    worker_id: int
    job_order_id: int | None
    origin_country: str
    destination_country: str
    sector: str
    isco_code: str | None
    departure_on: date | None
    deployed: bool
    created_at: datetime
    updated_at: datetime
    versions: list[ContractVersionOut] = Field(default_factory=list)
    fee_payments: list[FeePaymentOut] = Field(default_factory=list)


class ContractAccepted(Out):
    """A stored contract with what it breaks (the criteria preview, with citations)."""

    status: Literal["accepted"] = "accepted"
    contract: ContractOut
    preview: list[PreviewFinding]


class BulkItemResult(Out):
    """One item of a bulk request: accepted (with its id, and the preview for contracts) or rejected with reasons."""

    index: int
    status: Literal["accepted", "rejected"]
    id: int | None = None
    reference: str | None = None
    preview: list[PreviewFinding] | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class BulkResult(Out):
    accepted: int
    rejected: int
    results: list[BulkItemResult]


class BulkInput(BaseModel):
    """Up to 1,000 items, each judged on its own: a bad item is rejected without blocking the others."""

    model_config = ConfigDict(extra="forbid")

    items: list[dict[str, Any]] = Field(
        min_length=1, max_length=1000, description="Each item has the shape of the single-item endpoint's body."
    )


class FindingOut(Out):
    id: int
    criterion_id: str
    pack_id: str
    pack_version: str
    subject_type: str
    subject_id: int
    agency_id: int | None
    severity: str
    status: str
    message: str
    citation: str
    evidence: dict[str, Any]
    first_seen_at: datetime
    last_seen_at: datetime
    due_on: date | None
    resolved_at: datetime | None
    agency_response: str | None
    agency_responded_at: datetime | None
    updated_at: datetime


class ComplaintMessage(Out):
    kind: str
    body: str
    from_status: str | None
    to_status: str | None
    created_at: datetime


class ComplaintOut(Out):
    id: int
    reference: str
    status: str
    severity: str
    categories: list[str]
    fl_indicators: list[str]
    language: str
    respondent_agency_id: int | None
    respondent_employer_id: int | None
    contract_id: int | None
    received_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    ack_due_at: datetime | None
    resolve_due_at: datetime | None
    outcome: str | None
    updated_at: datetime
    messages: list[ComplaintMessage] = Field(default_factory=list)

    @field_validator("categories", "fl_indicators", mode="before")
    @classmethod
    def _unpack(cls, value: Any) -> list[str]:
        return unpack_list(value) if isinstance(value, str) else list(value or [])


class EmployerOut(Out):
    id: int
    name: str
    registration_no: str
    country: str
    sector: str
    address: str | None
    watchlisted: bool
    watchlist_reason: str | None
    registered_by_user_id: int | None
    registered_by_key_id: int | None
    updated_at: datetime


class SweepOut(Out):
    check_run_id: int
    mode: str
    new_findings: int
    still_open: int
    auto_resolved: int
    duration_ms: int


def page_model(item: type[Out], name: str) -> type[Out]:
    """A cursor page of ``item``: ``next_cursor`` is null on the last page."""
    return create_model(
        name,
        __base__=Out,
        __doc__=f"A page of {item.__name__} in (updated_at, id) order; pass next_cursor to get the next page.",
        items=(list[item], ...),
        next_cursor=(str | None, None),
    )


ContractPage = page_model(ContractOut, "ContractPage")
FeePaymentPage = page_model(FeePaymentOut, "FeePaymentPage")
FindingPage = page_model(FindingOut, "FindingPage")
ComplaintPage = page_model(ComplaintOut, "ComplaintPage")
EmployerPage = page_model(EmployerOut, "EmployerPage")


ISO_DATE_START = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")


class PageQuery(NoNulText):
    """Cursor pagination and incremental sync."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=100, ge=1, le=500)
    cursor: str | None = Field(
        default=None, pattern=r"^[0-9]{1,16}-[0-9]{1,18}$", description="next_cursor of the previous page"
    )
    updated_since: datetime | None = Field(
        default=None, description="only items changed at or after this instant (ISO 8601, with its UTC offset)"
    )

    @field_validator("updated_since", mode="before")
    @classmethod
    def _iso_instant(cls, value: Any) -> Any:
        """An ISO 8601 text only: a bare number is not read as Unix time."""
        if value is not None and not isinstance(value, str | datetime):
            raise ValueError("give an ISO 8601 instant such as 2026-11-30T12:00:00Z")
        if isinstance(value, str) and not ISO_DATE_START.match(value):
            raise ValueError("give an ISO 8601 instant such as 2026-11-30T12:00:00Z")
        return value

    @field_validator("updated_since")
    @classmethod
    def _in_utc_range(cls, value: datetime | None) -> datetime | None:
        """The instant in UTC; one that falls outside years 1-9999 once its offset is applied is refused."""
        if value is None:
            return None
        if value.tzinfo is None:  # read as UTC, as before
            return value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError as exc:
            raise ValueError("the instant is outside the years 1 to 9999 in UTC") from exc


class FindingQuery(PageQuery):
    status: Literal["open", "agency_responded", "verified_remediated", "dismissed", "auto_resolved"] | None = None
    severity: Literal["advisory", "low", "medium", "high", "critical"] | None = None


class ComplaintQuery(PageQuery):
    status: Literal["received", "acknowledged", "under_investigation", "resolved", "referred", "closed"] | None = None


class EmployerQuery(PageQuery):
    registration_no: str | None = Field(default=None, max_length=64)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")


class VerifyQuery(NoNulText):
    model_config = ConfigDict(extra="forbid")

    licence_no: str = Field(min_length=1, max_length=64)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
