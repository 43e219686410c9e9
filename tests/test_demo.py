"""The demo generator: deterministic, idempotent, resumable, and realistic enough for the checks to find things."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select, text

from recruitment_watch.demo.load import load_demo
from recruitment_watch.models import Agency, Complaint, Contract, ContractVersion, FeePayment, User
from tests.support.database import wipe

SEED = 7


def snapshot(engine) -> dict[str, list]:
    """The demo's content, independent of ids and timestamps."""
    with engine.connect() as connection:
        return {
            "agencies": connection.execute(
                select(Agency.licence_no, Agency.status, Agency.licence_valid_to).order_by(Agency.licence_no)
            ).all(),
            "contracts": connection.execute(
                text(
                    "SELECT c.reference, a.licence_no, e.registration_no, w.nationality, w.languages, c.departure_on,"
                    " c.deployed FROM contract c JOIN agency a ON a.id = c.agency_id"
                    " JOIN employer e ON e.id = c.employer_id JOIN worker w ON w.id = c.worker_id"
                    " ORDER BY c.reference"
                )
            ).all(),
            "versions": connection.execute(
                text(
                    "SELECT c.reference, v.seq, v.kind, v.basic_wage_minor, v.signed_on, v.languages"
                    " FROM contract_version v JOIN contract c ON c.id = v.contract_id ORDER BY c.reference, v.seq"
                )
            ).all(),
            "fees": connection.execute(
                text(
                    "SELECT c.reference, f.category, f.payee_type, f.amount_minor, f.currency, f.paid_on, f.method"
                    " FROM fee_payment f JOIN contract c ON c.id = f.contract_id"
                    " ORDER BY c.reference, f.category, f.amount_minor"
                )
            ).all(),
            "complaints": connection.execute(
                text("SELECT reference, status, categories, severity FROM complaint ORDER BY reference")
            ).all(),
        }


@pytest.fixture()
def clean_engine(engine):
    wipe(engine)
    yield engine
    wipe(engine)


def test_same_seed_gives_same_data_and_reseeding_adds_nothing(clean_engine):
    first = load_demo(clean_engine, contracts=1500, seed=SEED, password="pw")
    assert first.contracts_added == 1500
    before = snapshot(clean_engine)
    again = load_demo(clean_engine, contracts=1500, seed=SEED, password="pw")
    assert again.contracts_added == 0
    assert snapshot(clean_engine) == before  # idempotent: nothing duplicated, nothing changed

    wipe(clean_engine)
    load_demo(clean_engine, contracts=1500, seed=SEED, password="pw")
    assert snapshot(clean_engine) == before  # deterministic: a fresh database gets the very same data


def test_growing_the_demo_keeps_what_exists(clean_engine):
    load_demo(clean_engine, contracts=800, seed=SEED, password="pw")
    small = snapshot(clean_engine)
    grown = load_demo(clean_engine, contracts=1200, seed=SEED, password="pw")
    assert grown.contracts_added == 400
    bigger = snapshot(clean_engine)
    assert set(small["contracts"]) <= set(bigger["contracts"])
    assert len(bigger["contracts"]) == 1200
    wipe(clean_engine)
    load_demo(clean_engine, contracts=1200, seed=SEED, password="pw")
    assert snapshot(clean_engine)["versions"] == bigger["versions"]  # growing == loading at once


def test_demo_is_realistic(clean_engine):
    load_demo(clean_engine, contracts=3000, seed=SEED, password="pw")
    with clean_engine.connect() as connection:
        statuses = Counter(connection.scalars(select(Agency.status)))
        complaint_statuses = set(connection.scalars(select(Complaint.status)))
        categories = Counter(connection.scalars(select(FeePayment.category)))
        roles = set(connection.scalars(select(User.role)))
        lowered = connection.execute(
            text(
                "SELECT count(*) FROM contract_version d JOIN contract_version o ON o.contract_id = d.contract_id"
                " AND o.kind = 'origin_signed' WHERE d.kind = 'destination_registered'"
                " AND d.basic_wage_minor < o.basic_wage_minor"
            )
        ).scalar_one()
        late = connection.execute(
            text(
                "SELECT count(*) FROM contract_version v JOIN contract c ON c.id = v.contract_id"
                " WHERE v.kind = 'origin_signed' AND v.signed_on >= c.departure_on"
            )
        ).scalar_one()
        one_language = connection.execute(
            text("SELECT count(*) FROM contract_version WHERE kind = 'origin_signed' AND languages = ',ar,'")
        ).scalar_one()
        contracts = connection.scalar(select(Contract.id).order_by(Contract.id.desc()).limit(1))
        versions = connection.execute(select(ContractVersion.id)).all()
    assert sum(statuses.values()) == 40 and statuses["active"] >= 30
    assert {"suspended", "expired", "cancelled", "banned"} <= set(statuses)
    assert complaint_statuses == {"received", "acknowledged", "under_investigation", "resolved", "referred", "closed"}
    assert categories["recruitment_service_fee"] > 600 and categories["illegitimate"] > 20
    assert roles == {"admin", "inspector", "ngo", "agency"}
    assert 10 < lowered < 300  # contract substitution: a lower wage at destination
    assert late > 50  # signed on or after the day of departure
    assert one_language > 100  # contract only in Arabic
    assert contracts is not None and len(versions) > 5000


def test_demo_rows_read_back_through_the_models(clean_engine):
    """Bulk-written rows (raw executemany / COPY) must look exactly like ORM-written ones."""
    from recruitment_watch.db import new_session

    load_demo(clean_engine, contracts=300, seed=SEED, password="pw")
    with new_session(clean_engine) as session:
        version = session.scalars(select(ContractVersion).order_by(ContractVersion.id)).first()
        complaint = session.scalars(select(Complaint).order_by(Complaint.id)).first()
        contract = session.scalars(select(Contract).order_by(Contract.id)).first()
    assert version.created_at.tzinfo is not None and version.kind == "offer"
    assert contract.updated_at.utcoffset().total_seconds() == 0
    assert complaint is not None and complaint.received_at.utcoffset().total_seconds() == 0


def test_demo_stores_dates_and_times_as_the_orm_does(clean_engine):
    """On SQLite dates and times are text: the loader must write the ORM's form, or comparisons (cursor paging,
    ``updated_at >= ?``) silently miss rows. It once wrote UTCDateTime columns with a ``+00:00`` suffix."""
    import re

    from recruitment_watch.demo.load import _temporal_columns
    from recruitment_watch.demo.rows import TABLE_COLUMNS

    if clean_engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL stores timestamptz and date values, not text")
    load_demo(clean_engine, contracts=300, seed=SEED, password="pw")
    orm_datetime = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")
    orm_date = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    checked = 0
    with clean_engine.connect() as connection:
        for table, columns in TABLE_COLUMNS.items():
            for index in _temporal_columns(table):
                column = columns[index]
                stored = connection.exec_driver_sql(
                    f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL LIMIT 50"
                ).scalars().all()
                shape = orm_datetime if column.endswith("_at") else orm_date
                assert all(shape.match(value) for value in stored), (table, column, stored[:3])
                checked += len(stored)
    assert checked > 500
