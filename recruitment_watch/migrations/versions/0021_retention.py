"""worker-data retention (pseudonymisation marks)

``complaint.pseudonymised_at``: when the retention job removed the identifying text of a closed case (its
statistics stay). ``complaint_attachment.removed_at``: when the evidence file was deleted from the store (the row
stays, with type, size and SHA-256, so counts and the case's history still add up). ``worker.pseudonymised_at``
exists since 0001.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARKS = (("complaint", "pseudonymised_at"), ("complaint_attachment", "removed_at"))


def upgrade() -> None:
    for table, column in MARKS:
        op.add_column(table, sa.Column(column, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN on both engines (SQLite ≥ 3.35): the columns carry no constraint, and rebuilding
    # ``complaint`` in batch mode would turn its inline self-reference into a table-level foreign key that 0013's own
    # downgrade could no longer drop.
    for table, column in reversed(MARKS):
        op.drop_column(table, column)
