"""Risk recommendations: a band crossing found by the ranking, waiting for an inspector to accept or reject it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import JSON_TYPE, one_of, utc_now
from recruitment_watch.models.vocab import DecisionKind, RecommendationStatus


class RiskRecommendation(SQLModel, table=True):
    """A watchlist or suspension-review recommendation for one agency. Only acceptance records a ``Decision`` (and,
    for a suspension, a licence decision); at most one pending recommendation per (agency, kind)."""

    __tablename__ = "risk_recommendation"
    __table_args__ = (
        one_of("kind", [DecisionKind.watchlist, DecisionKind.suspension_recommendation]),
        one_of("status", RecommendationStatus),
        sa.CheckConstraint("(status = 'pending') = (pending_key IS NOT NULL)", name="pending_key_iff_pending"),
        sa.CheckConstraint("status = 'pending' OR decision_reason IS NOT NULL", name="decision_has_reason"),
        sa.Index("ix_risk_recommendation_status", "status", "raised_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    kind: str = Field(max_length=32)
    band: str = Field(max_length=24)
    score: float
    score_low: float
    score_high: float
    # The explanation the ranking gave when the band was crossed, one line per term (kept as it was then).
    explanation: list[Any] = Field(default_factory=list, sa_type=JSON_TYPE)
    status: str = Field(default=RecommendationStatus.pending.value, max_length=16)
    # "agency|kind" while pending, NULL once decided: a second pending one for the same agency cannot exist.
    pending_key: str | None = Field(default=None, max_length=60, unique=True)
    raised_at: datetime = Field(default_factory=utc_now)
    assessed_on: date  # the day the score was computed for
    decided_at: datetime | None = None
    decided_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    decision_reason: str | None = Field(default=None, max_length=1000)
    decision_id: int | None = Field(default=None, foreign_key="decision.id")
    licence_event_id: int | None = Field(default=None, foreign_key="licence_event.id")
