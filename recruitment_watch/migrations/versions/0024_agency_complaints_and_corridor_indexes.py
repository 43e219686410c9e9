"""the agency complaint index carries the status (the agency 360° page counts an agency's complaints by status from
the index alone), and the contract tally has an index in corridor order (the workspace sums it by corridor and
sector without a sort)

The agency page shows an agency's complaints by status beside its newest ones. The index on (agency, received, id)
gave the newest without a sort but not the status, so the count read every complaint row of the agency (wide rows:
texts, consent, places): 7 ms for the 1,322 complaints of the largest agency at 1 M contracts on SQLite. With the
status as the index's last column the count reads the index only (1 ms) and the newest still come in its order. (A
separate (agency, status) index made SQLite read the newest through it and sort them: 7 ms the other way round.)

The workspace sums the contract tally (2,400 rows at 1 M contracts) by origin, destination and sector: SQLite sorted
every row on three text keys (3.2 ms); read in an index's order it only adds (0.8 ms). The count a trigger adds to
on every contract write is not in the index, so those writes leave it alone.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 16:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_complaint_agency_received"
CORRIDOR = "ix_contract_tally_corridor"


def upgrade() -> None:
    op.drop_index(NAME, table_name="complaint")
    op.create_index(NAME, "complaint", ["respondent_agency_id", "received_at", "id", "status"], unique=False)
    op.create_index(CORRIDOR, "contract_tally", ["origin_country", "destination_country", "sector"], unique=False)


def downgrade() -> None:
    op.drop_index(CORRIDOR, table_name="contract_tally")
    op.drop_index(NAME, table_name="complaint")
    op.create_index(NAME, "complaint", ["respondent_agency_id", "received_at", "id"], unique=False)
