"""licence decisions

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
    op.execute("UPDATE licence_event SET decision = CASE WHEN status = 'active' THEN 'issued' ELSE status END")
    with op.batch_alter_table("licence_event", schema=None) as batch_op:
        batch_op.alter_column("decision", existing_type=sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False)
        batch_op.create_check_constraint(op.f("ck_licence_event_decision_allowed"), f"decision IN ({DECISIONS})")
        batch_op.create_index("ix_licence_event_agency_id_decided_on", ["agency_id", "decided_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("licence_event", schema=None) as batch_op:
        batch_op.drop_index("ix_licence_event_agency_id_decided_on")
        batch_op.drop_constraint(op.f("ck_licence_event_decision_allowed"), type_="check")
        batch_op.drop_column("decision")
