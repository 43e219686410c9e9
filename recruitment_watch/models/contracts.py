"""Job orders, contracts and their versions (offer → origin-signed → destination-registered).

Each version keeps the full terms as agreed at that stage, plus a SHA-256 of its canonical content chained to the
previous version's hash, so a later edit of any stored version is detectable.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import RegisteredBy, Timestamped, currency_code, non_negative, one_of, utc_now
from recruitment_watch.models.vocab import Payer, VersionKind, WagePeriod


class JobOrder(Timestamped, RegisteredBy, table=True):
    """A demand letter: an employer asks an agency for workers, approved by the origin authority."""

    __tablename__ = "job_order"
    __table_args__ = (
        *non_negative("quantity", "wage_minor"),
        currency_code("wage_currency"),
        one_of("ticket_paid_by", Payer, nullable=True),
        one_of("visa_paid_by", Payer, nullable=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    destination_country: str = Field(max_length=2)
    job_title: str = Field(max_length=200)
    isco_code: str | None = Field(default=None, max_length=4)
    quantity: int
    wage_minor: int
    wage_currency: str = Field(max_length=3)
    ticket_paid_by: str | None = Field(default=None, max_length=16)
    visa_paid_by: str | None = Field(default=None, max_length=16)
    approval_no: str | None = Field(default=None, max_length=64)
    approval_valid_from: date | None = None
    approval_valid_to: date | None = None
    approving_authority: str | None = Field(default=None, max_length=200)
    attested: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Contract(Timestamped, table=True):
    """One worker's employment contract, recruited by an agency for a foreign employer."""

    __tablename__ = "contract"
    __table_args__ = (
        sa.Index("ix_contract_corridor", "origin_country", "destination_country"),
        # Covers the agencies' 12-month deployment counts (a range on the departure date, no table read).
        sa.Index("ix_contract_deployed_departure", "deployed", "departure_on", "agency_id"),
        # Covers the risk score's contracts recorded in its window, per agency (migration 0015).
        sa.Index("ix_contract_created_agency", "created_at", "agency_id"),
        # One agency's contracts newest first (the agency 360° list) without sorting them all (migration 0022).
        sa.Index("ix_contract_agency_created", "agency_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=40, unique=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    worker_id: int = Field(foreign_key="worker.id", index=True)
    job_order_id: int | None = Field(default=None, foreign_key="job_order.id", index=True)
    origin_country: str = Field(max_length=2)
    destination_country: str = Field(max_length=2)
    sector: str = Field(max_length=64)
    isco_code: str | None = Field(default=None, max_length=4)
    departure_on: date | None = None
    deployed: bool = False


class ContractVersion(SQLModel, table=True):
    """The terms of a contract at one stage; never updated once written (a change is a new version)."""

    __tablename__ = "contract_version"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "seq"),
        # An agency's versions by kind and signing date: versions signed outside its licence, without a join.
        sa.Index("ix_contract_version_agency_signed", "agency_id", "kind", "signed_on", "contract_id"),
        one_of("kind", VersionKind),
        one_of("wage_period", WagePeriod),
        one_of("return_ticket_by", Payer, nullable=True),
        one_of("recruitment_costs_borne_by", Payer, nullable=True),
        currency_code("wage_currency"),
        *non_negative(
            "basic_wage_minor",
            "basic_wage_usd_minor",
            "food_allowance_minor",
            "housing_allowance_minor",
            "transport_allowance_minor",
            "overtime_rate_pct",
            "annual_leave_days",
            "duration_months",
            "probation_months",
            "termination_notice_days",
        ),
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
        sa.CheckConstraint("hours_per_day IS NULL OR hours_per_day BETWEEN 0 AND 24", name="hours_per_day_range"),
        sa.CheckConstraint("days_per_week IS NULL OR days_per_week BETWEEN 0 AND 7", name="days_per_week_range"),
        sa.CheckConstraint(
            "weekly_rest_days IS NULL OR weekly_rest_days BETWEEN 0 AND 7", name="weekly_rest_days_range"
        ),
        sa.CheckConstraint("length(content_sha256) = 64", name="content_sha256_length"),
        sa.CheckConstraint(
            "daily_rest_hours IS NULL OR daily_rest_hours BETWEEN 0 AND 24", name="daily_rest_hours_range"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True, ondelete="CASCADE")
    # The contract's agency, copied when the version is written (a contract never changes agency).
    agency_id: int = Field(foreign_key="agency.id")
    seq: int
    kind: str = Field(max_length=24, index=True)
    basic_wage_minor: int
    wage_currency: str = Field(max_length=3)
    # Monthly basic wage in US cents at the version's date, so caps and floors compare across currencies.
    basic_wage_usd_minor: int
    wage_period: str = Field(default=WagePeriod.month.value, max_length=8)
    food_allowance_minor: int | None = None
    housing_allowance_minor: int | None = None
    transport_allowance_minor: int | None = None
    food_provided: bool = False
    housing_provided: bool = False
    hours_per_day: int | None = None
    days_per_week: int | None = None
    weekly_rest_days: int | None = None
    # Consecutive hours of daily rest (Saudi domestic-worker rules require 8).
    daily_rest_hours: int | None = None
    overtime_rate_pct: int | None = None
    annual_leave_days: int | None = None
    duration_months: int | None = None
    probation_months: int | None = None
    worksite_city: str | None = Field(default=None, max_length=100)
    worksite_country: str = Field(max_length=2)
    job_title: str = Field(max_length=200)
    isco_code: str | None = Field(default=None, max_length=4)
    employer_id: int = Field(foreign_key="employer.id")
    employer_name: str = Field(max_length=200)
    return_ticket_by: str | None = Field(default=None, max_length=16)
    recruitment_costs_borne_by: str | None = Field(default=None, max_length=16)
    # Deductions from wages the contract allows, stored ",food,housing," (see models.base.pack_list).
    deductions: str = Field(default="", max_length=300)
    # Languages the contract is written in, stored ",en,ar,".
    languages: str = Field(default="", max_length=100)
    signed_on: date | None = None
    copy_given_to_worker: bool = False
    medical_cover: bool = False
    termination_notice_days: int | None = None
    dispute_clause: bool = False
    repatriation_clause: bool = False
    # Agency and employer jointly liable for the contract (PH RA 8042 s.10, BD OEMA s.22).
    joint_liability_clause: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    attested: bool = False
    content_sha256: str = Field(max_length=64)
    previous_sha256: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utc_now)
