"""volume tallies: contracts and fee payments counted by triggers, for the workspace, the risk score and the 360° page
(and an index for one agency's contracts, newest first)

At a million contracts the inspectors' workspace counted every contract (corridor × sector) and every fee payment
(by ILO category) on each request, and the risk score scanned the year's contracts per agency: 0.3–0.8 s each. These
tables hold the same counts, kept by triggers in the transaction that writes the row (insert, update of a counted
column, delete), so every writer keeps them — the API's intake, the CSV import, the demo loader's ``executemany`` and
``COPY``, a repair in SQL — and a reader sums a few hundred rows. Filled here from the rows already stored.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Tally(NamedTuple):
    """A count table: its key columns and counted measures, each an SQL expression over the source row (``{row}``
    stands for NEW or OLD), and the source columns whose update moves the row between counts."""

    name: str
    source: str
    keys: dict[str, dict[str, str]]  # column -> {dialect: expression}
    measures: dict[str, str]  # column -> expression (the same on both engines)
    watched: tuple[str, ...]

    def key_of(self, column: str, dialect: str, row: str) -> str:
        return self.keys[column][dialect].format(row=row)


def _same(column: str) -> dict[str, str]:
    return {"sqlite": "{row}." + column, "postgresql": "{row}." + column}


TALLIES = (
    Tally("contract_tally", "contract",
          {column: _same(column)
           for column in ("agency_id", "origin_country", "destination_country", "sector", "deployed")},
          {"contracts": "1"},
          ("agency_id", "origin_country", "destination_country", "sector", "deployed")),
    Tally("contract_day_tally", "contract",
          {"agency_id": _same("agency_id"),
           "created_on": {"sqlite": "date({row}.created_at)",
                          "postgresql": "({row}.created_at AT TIME ZONE 'UTC')::date"}},
          {"contracts": "1"},
          ("agency_id", "created_at")),
    Tally("fee_tally", "fee_payment",
          {column: _same(column) for column in ("agency_id", "category", "payee_type", "method")},
          {"payments": "1", "usd_minor": "coalesce({row}.amount_usd_minor, 0)"},
          ("agency_id", "category", "payee_type", "method", "amount_usd_minor")),
)  # fmt: skip


def _add(tally: Tally, dialect: str, row: str = "NEW") -> str:
    """Count ``row`` in: insert its key, or add to the key's existing count."""
    columns = [*tally.keys, *tally.measures]
    values = [tally.key_of(key, dialect, row) for key in tally.keys]
    values += [measure.format(row=row) for measure in tally.measures.values()]
    moves = ", ".join(f"{name} = {tally.name}.{name} + excluded.{name}" for name in tally.measures)
    return (f"INSERT INTO {tally.name} ({', '.join(columns)}) VALUES ({', '.join(values)}) "
            f"ON CONFLICT ({', '.join(tally.keys)}) DO UPDATE SET {moves};")  # fmt: skip


def _take(tally: Tally, dialect: str, row: str = "OLD") -> str:
    """Count ``row`` out of its key (a key whose count reaches 0 stays, and reads as nothing)."""
    moves = ", ".join(f"{name} = {name} - {measure.format(row=row)}" for name, measure in tally.measures.items())
    where = " AND ".join(f"{key} = {tally.key_of(key, dialect, row)}" for key in tally.keys)
    return f"UPDATE {tally.name} SET {moves} WHERE {where};"


def _sqlite_triggers(tally: Tally) -> list[str]:
    watched = ", ".join(tally.watched)
    return [
        f"CREATE TRIGGER {tally.name}_insert AFTER INSERT ON {tally.source} BEGIN {_add(tally, 'sqlite')} END",
        f"CREATE TRIGGER {tally.name}_update AFTER UPDATE OF {watched} ON {tally.source} "
        f"BEGIN {_take(tally, 'sqlite')} {_add(tally, 'sqlite')} END",
        f"CREATE TRIGGER {tally.name}_delete AFTER DELETE ON {tally.source} BEGIN {_take(tally, 'sqlite')} END",
    ]


def _postgresql_triggers(tally: Tally) -> list[str]:
    function = (
        f"CREATE FUNCTION rw_{tally.name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_take(tally, 'postgresql')} END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {_add(tally, 'postgresql')} END IF; "
        "RETURN NULL; END $$"
    )
    trigger = (f"CREATE TRIGGER {tally.name}_count AFTER INSERT OR DELETE OR UPDATE OF {', '.join(tally.watched)} "
               f"ON {tally.source} FOR EACH ROW EXECUTE FUNCTION rw_{tally.name}()")  # fmt: skip
    return [function, trigger]


def _fill(tally: Tally, dialect: str) -> str:
    """The counts of the rows already stored."""
    keys = [tally.key_of(key, dialect, tally.source) for key in tally.keys]
    sums = [f"sum({measure.format(row=tally.source)})" for measure in tally.measures.values()]
    return (f"INSERT INTO {tally.name} ({', '.join([*tally.keys, *tally.measures])}) "
            f"SELECT {', '.join(keys + sums)} FROM {tally.source} GROUP BY {', '.join(keys)}")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "contract_tally",
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("origin_country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("destination_country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deployed", sa.Boolean(), nullable=False),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "origin_country", "destination_country", "sector", "deployed",
                                name=op.f("pk_contract_tally")),  # fmt: skip
    )
    op.create_table(
        "contract_day_tally",
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "created_on", name=op.f("pk_contract_day_tally")),
    )
    op.create_table(
        "fee_tally",
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("payee_type", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("payments", sa.Integer(), nullable=False),
        sa.Column("usd_minor", ID, nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "category", "payee_type", "method", name=op.f("pk_fee_tally")),
    )
    # The agency 360° page lists one agency's contracts newest first: without this index SQLite sorted all of them
    # (0.14 s for 107,000), with it the page's 25 rows are an index range.
    op.create_index("ix_contract_agency_created", "contract", ["agency_id", "created_at", "id"], unique=False)
    dialect = op.get_bind().dialect.name
    for tally in TALLIES:
        op.execute(_fill(tally, dialect))
        for statement in _postgresql_triggers(tally) if dialect == "postgresql" else _sqlite_triggers(tally):
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for tally in reversed(TALLIES):
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {tally.name}_count ON {tally.source}")
            op.execute(f"DROP FUNCTION IF EXISTS rw_{tally.name}()")
        else:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {tally.name}_{event}")
        op.drop_table(tally.name)
    op.drop_index("ix_contract_agency_created", table_name="contract")
