"""Load the demo into a database: reference data through the services, contracts in bulk blocks.

Each block of ``BLOCK_SIZE`` contracts is one transaction written with the fastest path of the backend
(``executemany`` on SQLite, ``COPY`` on PostgreSQL). A block already present is skipped, so seeding again (or
resuming after a crash) never duplicates anything; a crash mid-block leaves no part of that block behind.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, func, select, text
from sqlmodel import SQLModel

from recruitment_watch.db import unit_of_work
from recruitment_watch.demo.reference import DEMO_LOGINS, demo_totp_secret, seed_reference
from recruitment_watch.demo.rows import (
    TABLE_COLUMNS,
    TABLE_ORDER,
    Block,
    Ids,
    build_block,
    contract_reference,
    now_utc,
)
from recruitment_watch.models import Contract, ContractVersion
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.trust.capture import summarised
from recruitment_watch.services.trust.summaries import record_summary

# Fixed (not configurable): block boundaries decide which random stream each contract draws from.
BLOCK_SIZE = 10_000
_ID_TABLES = tuple(table for table in TABLE_ORDER if "id" in TABLE_COLUMNS[table])


@dataclass
class DemoSummary:
    """What a demo run did."""

    contracts_requested: int
    contracts_added: int
    # (e-mail, role, second-step secret of staff logins)
    logins: list[tuple[str, str, str | None]]


def _sqlite_value(value: Any) -> Any:
    """How SQLModel stores temporal values on SQLite: naive-UTC text with microseconds, ISO dates."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _temporal_columns(table: str) -> list[int]:
    """Positions of the date and datetime columns (also behind a TypeDecorator such as SQLModel's UTCDateTime,
    whose ``python_type`` is ``object``): the values the SQLite writer must store as the ORM does."""
    sa_table = SQLModel.metadata.tables[table]
    found = []
    for index, column in enumerate(TABLE_COLUMNS[table]):
        column_type = sa_table.c[column].type
        storage = column_type.impl if isinstance(column_type, sa.TypeDecorator) else column_type
        if isinstance(storage, sa.Date | sa.DateTime):
            found.append(index)
    return found


def _write_sqlite(connection: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    temporal = _temporal_columns(table)
    if temporal:
        converted = []
        for row in rows:
            values = list(row)
            for index in temporal:
                if values[index] is not None:
                    values[index] = _sqlite_value(values[index])
            converted.append(tuple(values))
        rows = converted
    placeholders = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)


