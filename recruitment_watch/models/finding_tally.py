"""How many findings each agency has of each severity and status: what the dashboards count, kept current by the
sweeps and by the changes made between sweeps, so a dashboard never counts millions of findings."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class FindingTally(SQLModel, table=True):
    """Findings of one agency (None: a complaint naming no agency), severity and status. ``hidden`` counts complaint
    findings no inspector has disclosed (the agency must not see them)."""

    __tablename__ = "finding_tally"
    __table_args__ = (sa.Index("ix_finding_tally_agency", "agency_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    severity: str = Field(max_length=16)
    status: str = Field(max_length=24)
    hidden: bool
    findings: int
