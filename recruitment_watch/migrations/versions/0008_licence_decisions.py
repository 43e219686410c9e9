"""licence decisions, recorded by a person or a ministry key; job orders' approving authority and attestation

Each licence event names the decision (issued, renewed, suspended, cancelled, reinstated, …) beside the status it
leaves, and is found by (agency, date): the criteria judge a contract on the licence as it stood on the contract's
own dates. Existing events get the decision their status implies (active → issued).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 16:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECISIONS = (
    "'issued', 'renewed', 'suspended', 'cancelled', 'reinstated', 'expired', 'surrendered', 'delisted', 'banned'"
)


def upgrade() -> None:
    with op.batch_alter_table("licence_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column("recorded_by_key_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_licence_event_recorded_by_key_id_api_key"), "api_key", ["recorded_by_key_id"], ["id"]
        )
    # Plain ADD COLUMN (no batch copy): contracts refer to job orders, so SQLite could not drop and rebuild the table.
    op.add_column("job_order", sa.Column("approving_authority", sqlmodel.sql.sqltypes.AutoString(length=200)))
    op.add_column("job_order", sa.Column("attested", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE licence_event SET decision = CASE WHEN status = 'active' THEN 'issued' ELSE status END")
    with op.batch_alter_table("licence_event", schema=None) as batch_op:
        batch_op.alter_column("decision", existing_type=sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False)
        batch_op.create_check_constraint(op.f("ck_licence_event_decision_allowed"), f"decision IN ({DECISIONS})")
        batch_op.create_index("ix_licence_event_agency_id_decided_on", ["agency_id", "decided_on"], unique=False)


def downgrade() -> None:
    op.drop_column("job_order", "attested")
    op.drop_column("job_order", "approving_authority")
    with op.batch_alter_table("licence_event", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_licence_event_recorded_by_key_id_api_key"), type_="foreignkey")
        batch_op.drop_column("recorded_by_key_id")
        batch_op.drop_index("ix_licence_event_agency_id_decided_on")
        batch_op.drop_constraint(op.f("ck_licence_event_decision_allowed"), type_="check")
        batch_op.drop_column("decision")
