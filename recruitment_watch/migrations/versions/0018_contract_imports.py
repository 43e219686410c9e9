"""CSV imports of contracts and fee payments (file hash, progress)

``csv_import``: one row per uploaded file (kind, agency, name, SHA-256, size, mode, status, row counts, rejected
rows as JSON, who and when). ``csv_import_row``: the identity (digest within the agency) of each fee payment an
import stored, unique, so a re-upload of the same payments stores nothing twice.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WHEN = sqlmodel.sql.sqltypes.UTCDateTime
COUNTS = ("size_bytes", "rows_total", "rows_done", "rows_stored", "rows_duplicate", "rows_rejected")


def _import_table() -> None:
    op.create_table(
        "csv_import",
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", TEXT(length=16), nullable=False),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("file_name", TEXT(length=200), nullable=False),
        sa.Column("file_sha256", TEXT(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("mode", TEXT(length=16), nullable=False),
        sa.Column("status", TEXT(length=16), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_stored", sa.Integer(), nullable=False),
        sa.Column("rows_duplicate", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("errors", JSON, nullable=False),
        sa.Column("failure", TEXT(length=1000), nullable=True),
        sa.Column("created_by_user_id", ID, nullable=True),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("started_at", WHEN(), nullable=True),
        sa.Column("heartbeat_at", WHEN(), nullable=True),
        sa.Column("finished_at", WHEN(), nullable=True),
        sa.CheckConstraint("kind IN ('contracts', 'payments')", name=op.f("ck_csv_import_kind_allowed")),
        sa.CheckConstraint("mode IN ('keep_good', 'all_or_nothing')", name=op.f("ck_csv_import_mode_allowed")),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')",
                           name=op.f("ck_csv_import_status_allowed")),  # fmt: skip
        *(sa.CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=op.f(f"ck_csv_import_{column}_non_negative"))
          for column in COUNTS),  # fmt: skip
        sa.CheckConstraint("length(file_sha256) = 64", name=op.f("ck_csv_import_file_sha256_length")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_csv_import_agency_id_agency")),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["app_user.id"],
                                name=op.f("fk_csv_import_created_by_user_id_app_user")),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csv_import")),
    )
    op.create_index("ix_csv_import_agency_created", "csv_import", ["agency_id", "created_at"], unique=False)
    op.create_index("ix_csv_import_agency_file", "csv_import", ["agency_id", "kind", "file_sha256"], unique=False)
    op.create_index("ix_csv_import_status", "csv_import", ["status"], unique=False)


def _row_table() -> None:
    op.create_table(
        "csv_import_row",
        sa.Column("id", ID, nullable=False),
        sa.Column("import_id", ID, nullable=False),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("row_sha256", TEXT(length=64), nullable=False),
        sa.Column("fee_payment_id", ID, nullable=False),
        sa.CheckConstraint("length(row_sha256) = 64", name=op.f("ck_csv_import_row_row_sha256_length")),
        sa.ForeignKeyConstraint(["import_id"], ["csv_import.id"], name=op.f("fk_csv_import_row_import_id_csv_import")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_csv_import_row_agency_id_agency")),
        sa.ForeignKeyConstraint(["fee_payment_id"], ["fee_payment.id"],
                                name=op.f("fk_csv_import_row_fee_payment_id_fee_payment"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csv_import_row")),
        sa.UniqueConstraint("agency_id", "row_sha256", name=op.f("uq_csv_import_row_agency_id_row_sha256")),
    )
    op.create_index(op.f("ix_csv_import_row_import_id"), "csv_import_row", ["import_id"], unique=False)
    op.create_index(op.f("ix_csv_import_row_fee_payment_id"), "csv_import_row", ["fee_payment_id"], unique=False)


def upgrade() -> None:
    _import_table()
    _row_table()


def downgrade() -> None:
    op.drop_index(op.f("ix_csv_import_row_fee_payment_id"), table_name="csv_import_row")
    op.drop_index(op.f("ix_csv_import_row_import_id"), table_name="csv_import_row")
    op.drop_table("csv_import_row")
    op.drop_index("ix_csv_import_status", table_name="csv_import")
    op.drop_index("ix_csv_import_agency_file", table_name="csv_import")
    op.drop_index("ix_csv_import_agency_created", table_name="csv_import")
    op.drop_table("csv_import")
