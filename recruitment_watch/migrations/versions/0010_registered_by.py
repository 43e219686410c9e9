"""who registered: organisations, agencies, employers and job orders name the person or ministry key that put them
on the register

Licence decisions already record who took them (0008); registering is a change to the register too (issue 12).
Existing rows keep NULL in both columns: registered before this was recorded, by someone unknown.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 19:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("organisation", "agency", "employer", "job_order")
# column → the table it refers to
REFERENCES = {"registered_by_user_id": "app_user", "registered_by_key_id": "api_key"}
# ids are 64-bit on PostgreSQL (0009; models/wide_integers.py)
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _add_reference(table: str, column: str, referred: str) -> None:
    """A nullable reference column with its foreign key.

    Plain ADD COLUMN, no batch copy: other tables refer to all four, so SQLite could not drop and rebuild them. SQLite
    has no ALTER ... ADD CONSTRAINT either, so there the foreign key is declared with the column.
    """
    name = op.f(f"fk_{table}_{column}_{referred}")
    if op.get_bind().dialect.name == "sqlite":
        op.add_column(table, sa.Column(column, ID, sa.ForeignKey(f"{referred}.id", name=name)), inline_references=True)
        return
    op.add_column(table, sa.Column(column, ID, nullable=True))
    op.create_foreign_key(name, table, referred, [column], ["id"])


def upgrade() -> None:
    for table in TABLES:
        for column, referred in REFERENCES.items():
            _add_reference(table, column, referred)


def downgrade() -> None:
    # SQLite (3.35+) drops a column declared with an inline REFERENCES; PostgreSQL drops its constraint with it.
    for table in TABLES:
        for column in REFERENCES:
            op.drop_column(table, column)
