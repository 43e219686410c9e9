"""Change requests: what an agency asks the ministry to change on its register entry (it cannot edit the entry)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import utc_now


class ChangeRequest(SQLModel, table=True):
    """One message from an agency's staff to the ministry about its profile (an address, a branch, a sub-agent).

    Kept as a row, not only as the inspectors' notifications: the agency sees what it sent, and the notifications
    point at it."""

    __tablename__ = "change_request"
    __table_args__ = (sa.Index("ix_change_request_agency_sent", "agency_id", "sent_at"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", ondelete="CASCADE")
    sent_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    message: str = Field(max_length=2000)
    sent_at: datetime = Field(default_factory=utc_now)
