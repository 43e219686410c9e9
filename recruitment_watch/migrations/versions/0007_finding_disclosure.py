"""finding disclosure

A finding whose subject is a complaint is hidden from the accused agency until an inspector discloses it, with
the words the agency may read: when, by whom and what.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disclosed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("disclosed_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("disclosed_text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_finding_disclosed_by_user_id_app_user"), "app_user", ["disclosed_by_user_id"], ["id"]
        )
        batch_op.create_check_constraint(
            op.f("ck_finding_disclosure_has_text"), "(disclosed_at IS NULL) = (disclosed_text IS NULL)"
        )


def downgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_finding_disclosure_has_text"), type_="check")
        batch_op.drop_constraint(op.f("fk_finding_disclosed_by_user_id_app_user"), type_="foreignkey")
        batch_op.drop_column("disclosed_text")
        batch_op.drop_column("disclosed_by_user_id")
        batch_op.drop_column("disclosed_at")
