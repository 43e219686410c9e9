"""finding tally: findings counted per agency, severity, status and visibility, for the dashboards

Filled here from the findings already stored (one pass over them); from then on the sweeps recount the agencies
whose findings they changed, and an agency's answer or an inspector's disclosure moves one finding between counts.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 20:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "finding_tally",
        sa.Column("id", ID, nullable=False),
        sa.Column("agency_id", ID, nullable=True),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_finding_tally_agency_id_agency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_tally")),
    )
    op.create_index("ix_finding_tally_agency", "finding_tally", ["agency_id", "status"], unique=False)
    op.execute(
        "INSERT INTO finding_tally (agency_id, severity, status, hidden, findings) "
        "SELECT agency_id, severity, status, "
        "CASE WHEN subject_type = 'complaint' AND disclosed_at IS NULL THEN TRUE ELSE FALSE END, count(*) "
        "FROM finding GROUP BY agency_id, severity, status, "
        "CASE WHEN subject_type = 'complaint' AND disclosed_at IS NULL THEN TRUE ELSE FALSE END"
    )


def downgrade() -> None:
    op.drop_index("ix_finding_tally_agency", table_name="finding_tally")
    op.drop_table("finding_tally")
