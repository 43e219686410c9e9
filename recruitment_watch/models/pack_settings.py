"""Which criteria packs the sweeps judge with: an admin switches a pack off (and on again), recorded with who."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import utc_now


class PackSetting(SQLModel, table=True):
    """A pack's switch; a pack without a row is on."""

    __tablename__ = "pack_setting"

    pack_id: str = Field(primary_key=True, max_length=64)
    enabled: bool = Field(default=True)
    reason: str = Field(max_length=300)
    changed_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    changed_at: datetime = Field(default_factory=utc_now)
