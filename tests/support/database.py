"""Database helpers for tests: empty a test database, or hold a demo in it for one test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Engine
from sqlmodel import SQLModel


def wipe(engine: Engine) -> None:
    """Delete every row (children first) so the next test starts from an empty database, and forget the public
    grades remembered for the rows deleted.

    References that close a circle (``use_alter``: an organisation registered by a user, who belongs to an
    organisation) are cleared first; the order of the tables does not follow them.
    """
    from recruitment_watch.services.registry.public_grade import MEMORY

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # the audit trail's append-only trigger lets this wipe through
            connection.exec_driver_sql("SET LOCAL rw.audit_maintenance = 'on'")
        for table in SQLModel.metadata.sorted_tables:
            for reference in table.foreign_key_constraints:
                if reference.use_alter:
                    connection.execute(table.update().values({column.name: None for column in reference.columns}))
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    MEMORY.clear()


@contextmanager
def demo_loaded(engine: Engine, *, contracts: int, seed: int) -> Iterator[Engine]:
    """``engine``'s database holding only a demo of ``contracts`` contracts (as of 2026-11-01), wiped afterwards."""
    from recruitment_watch.demo.load import load_demo

    wipe(engine)
    load_demo(engine, contracts=contracts, seed=seed, password="pw", today=date(2026, 11, 1))
    try:
        yield engine
    finally:
        wipe(engine)
