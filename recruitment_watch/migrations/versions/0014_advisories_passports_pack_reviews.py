"""advisories, passports and pack reviews: the ``advisory`` severity on findings (a rule announced but not yet
enforceable), the worker's written request that the employer keep the passport (with its date) and India's ECR/ECNR
passport category, and the record of legal reviews of the criteria packs

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
# ids are 64-bit on PostgreSQL (0009; models/wide_integers.py)
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
SEVERITY_BEFORE = "severity IN ('low', 'medium', 'high', 'critical')"
SEVERITY_AFTER = "severity IN ('advisory', 'low', 'medium', 'high', 'critical')"
PASSPORT_CATEGORY = "passport_category IS NULL OR passport_category IN ('ecr', 'ecnr')"


def _set_finding_severities(condition: str) -> None:
    """Replace the CHECK on ``finding.severity``.

    SQLite cannot alter a CHECK, so batch mode rebuilds the table; ``decision.finding_id`` refers to findings, and
    dropping the old table with foreign keys on would break those references. The references are set aside in a
    temporary table while the table is rebuilt, then restored (same ids: the rebuild copies them).
    """
    name = op.f("ck_finding_severity_allowed")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(name, "finding", type_="check")
        op.create_check_constraint(name, "finding", condition)
        return
    op.execute("CREATE TEMPORARY TABLE decision_finding_0014 AS SELECT id, finding_id FROM decision "
               "WHERE finding_id IS NOT NULL")  # fmt: skip
    op.execute("UPDATE decision SET finding_id = NULL WHERE finding_id IS NOT NULL")
    with op.batch_alter_table("finding", schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint(name, type_="check")
        batch_op.create_check_constraint(name, condition)
    op.execute("UPDATE decision SET finding_id = (SELECT kept.finding_id FROM decision_finding_0014 AS kept "
               "WHERE kept.id = decision.id) WHERE id IN (SELECT id FROM decision_finding_0014)")  # fmt: skip
    op.execute("DROP TABLE decision_finding_0014")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): contracts, fees and complaints refer to workers, so SQLite could not rebuild
    # the table; SQLite takes the CHECK with the column instead of ALTER ... ADD CONSTRAINT.
    op.add_column("worker", sa.Column("passport_hold_requested_on", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE worker ADD COLUMN passport_category VARCHAR(8) "
            f"CONSTRAINT ck_worker_passport_category_allowed CHECK ({PASSPORT_CATEGORY})"
        )
    else:
        op.add_column("worker", sa.Column("passport_category", TEXT(length=8), nullable=True))
        op.create_check_constraint(op.f("ck_worker_passport_category_allowed"), "worker", PASSPORT_CATEGORY)
    _set_finding_severities(SEVERITY_AFTER)
    op.create_table(
        "pack_review",
        sa.Column("id", ID, nullable=False),
        sa.Column("pack_id", TEXT(length=64), nullable=False),
        sa.Column("pack_version", TEXT(length=20), nullable=False),
        sa.Column("pack_digest", TEXT(length=64), nullable=False),
        sa.Column("criteria", JSON, nullable=False),
        sa.Column("reviewer", TEXT(length=200), nullable=False),
        sa.Column("note", TEXT(length=1000), nullable=True),
        sa.Column("reviewed_by_user_id", ID, nullable=True),
        sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewed_by_user_id"], ["app_user.id"], name=op.f("fk_pack_review_reviewed_by_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_review")),
    )
    op.create_index("ix_pack_review_pack_reviewed", "pack_review", ["pack_id", "reviewed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_pack_review_pack_reviewed", table_name="pack_review")
    op.drop_table("pack_review")
    # Advisory findings cannot stay under the old CHECK: they go (advisories were never counted anyway).
    op.execute("UPDATE decision SET finding_id = NULL WHERE finding_id IN "
               "(SELECT id FROM finding WHERE severity = 'advisory')")  # fmt: skip
    op.execute("DELETE FROM finding WHERE severity = 'advisory'")
    op.execute("DELETE FROM finding_tally WHERE severity = 'advisory'")
    _set_finding_severities(SEVERITY_BEFORE)
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_worker_passport_category_allowed"), "worker", type_="check")
    # SQLite (3.35+) drops a column with its column-level CHECK.
    op.drop_column("worker", "passport_category")
    op.drop_column("worker", "passport_hold_requested_on")
