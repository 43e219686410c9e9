"""Row counts and content hashes per table, computed the same way on SQLite and PostgreSQL.

A backup's manifest records them and a restore recomputes them, so a restored database is proved to hold exactly the
rows that were backed up. Every table the database holds is read (reflected, not taken from the models, so a table
a newer migration added is covered too). Each row becomes one line of canonical JSON (columns by name; datetimes in
UTC without an offset, decimals normalised, JSON documents with sorted keys), and a table's hash is the SHA-256 of
its lines in primary-key order. Integer keys are ordered by the database while streaming; other keys are ordered in
Python, because text collation differs between the engines.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

STREAM_ROWS = 5_000


@dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "sha256": self.sha256}


def canonical(value: Any) -> Any:
    """The engine-independent form of one stored value."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def row_line(row: sa.Row) -> str:
    """One row as a line of canonical JSON."""
    values = {name: canonical(value) for name, value in row._mapping.items()}
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _integer_key(table: sa.Table) -> bool:
    key = list(table.primary_key.columns)
    return bool(key) and all(isinstance(column.type, sa.Integer) for column in key)


def digest_table(connection: Connection, table: sa.Table) -> TableDigest:
    """Count and hash one table's rows in primary-key order."""
    key = list(table.primary_key.columns) or list(table.columns)
    hasher, rows = hashlib.sha256(), 0
    query = sa.select(*sorted(table.columns, key=lambda column: column.name))
    if _integer_key(table):
        result = connection.execution_options(yield_per=STREAM_ROWS).execute(query.order_by(*key))
        for row in result:
            hasher.update(row_line(row).encode() + b"\n")
            rows += 1
        return TableDigest(rows, hasher.hexdigest())
    names = [column.name for column in key]
    lines = sorted(
        (json.dumps([canonical(row._mapping[name]) for name in names], default=str), row_line(row))
        for row in connection.execute(query)
    )
    for _key, line in lines:
        hasher.update(line.encode() + b"\n")
    return TableDigest(len(lines), hasher.hexdigest())


def database_tables(connection: Connection) -> list[sa.Table]:
    """Every table of the database, by name."""
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    return [metadata.tables[name] for name in sorted(metadata.tables)]


def digest_database(connection: Connection) -> dict[str, TableDigest]:
    """Row count and content hash of every table, read in the connection's current transaction."""
    return {table.name: digest_table(connection, table) for table in database_tables(connection)}


def holds_rows(connection: Connection) -> list[str]:
    """The tables that hold at least one row (the schema's own ``alembic_version`` aside): empty means restorable."""
    found = []
    for table in database_tables(connection):
        if table.name != "alembic_version" and connection.execute(sa.select(sa.literal(1)).select_from(table)
                                                                  .limit(1)).first():  # fmt: skip
            found.append(table.name)
    return found


def schema_revision(connection: Connection) -> str | None:
    """The Alembic revision the database is at (None: not migrated)."""
    if "alembic_version" not in sa.inspect(connection).get_table_names():
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
