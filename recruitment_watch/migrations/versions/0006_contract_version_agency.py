"""contract version agency

Every version carries its contract's agency (contracts never change agency), so an agency's versions signed
outside its licence validity are two index range scans instead of a join over every version.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contract_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE contract_version SET agency_id = "
        "(SELECT contract.agency_id FROM contract WHERE contract.id = contract_version.contract_id)"
    )
    with op.batch_alter_table("contract_version", schema=None) as batch_op:
        batch_op.alter_column("agency_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(op.f("fk_contract_version_agency_id_agency"), "agency", ["agency_id"], ["id"])
        batch_op.create_index(
            "ix_contract_version_agency_signed", ["agency_id", "kind", "signed_on", "contract_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("contract_version", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_version_agency_signed")
        batch_op.drop_constraint(op.f("fk_contract_version_agency_id_agency"), type_="foreignkey")
        batch_op.drop_column("agency_id")
