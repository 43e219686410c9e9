"""PDF compliance reports (stored reports, hashes, verification tokens): the report table gains its public id, its
scope (complaint, period), its progress (status, timings, error) and the size of its file

Nothing refers to ``report``, so SQLite rebuilds it in batch mode; PostgreSQL alters it in place.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = sqlmodel.sql.sqltypes.UTCDateTime
NEW_COLUMNS = (
    ("public_id", TEXT(length=24), {}),
    ("complaint_id", ID, {}),
    ("period_start", sa.Date(), {}),
    ("period_end", sa.Date(), {}),
    ("status", TEXT(length=16), {"nullable": False, "server_default": "queued"}),
    ("requested_via", TEXT(length=8), {"nullable": False, "server_default": "web"}),
    ("requested_at", UTC_DATETIME(), {}),
    ("finished_at", UTC_DATETIME(), {}),
    ("data_ms", sa.Integer(), {}),
    ("render_ms", sa.Integer(), {}),
    ("size_bytes", sa.Integer(), {}),
    ("error", TEXT(length=2000), {}),
)
CHECKS = (
    ("kind_allowed", "kind IN ('agency', 'ministry', 'complaint')"),
    ("status_allowed", "status IN ('queued', 'rendering', 'done', 'failed')"),
    ("size_bytes_non_negative", "size_bytes IS NULL OR size_bytes >= 0"),
    ("data_ms_non_negative", "data_ms IS NULL OR data_ms >= 0"),
    ("render_ms_non_negative", "render_ms IS NULL OR render_ms >= 0"),
)


def upgrade() -> None:
    # Rows from before (none were ever written: the reports did not exist) count as done.
    with op.batch_alter_table("report", schema=None) as batch_op:
        for name, type_, options in NEW_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=options.get("nullable", True),
                                          server_default=options.get("server_default")))  # fmt: skip
        batch_op.create_unique_constraint(batch_op.f("uq_report_public_id"), ["public_id"])
        batch_op.create_foreign_key(batch_op.f("fk_report_complaint_id_complaint"), "complaint",
                                    ["complaint_id"], ["id"])  # fmt: skip
        for name, condition in CHECKS:
            batch_op.create_check_constraint(batch_op.f(f"ck_report_{name}"), condition)
    op.execute("UPDATE report SET status = 'done' WHERE sha256 IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        for name, _condition in reversed(CHECKS):
            batch_op.drop_constraint(batch_op.f(f"ck_report_{name}"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_report_complaint_id_complaint"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_report_public_id"), type_="unique")
        for name, _type, _options in reversed(NEW_COLUMNS):
            batch_op.drop_column(name)
