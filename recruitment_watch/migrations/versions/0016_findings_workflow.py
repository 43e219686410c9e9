"""finding workflow (assignee and the inspector's bulk actions): who a finding is assigned to, who dismissed it, the
files an agency sends with its response, and the indexes the findings queue pages through (keyset, never OFFSET)

SQLite copies the finding table once to add the foreign keys (batch mode); PostgreSQL adds the columns in place.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
QUEUE_INDEXES = {
    "ix_finding_seen": ["first_seen_at", "id"],
    "ix_finding_status_seen": ["status", "first_seen_at", "id"],
    "ix_finding_severity_seen": ["severity", "first_seen_at", "id"],
    "ix_finding_agency_seen": ["agency_id", "first_seen_at", "id"],
    "ix_finding_due": ["due_on", "id"],
}


USERS = {"dismissed_by_user_id": "fk_finding_dismissed_by_user_id_app_user",
         "assigned_to_user_id": "fk_finding_assigned_to_user_id_app_user"}  # fmt: skip


def _add_user_columns() -> None:
    """Plain ADD COLUMN on SQLite (no copy of a table of millions of findings, which decisions refer to): SQLite takes
    a nullable column's foreign key with the column."""
    if op.get_bind().dialect.name == "sqlite":
        for column, constraint in USERS.items():
            op.execute(f"ALTER TABLE finding ADD COLUMN {column} INTEGER "
                       f"CONSTRAINT {constraint} REFERENCES app_user (id)")
        return
    with op.batch_alter_table("finding", schema=None) as batch_op:
        for column, constraint in USERS.items():
            batch_op.add_column(sa.Column(column, ID, nullable=True))
            batch_op.create_foreign_key(op.f(constraint), "app_user", [column], ["id"])


def _drop_user_columns() -> None:
    """SQLite cannot drop a column holding a foreign key: the table is copied, with the decisions' links to findings
    set aside meanwhile (as 0014 does), since the copy's DROP of the old table would break them."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMPORARY TABLE decision_finding_0016 AS SELECT id, finding_id FROM decision "
                   "WHERE finding_id IS NOT NULL")  # fmt: skip
        op.execute("UPDATE decision SET finding_id = NULL WHERE finding_id IS NOT NULL")
    with op.batch_alter_table("finding", schema=None, recreate="always" if sqlite else "auto") as batch_op:
        for column, constraint in reversed(USERS.items()):
            if not sqlite:  # SQLite does not report a column's own constraint's name: the copy leaves it out
                batch_op.drop_constraint(op.f(constraint), type_="foreignkey")
            batch_op.drop_column(column)
    if sqlite:
        op.execute("UPDATE decision SET finding_id = (SELECT kept.finding_id FROM decision_finding_0016 AS kept "
                   "WHERE kept.id = decision.id) WHERE id IN (SELECT id FROM decision_finding_0016)")  # fmt: skip
        op.execute("DROP TABLE decision_finding_0016")


def upgrade() -> None:
    _add_user_columns()
    op.create_index(op.f("ix_finding_assigned_to_user_id"), "finding", ["assigned_to_user_id"], unique=False)
    for name, columns in QUEUE_INDEXES.items():
        op.create_index(name, "finding", columns, unique=False)
    op.create_table(
        "finding_attachment",
        sa.Column("id", ID, nullable=False),
        sa.Column("finding_id", ID, nullable=False),
        sa.Column("filename", TEXT(length=255), nullable=False),
        sa.Column("content_type", TEXT(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", TEXT(length=64), nullable=False),
        sa.Column("storage_key", TEXT(length=255), nullable=False),
        sa.Column("uploaded_by_user_id", ID, nullable=True),
        sa.Column("uploaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("size_bytes IS NULL OR size_bytes >= 0",
                           name=op.f("ck_finding_attachment_size_bytes_non_negative")),  # fmt: skip
        sa.ForeignKeyConstraint(["finding_id"], ["finding.id"], name=op.f("fk_finding_attachment_finding_id_finding"),
                                ondelete="CASCADE"),  # fmt: skip
        sa.ForeignKeyConstraint(["uploaded_by_user_id"], ["app_user.id"],
                                name=op.f("fk_finding_attachment_uploaded_by_user_id_app_user")),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_attachment")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_finding_attachment_storage_key")),
    )
    op.create_index(op.f("ix_finding_attachment_finding_id"), "finding_attachment", ["finding_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_finding_attachment_finding_id"), table_name="finding_attachment")
    op.drop_table("finding_attachment")
    for name in reversed(QUEUE_INDEXES):
        op.drop_index(name, table_name="finding")
    op.drop_index(op.f("ix_finding_assigned_to_user_id"), table_name="finding")
    _drop_user_columns()
