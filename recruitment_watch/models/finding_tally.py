"""How many findings each agency has of each criterion, severity and status, by the month they were first recorded:
what the dashboards and the risk score count, kept current by the sweeps and by the changes made between sweeps, so
neither ever counts millions of findings."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class FindingTally(SQLModel, table=True):
    """Findings of one agency (None: a complaint naming no agency), criterion, severity, status and month first seen
    (``seen_month``, its first day, UTC). ``hidden`` counts complaint findings no inspector has disclosed (the agency
    must not see them)."""

    __tablename__ = "finding_tally"
    __table_args__ = (sa.Index("ix_finding_tally_agency", "agency_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    criterion_id: str | None = Field(default=None, max_length=40)
    severity: str = Field(max_length=16)
    status: str = Field(max_length=24)
    hidden: bool
    seen_month: date | None = None
    findings: int
