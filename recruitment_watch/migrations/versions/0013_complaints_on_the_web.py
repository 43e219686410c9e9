"""complaints on the web: the respondent as typed, the corridor, when and where, how consent was given, the
outcome's referral and closing note, merging of duplicates, internal attachments, and a complainant's contact kept
apart (seen only by the assigned inspector)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 00:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
# ids are 64-bit on PostgreSQL (0009; models/wide_integers.py)
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NEW_COLUMNS = (
    ("consent_method", TEXT(length=24)),
    ("consent_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    ("respondent_name", TEXT(length=200)),
    ("origin_country", TEXT(length=2)),
    ("destination_country", TEXT(length=2)),
    ("incident_date", sa.Date()),
    ("incident_place", TEXT(length=200)),
    ("referred_to", TEXT(length=200)),
    ("closing_note", TEXT(length=2000)),
)


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): events and attachments refer to complaint, so SQLite could not rebuild it.
    for name, type_ in NEW_COLUMNS:
        op.add_column("complaint", sa.Column(name, type_, nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a column with its reference, not a constraint
        op.execute("ALTER TABLE complaint ADD COLUMN duplicate_of_id INTEGER REFERENCES complaint (id)")
    else:
        op.add_column("complaint", sa.Column("duplicate_of_id", ID, nullable=True))
        op.create_foreign_key(
            op.f("fk_complaint_duplicate_of_id_complaint"), "complaint", "complaint", ["duplicate_of_id"], ["id"]
        )
    op.add_column(
        "complaint_attachment", sa.Column("internal", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "complaint_contact",
        sa.Column("complaint_id", ID, nullable=False),
        sa.Column("contact", TEXT(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
            name=op.f("fk_complaint_contact_complaint_id_complaint"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_complaint_contact")),
    )


def downgrade() -> None:
    op.drop_table("complaint_contact")
    with op.batch_alter_table("complaint_attachment", schema=None) as batch_op:
        batch_op.drop_column("internal")
    for name in ("duplicate_of_id", *(name for name, _ in reversed(NEW_COLUMNS))):
        op.drop_column("complaint", name)
