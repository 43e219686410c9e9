"""Recruitment agencies with their licence history, branches and sub-agents; foreign employers."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import RegisteredBy, Timestamped, one_of, utc_now
from recruitment_watch.models.vocab import LicenceDecision, LicenceStatus


class Agency(Timestamped, RegisteredBy, table=True):
    """A licensed recruitment agency in an origin (or destination) country."""

    __tablename__ = "agency"
    __table_args__ = (
        sa.UniqueConstraint("country", "licence_no"),
        one_of("status", LicenceStatus),
        sa.CheckConstraint(
            "licence_valid_to IS NULL OR licence_valid_from IS NULL OR licence_valid_to >= licence_valid_from",
            name="licence_dates_ordered",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", unique=True)
    name: str = Field(max_length=200, index=True)
    country: str = Field(max_length=2, index=True)
    licence_no: str = Field(max_length=64)
    licence_authority: str = Field(max_length=200)
    licence_valid_from: date | None = None
    licence_valid_to: date | None = Field(default=None, index=True)
    status: str = Field(default=LicenceStatus.active.value, max_length=16, index=True)
    uses_sub_agents: bool = False
    iris_certified: bool = False
    address: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)


class LicenceEvent(SQLModel, table=True):
    """One decision about an agency's licence (issued, renewed, suspended, …) with its legal basis.

    The events are the licence's history: from ``decided_on`` (the day the decision takes effect) the licence is in
    ``status`` until the next event; a granting decision's ``valid_to`` is the licence's expiry from then on.
    """

    __tablename__ = "licence_event"
    __table_args__ = (
        one_of("status", LicenceStatus),
        one_of("decision", LicenceDecision),
        sa.Index("ix_licence_event_agency_id_decided_on", "agency_id", "decided_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True, ondelete="CASCADE")
    decision: str = Field(max_length=16)
    status: str = Field(max_length=16)
    reason: str = Field(max_length=1000)
    legal_basis: str | None = Field(default=None, max_length=300)
    decided_on: date
    valid_to: date | None = None
    recorded_at: datetime = Field(default_factory=utc_now)
    recorded_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    recorded_by_key_id: int | None = Field(default=None, foreign_key="api_key.id")


class AgencyBranch(SQLModel, table=True):
    """A branch office of an agency."""

    __tablename__ = "agency_branch"

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    city: str = Field(max_length=100)
    country: str = Field(max_length=2)


class SubAgent(SQLModel, table=True):
    """A sub-agent or broker an agency uses; unlicensed ones are a risk (GPOG 4.3)."""

    __tablename__ = "sub_agent"

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    registered_no: str | None = Field(default=None, max_length=64)
    licensed: bool = False
    country: str = Field(max_length=2)


class Employer(Timestamped, RegisteredBy, table=True):
    """A foreign employer; inspectors may put one on the watchlist with a reason."""

    __tablename__ = "employer"
    __table_args__ = (
        sa.UniqueConstraint("country", "registration_no"),
        sa.CheckConstraint("NOT watchlisted OR watchlist_reason IS NOT NULL", name="watchlist_has_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    registration_no: str = Field(max_length=64)
    country: str = Field(max_length=2, index=True)
    sector: str = Field(max_length=64)
    address: str | None = Field(default=None, max_length=500)
    watchlisted: bool = False
    watchlist_reason: str | None = Field(default=None, max_length=1000)
