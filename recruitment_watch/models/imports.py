"""CSV imports: one row per uploaded file (its hash, mode, progress and rejected rows), and the identity of every
fee payment an import stored, so a re-upload never stores the same payment twice."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import JSON_TYPE, non_negative, one_of, utc_now


class ImportKind(StrEnum):
    """What a file holds: one contract per row, or one fee payment per row."""

    contracts = "contracts"
    payments = "payments"


class ImportMode(StrEnum):
    """What happens to the good rows of a file with bad ones: kept, or (all or nothing) not stored either."""

    keep_good = "keep_good"
    all_or_nothing = "all_or_nothing"


class ImportStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class CsvImport(SQLModel, table=True):
    """An uploaded CSV file and what became of it. ``errors`` lists each rejected row's reasons as
    ``{"line", "field", "reason"}`` (line 1 is the header); ``heartbeat_at`` moves while a worker processes it, so an
    import whose worker died is recognised and marked failed."""

    __tablename__ = "csv_import"
    __table_args__ = (
        one_of("kind", ImportKind),
        one_of("mode", ImportMode),
        one_of("status", ImportStatus),
        *non_negative("size_bytes", "rows_total", "rows_done", "rows_stored", "rows_duplicate", "rows_rejected"),
        sa.CheckConstraint("length(file_sha256) = 64", name="file_sha256_length"),
        # An agency's imports newest first, and "was this very file imported before?".
        sa.Index("ix_csv_import_agency_created", "agency_id", "created_at"),
        sa.Index("ix_csv_import_agency_file", "agency_id", "kind", "file_sha256"),
        sa.Index("ix_csv_import_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    agency_id: int = Field(foreign_key="agency.id")
    file_name: str = Field(max_length=200)
    file_sha256: str = Field(max_length=64)
    size_bytes: int
    mode: str = Field(max_length=16)
    status: str = Field(default=ImportStatus.queued.value, max_length=16)
    rows_total: int = 0
    rows_done: int = 0
    rows_stored: int = 0
    # Rows already stored earlier (by an earlier import or the API): skipped, not stored twice.
    rows_duplicate: int = 0
    rows_rejected: int = 0
    errors: list[Any] = Field(default_factory=list, sa_type=JSON_TYPE)
    # Why the whole file was refused or the import stopped (not a row's error).
    failure: str | None = Field(default=None, max_length=1000)
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utc_now)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None


class CsvImportRow(SQLModel, table=True):
    """The identity of a fee payment stored by an import: the digest of its checked content within its agency. A
    payment has no natural key (a contract has its reference), so this is what makes a re-upload store nothing
    twice."""

    __tablename__ = "csv_import_row"
    __table_args__ = (
        sa.UniqueConstraint("agency_id", "row_sha256"),
        sa.CheckConstraint("length(row_sha256) = 64", name="row_sha256_length"),
    )

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="csv_import.id", index=True)
    agency_id: int = Field(foreign_key="agency.id")
    row_sha256: str = Field(max_length=64)
    fee_payment_id: int = Field(foreign_key="fee_payment.id", index=True, ondelete="CASCADE")