def _write_postgresql(connection: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.close()


def write_block(connection: Connection, block: Block) -> None:
    """Insert every row of ``block``, parents first, inside the caller's transaction."""
    writer = _write_postgresql if connection.dialect.name == "postgresql" else _write_sqlite
    for table in TABLE_ORDER:
        rows = block.rows[table]
        if rows:
            writer(connection, table, TABLE_COLUMNS[table], rows)


def _next_ids(connection: Connection) -> Ids:
    found = {}
    for table in _ID_TABLES:
        found[table] = connection.execute(text(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")).scalar_one()
    return Ids(next=found)


def _resync_sequences(connection: Connection) -> None:
    """PostgreSQL: move each id sequence past the ids the blocks reserved themselves."""
    if connection.dialect.name != "postgresql":
        return
    for table in _ID_TABLES:
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        )


def _existing_indexes(engine: Engine, seed: int, start: int, stop: int) -> frozenset[int]:
    """Indexes of the demo contracts of ``start``..``stop - 1`` already in the database."""
    with engine.connect() as connection:
        references = connection.scalars(
            select(Contract.reference).where(
                Contract.reference.between(contract_reference(seed, start), contract_reference(seed, stop - 1))
            )
        )
        return frozenset(int(reference.rsplit("-", 1)[1]) for reference in references)


def _pending_blocks(engine: Engine, seed: int, contracts: int) -> list[tuple[int, int, int, frozenset[int]]]:
    """(block_no, start, stop, indexes already present) of every block that still lacks contracts."""
    pending = []
    for block_no in range((contracts + BLOCK_SIZE - 1) // BLOCK_SIZE):
        start, stop = block_no * BLOCK_SIZE, min(contracts, (block_no + 1) * BLOCK_SIZE)
        existing = _existing_indexes(engine, seed, start, stop)
        if len(existing) < stop - start:
            pending.append((block_no, start, stop, existing))
    return pending


# Indexes that millions of rows would fill in random order (an agency's versions by signing date): dropped while the
# blocks are written and built once, sorted, afterwards (1 M contracts: about 100 s of the load otherwise).
_BUILT_AFTER_LOAD = frozenset({"ix_contract_version_agency_signed"})


@contextmanager
def _indexes_built_after(engine: Engine, loading: bool) -> Iterator[None]:
    """Drop the deferred indexes for the load and build them again after, also when the load fails (a killed load
    leaves them missing until the next ``load_demo``, and ``recruitment-watch db check`` reports it)."""
    deferred = [index for index in ContractVersion.__table__.indexes if index.name in _BUILT_AFTER_LOAD]
    if loading:
        with engine.begin() as connection:
            for index in deferred:
                index.drop(connection, checkfirst=True)
    try:
        yield
    finally:
        with engine.begin() as connection:
            for index in deferred:
                index.create(connection, checkfirst=True)


def _refresh_statistics(engine: Engine) -> None:
    """ANALYZE after a bulk load: without fresh statistics both planners pick poor plans for the sweeps' joins
    (PostgreSQL's autovacuum has not seen a million COPYed rows yet; SQLite has no statistics at all)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def load_demo(
    engine: Engine,
    *,
    contracts: int,
    seed: int,
    password: str,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Seed reference data and ``contracts`` demo contracts (idempotent; resumable block by block).

    Blocks are generated in a pool of processes (one per core) and written by this process, one transaction each.
    """
    today = today or now_utc().date()
    with unit_of_work(engine) as session:
        summarised(session, "demo load")  # one audit event for the whole load, below
        reference = seed_reference(session, seed=seed, password=password, today=today)
    pending = _pending_blocks(engine, seed, contracts)
    if progress:
        progress(contracts - sum(stop - start for _b, start, stop, _e in pending))
    with engine.connect() as connection:
        base = _next_ids(connection).next
    now = now_utc()
    jobs = [
        (reference, seed, block_no, start, stop, existing, Ids.for_block(base, ordinal, BLOCK_SIZE), today, now)
        for ordinal, (block_no, start, stop, existing) in enumerate(pending)
    ]
    added = 0
    with _indexes_built_after(engine, loading=bool(jobs)), _generator_pool(len(jobs)) as pool:
        for (_block_no, start, stop, existing), block in zip(pending, _bounded_map(pool, jobs), strict=True):
            with engine.begin() as connection:
                write_block(connection, block)
            added += stop - start - len(existing)
            if progress:
                progress(stop - start)
    with engine.begin() as connection:
        _resync_sequences(connection)
    with unit_of_work(engine, writing=True) as session:
        record_summary(session, action="demo_load", object_type="demo", object_id=seed,
                       detail={"contracts_requested": contracts, "contracts_added": added, "today": today})  # fmt: skip
    if added:
        _refresh_statistics(engine)
    return DemoSummary(
        contracts_requested=contracts,
        contracts_added=added,
        logins=[(email, role.value, demo_totp_secret(email) if role in (Role.admin, Role.inspector) else None)
                for email, _n, role in DEMO_LOGINS],  # fmt: skip
    )


def _bounded_map(pool: Any, jobs: list[tuple], window: int = 3) -> Iterator[Block]:
    """Results of ``build_block`` over ``jobs`` in order, with at most ``window`` blocks generated ahead of the
    writer (memory stays bounded however many blocks there are)."""
    ahead: deque = deque()
    for job in jobs:
        ahead.append(pool.submit(build_block, *job))
        if len(ahead) >= window:
            yield ahead.popleft().result()
    while ahead:
        yield ahead.popleft().result()


@contextmanager
def _generator_pool(blocks: int) -> Iterator[Any]:
    """A process pool when there is more than one block to generate; the calling process otherwise."""
    workers = min(os.cpu_count() or 1, blocks)
    if workers < 2:
        yield _InProcess()
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


class _InProcess:
    """A pool's ``submit``, run here at once (small demos, tests)."""

    @staticmethod
    def submit(function: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        future.set_result(function(*args))
        return future


def count_contracts(engine: Engine) -> int:
    """How many contracts the database holds."""
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(Contract)) or 0
