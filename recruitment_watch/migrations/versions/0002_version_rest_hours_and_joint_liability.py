"""version rest hours and joint liability

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 20:44:21.152088
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders sqlmodel types)
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contract_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("daily_rest_hours", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("joint_liability_clause", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_contract_version_daily_rest_hours_range"),
            "daily_rest_hours IS NULL OR daily_rest_hours BETWEEN 0 AND 24",
        )


def downgrade() -> None:
    with op.batch_alter_table("contract_version", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_version_daily_rest_hours_range"), type_="check")
        batch_op.drop_column("joint_liability_clause")
        batch_op.drop_column("daily_rest_hours")
