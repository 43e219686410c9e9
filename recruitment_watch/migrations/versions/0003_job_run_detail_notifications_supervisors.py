"""job run detail, notifications, supervisors

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 23:11:10.509638
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders sqlmodel types)
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTIFICATION_KINDS = "'sla_due_soon', 'sla_overdue', 'sla_escalated', 'licence_expiring', 'licence_expired'"
JOB_TRIGGERS = "'schedule', 'catch_up', 'takeover', 'manual'"


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("subject_type", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("read_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(f"kind IN ({NOTIFICATION_KINDS})", name=op.f("ck_notification_kind_allowed")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_notification_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("user_id", "dedupe_key", name=op.f("uq_notification_user_id_dedupe_key")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_user_unread", ["user_id", "read_at"], unique=False)

    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supervisor_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_app_user_supervisor_user_id_app_user"), "app_user", ["supervisor_user_id"], ["id"]
        )

    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(length=16), server_default="schedule", nullable=False)
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True))
        batch_op.add_column(sa.Column("traceback", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_job_run_trigger_allowed"), f"trigger IN ({JOB_TRIGGERS})")
        batch_op.create_index("ix_job_run_job_started", ["job_id", "started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_run_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_run_status"))
        batch_op.drop_index("ix_job_run_job_started")
        batch_op.drop_constraint(op.f("ck_job_run_trigger_allowed"), type_="check")
        batch_op.drop_column("traceback")
        batch_op.drop_column("detail")
        batch_op.drop_column("attempts")
        batch_op.drop_column("trigger")

    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_app_user_supervisor_user_id_app_user"), type_="foreignkey")
        batch_op.drop_column("supervisor_user_id")

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_unread")

    op.drop_table("notification")
