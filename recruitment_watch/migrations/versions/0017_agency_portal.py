"""agency portal: the agency's change requests to the ministry, and their notification kind for the inspectors

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KINDS_BEFORE = ("'sla_due_soon', 'sla_overdue', 'sla_escalated', 'licence_expiring', 'licence_expired', "
                "'risk_recommendation'")  # fmt: skip
KINDS_AFTER = KINDS_BEFORE + ", 'change_request'"


def _set_notification_kinds(kinds: str) -> None:
    """Replace the CHECK on ``notification.kind`` (SQLite rebuilds the table: nothing refers to notifications)."""
    name = op.f("ck_notification_kind_allowed")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(name, "notification", type_="check")
        op.create_check_constraint(name, "notification", f"kind IN ({kinds})")
        return
    with op.batch_alter_table("notification", schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint(name, type_="check")
        batch_op.create_check_constraint(name, f"kind IN ({kinds})")


def upgrade() -> None:
    op.create_table(
        "change_request",
        sa.Column("id", ID, nullable=False),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("sent_by_user_id", ID, nullable=True),
        sa.Column("message", TEXT(length=2000), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_change_request_agency_id_agency"), ondelete="CASCADE"
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["sent_by_user_id"], ["app_user.id"], name=op.f("fk_change_request_sent_by_user_id_app_user")
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_request")),
    )
    op.create_index("ix_change_request_agency_sent", "change_request", ["agency_id", "sent_at"], unique=False)
    _set_notification_kinds(KINDS_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM notification WHERE kind = 'change_request'")
    _set_notification_kinds(KINDS_BEFORE)
    op.drop_index("ix_change_request_agency_sent", table_name="change_request")
    op.drop_table("change_request")
