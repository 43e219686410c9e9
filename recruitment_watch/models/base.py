"""Shared pieces of the table models: naming convention, timestamps, who registered a row, CHECK helpers, list
columns."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# Named constraints are required for Alembic batch mode on SQLite; set before any table is declared.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (SQLModel rejects naive datetimes)."""
    return datetime.now(UTC)


class Timestamped(SQLModel):
    """``created_at`` / ``updated_at`` on rows that clients sync incrementally."""

    created_at: datetime = Field(default_factory=utc_now, nullable=False)
    updated_at: datetime = Field(
        default_factory=utc_now, nullable=False, index=True, sa_column_kwargs={"onupdate": utc_now}
    )


class RegisteredBy(SQLModel):
    """Who put a row on the register: a person (``registered_by_user_id``) or a ministry API key
    (``registered_by_key_id``). Both are NULL on rows registered before this was recorded, and on demo data."""

    registered_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    registered_by_key_id: int | None = Field(default=None, foreign_key="api_key.id")


def late_reference(target: str) -> Any:
    """A nullable reference whose foreign key is created after the tables (``use_alter``).

    For a reference that closes a circle (an organisation registered by a user who belongs to an organisation):
    without it the tables could not be sorted parent first.
    """
    return Field(default=None, sa_column_args=[sa.ForeignKey(target, use_alter=True)])


def one_of(column: str, enum: type[StrEnum] | Iterable[StrEnum], *, nullable: bool = False) -> sa.CheckConstraint:
    """CHECK that ``column`` holds one of the spellings of ``enum`` (an enum, or some of its members)."""
    allowed = ", ".join(f"'{member.value}'" for member in enum)
    condition = f"{column} IN ({allowed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return sa.CheckConstraint(condition, name=f"{column}_allowed")


def non_negative(*columns: str) -> list[sa.CheckConstraint]:
    """CHECK that each of ``columns`` is NULL or ≥ 0 (amounts, counts, durations)."""
    return [
        sa.CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=f"{column}_non_negative") for column in columns
    ]


def currency_code(column: str) -> sa.CheckConstraint:
    """CHECK an ISO 4217 code: three letters."""
    return sa.CheckConstraint(f"{column} IS NULL OR length({column}) = 3", name=f"{column}_iso4217")


def pack_list(items: Iterable[str] | None) -> str:
    """Store a short list of codes as ``,a,b,`` so SQL can test membership with ``LIKE '%,a,%'`` on both engines."""
    cleaned = [item.strip() for item in items or () if item and item.strip()]
    return "," + ",".join(cleaned) + "," if cleaned else ""


def unpack_list(stored: str | None) -> list[str]:
    """Read a list stored by ``pack_list``."""
    return [item for item in (stored or "").split(",") if item]
