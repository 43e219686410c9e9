"""Legal reviews of criteria packs: what a reviewer looked at, so ``packs review`` can list what changed since."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import JSON_TYPE, utc_now


class PackReview(SQLModel, table=True):
    """One review of one pack: its version and digest, and a digest of each criterion as it was reviewed.

    Rows are never updated; the newest row of a pack is its last review. Keeping the criterion digests (not just the
    pack digest) lets the review list name the criteria that changed, not merely say that the pack did.
    """

    __tablename__ = "pack_review"
    __table_args__ = (sa.Index("ix_pack_review_pack_reviewed", "pack_id", "reviewed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    pack_id: str = Field(max_length=64)
    pack_version: str = Field(max_length=20)
    pack_digest: str = Field(max_length=64)
    # {criterion id: SHA-256 of the criterion's canonical JSON} as reviewed.
    criteria: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    reviewer: str = Field(max_length=200)
    note: str | None = Field(default=None, max_length=1000)
    reviewed_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    reviewed_at: datetime = Field(default_factory=utc_now)
