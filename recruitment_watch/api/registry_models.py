"""API answers about the register: organisations, agencies with their branches and sub-agents, licence decisions
and the licence's public history, job orders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from recruitment_watch.api.models import Out


class BranchOut(Out):
    id: int
    name: str
    city: str
    country: str


class SubAgentOut(Out):
    id: int
    name: str
    registered_no: str | None
    licensed: bool
    country: str


class OrganisationOut(Out):
    id: int
    name: str
    kind: str
    country: str
    registered_by_user_id: int | None
    registered_by_key_id: int | None
    created_at: datetime


class AgencyOut(Out):
    """An agency on the register, with its licence as it stands today, its branches and declared sub-agents."""

    id: int
    organisation_id: int | None
    name: str
    country: str
    licence_no: str
    licence_authority: str
    licence_valid_from: date | None
    licence_valid_to: date | None
    status: str
    uses_sub_agents: bool
    iris_certified: bool
    address: str | None
    phone: str | None
    email: str | None
    branches: list[BranchOut] = Field(default_factory=list)
    sub_agents: list[SubAgentOut] = Field(default_factory=list)
    registered_by_user_id: int | None
    registered_by_key_id: int | None
    created_at: datetime
    updated_at: datetime


class LicenceDecisionOut(Out):
    """A recorded licence decision; the criteria judge each contract on the licence as it stood on its dates."""

    id: int
    agency_id: int
    decision: str
    status: str
    decided_on: date
    valid_to: date | None
    reason: str
    legal_basis: str | None
    recorded_at: datetime


class JobOrderOut(Out):
    """A demand letter on the register (contracts refer to it by id)."""

    id: int
    employer_id: int
    agency_id: int
    destination_country: str
    job_title: str
    isco_code: str | None
    quantity: int
    wage_minor: int
    wage_currency: str
    ticket_paid_by: str | None
    visa_paid_by: str | None
    approval_no: str | None
    approval_valid_from: date | None
    approval_valid_to: date | None
    approving_authority: str | None
    attested: bool
    registered_by_user_id: int | None
    registered_by_key_id: int | None
    created_at: datetime
    updated_at: datetime


class Sanction(Out):
    status: str
    decided_on: date
    reason: str
    legal_basis: str | None


class LicencePeriodOut(Out):
    """A period of the licence's history, newest first: the decision, the status it left, from ``since`` to
    ``until`` (inclusive; null for the current period), and the validity end of a granted licence."""

    decision: Literal["issued", "renewed", "suspended", "cancelled", "reinstated", "expired", "surrendered",
                      "delisted", "banned"]  # fmt: skip
    status: str
    since: date
    until: date | None
    valid_to: date | None
    reason: str
    legal_basis: str | None


class Compliance(Out):
    grade: Literal["ok", "watchlist", "suspension_review"]
    risk_points: float
    open_findings: dict[str, int]


class LicenceVerification(Out):
    """Public facts about a licence: anyone may check an agency before paying it anything."""

    licence_no: str
    country: str
    agency_name: str
    licence_authority: str
    status: str
    licence_valid_from: date | None
    licence_valid_to: date | None
    valid_today: bool
    sanctions: list[Sanction]
    history: list[LicencePeriodOut]
    compliance: Compliance
