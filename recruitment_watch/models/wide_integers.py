"""Ids and money are 64-bit on both engines, declared in one place for every table.

SQLite's INTEGER already holds 64 bits (and an ``INTEGER PRIMARY KEY`` is the rowid, so it must stay spelled
INTEGER there); PostgreSQL's ``integer`` holds 32: 2.1 billion rows, or 21 million in a currency's whole units —
5 M Indonesian rupiah is about 300 USD. Every integer column named ``id``, ``*_id`` or ``*_minor`` is therefore
``BIGINT`` on PostgreSQL. Migration 0009 widens existing databases.
"""

from __future__ import annotations

import sqlalchemy as sa

WIDE_INTEGER = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def is_wide(column: sa.Column) -> bool:
    """Whether ``column`` holds an id or an amount in minor units."""
    named = column.name == "id" or column.name.endswith(("_id", "_minor"))
    return named and isinstance(column.type, sa.Integer)


def widen(metadata: sa.MetaData) -> list[tuple[str, str]]:
    """Give every id and money column of ``metadata`` the 64-bit type; returns (table, column) of each."""
    widened = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if is_wide(column):
                column.type = WIDE_INTEGER
                widened.append((table.name, column.name))
    return widened
