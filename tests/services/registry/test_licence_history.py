"""A licence's history gives its status on any day, the same in Python and in SQL, and the sweep judges each
licence criterion on the contract's own dates: signing, departure, payment."""

from __future__ import annotations

import random
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from recruitment_watch.db import unit_of_work
from recruitment_watch.models import Finding
from recruitment_watch.services.contracts import fees
from recruitment_watch.services.criteria.subject_sources import agency_source
from recruitment_watch.services.registry import agencies
from recruitment_watch.services.registry.licence_history import (
    history_of,
    period_on,
    period_table,
    periods_of,
    status_on,
    status_on_column,
)
from recruitment_watch.services.sweeps.run import run_sweep
from recruitment_watch.services.sweeps.strategies import strategy_named
from tests.support.factories import make_contract, payment_input


def event(number, decision, status, day, valid_to=None):
    return SimpleNamespace(id=number, decision=decision, status=status, decided_on=day, valid_to=valid_to,
                           reason="decided", legal_basis=None)  # fmt: skip


LAPSE_THEN_RENEWAL = periods_of(
    [
        event(1, "issued", "active", date(2023, 1, 1), date(2024, 12, 31)),
        event(2, "renewed", "renewed", date(2025, 3, 1), date(2027, 2, 28)),
        event(3, "suspended", "suspended", date(2026, 6, 1)),
        event(4, "reinstated", "active", date(2026, 9, 1), date(2027, 2, 28)),
        # Two decisions on one day: the one recorded later holds from that day.
        event(6, "cancelled", "cancelled", date(2026, 12, 1)),
        event(5, "suspended", "suspended", date(2026, 12, 1)),
    ]
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 12, 31), "unlicensed"),
        (date(2023, 1, 1), "active"),
        (date(2024, 12, 31), "active"),
        (date(2025, 1, 1), "expired"),
        (date(2025, 2, 28), "expired"),
        (date(2025, 3, 1), "renewed"),
        (date(2026, 5, 31), "renewed"),
        (date(2026, 6, 1), "suspended"),
        (date(2026, 8, 31), "suspended"),
        (date(2026, 9, 1), "active"),
        (date(2026, 11, 30), "active"),
        (date(2026, 12, 1), "cancelled"),
        (date(2030, 1, 1), "cancelled"),
        (None, None),
    ],
)
def test_status_on_a_day_follows_the_history(day, expected):
    assert status_on(LAPSE_THEN_RENEWAL, day) == expected


def test_no_history_means_unlicensed():
    assert status_on([], date(2026, 1, 1)) == "unlicensed"


DECISIONS = [("renewed", "renewed", True), ("reinstated", "active", True), ("suspended", "suspended", False),
             ("cancelled", "cancelled", False), ("expired", "expired", False), ("banned", "banned", False)]  # fmt: skip


def random_history(rng: random.Random) -> list[dict]:
    """An issue, then up to six later decisions, some on the same day, granting ones with a validity end."""
    day = date(2020, 1, 1) + timedelta(days=rng.randint(0, 400))
    history = [{"decision": "issued", "decided_on": day, "valid_to": day + timedelta(days=rng.randint(30, 900))}]
    for _ in range(rng.randint(0, 6)):
        day += timedelta(days=rng.choice((0, 1, 45, 200, 500)))
        decision, _, granting = rng.choice(DECISIONS)
        valid_to = day + timedelta(days=rng.randint(0, 700)) if granting and rng.random() < 0.8 else None
        history.append({"decision": decision, "decided_on": day, "valid_to": valid_to})
    return history


def test_sql_status_agrees_with_python_on_random_histories(session):
    """40 random histories, each probed on every day where something changes and the days around it."""
    rng = random.Random(20261130)
    days_table = sa.Table("probe_day", sa.MetaData(), sa.Column("agency_id", sa.Integer), sa.Column("day", sa.Date))
    bind = session.get_bind()
    days_table.create(bind)
    try:
        for number in range(40):
            agency = agencies.register_agency(
                {"name": f"Agency {number}", "country": "NP", "licence_no": f"RND-{number}",
                 "licence_authority": "DoFE", "status": "active"}, actor=None, session=session)  # fmt: skip
            session.execute(sa.delete(agencies.LicenceEvent).where(agencies.LicenceEvent.agency_id == agency.id))
            for decided in random_history(rng):
                agencies.record_licence_event(agency.id, {"reason": "random", **decided}, session=session)
            history = history_of(session, agency.id)
            days = {None} | {
                edge + timedelta(days=shift)
                for period in history
                for edge in (period.starts_on, period.valid_to)
                if edge is not None
                for shift in (-1, 0, 1)
            }
            session.execute(days_table.insert(), [{"agency_id": agency.id, "day": day} for day in days])
            period = period_table().alias("period")
            rows = session.execute(
                select(days_table.c.day, status_on_column(period, days_table.c.day))
                .select_from(days_table.outerjoin(period, period_on(period, days_table.c.agency_id, days_table.c.day)))
                .where(days_table.c.agency_id == agency.id)
            ).all()
            assert len(rows) == len(days), "one period at most covers a day"
            for day, in_sql in rows:
                assert in_sql == status_on(history, day), (number, day, history)
    finally:
        session.rollback()
        days_table.drop(bind)


def decide(session, agency_id, decision, day, valid_to=None):
    agencies.record_licence_event(
        agency_id, {"decision": decision, "reason": "authority order", "decided_on": day, "valid_to": valid_to},
        session=session,
    )  # fmt: skip


def open_findings(engine, criterion):
    with unit_of_work(engine) as session:
        return session.scalars(
            select(Finding).where(Finding.criterion_id == criterion, Finding.status == "open")
        ).all()  # fmt: skip


@pytest.mark.parametrize("strategy", ["sql", "python"])
def test_contract_signed_in_a_lapse_stays_a_breach_after_renewal(session, engine, strategy):
    """Licence 2024-01-01 … 2025-12-31, renewed only on 2026-03-01: a contract signed 2026-02-10 (and a fee
    collected 2026-01-20) fall in the lapse, although the licence is valid today."""
    contract = make_contract(session, deployed=True)
    decide(session, contract.agency_id, "expired", date(2026, 1, 1))
    decide(session, contract.agency_id, "renewed", date(2026, 3, 1), date(2029, 2, 28))
    fees.record_fee_payment(payment_input(contract), session=session)
    session.commit()
    run_sweep(engine, strategy_named(strategy), full=True)
    (signed,) = open_findings(engine, "AGY-001")
    assert signed.message == "Signed 2026-02-10, when the agency's licence was expired."
    (collected,) = open_findings(engine, "AGY-018")
    assert "on 2026-01-20, when its licence was expired" in collected.message
    assert open_findings(engine, "AGY-013") == []  # departed 2026-03-01, the day of the renewal
    (agency,) = open_findings(engine, "AGY-012")
    assert agency.message.endswith("has 1 contract(s) signed outside its licence period.")


@pytest.mark.parametrize("strategy", ["sql", "python"])
def test_suspension_after_deployment_is_not_a_deployment_breach(session, engine, strategy):
    """Departed 2026-03-01 with a valid licence; suspended on 2026-06-01: nothing about that deployment."""
    contract = make_contract(session, deployed=True)
    decide(session, contract.agency_id, "suspended", date(2026, 6, 1))
    session.commit()
    run_sweep(engine, strategy_named(strategy), full=True)
    assert open_findings(engine, "AGY-013") == []
    assert open_findings(engine, "AGY-001") == []
    assert open_findings(engine, "AGY-012") == []


@pytest.mark.parametrize("strategy", ["sql", "python"])
def test_deployment_during_a_suspension_is_a_breach_after_reinstatement(session, engine, strategy):
    contract = make_contract(session, deployed=True)
    decide(session, contract.agency_id, "suspended", date(2026, 2, 20))
    decide(session, contract.agency_id, "reinstated", date(2026, 4, 1))
    session.commit()
    run_sweep(engine, strategy_named(strategy), full=True)
    (deployed,) = open_findings(engine, "AGY-013")
    assert deployed.message == "Worker deployed on 2026-03-01, when the agency's licence was suspended."
    assert open_findings(engine, "AGY-001") == []  # signed 2026-02-10, before the suspension


def test_agency_count_uses_the_history(session):
    """Signed before the first licence, in a lapse and while suspended: three; inside a valid period: none."""
    contract = make_contract(session)  # signed 2026-02-10, licence from 2024-01-01
    agency_id = contract.agency_id
    session.execute(sa.update(agencies.LicenceEvent).where(agencies.LicenceEvent.agency_id == agency_id).values(
        decided_on=date(2026, 2, 11)))  # fmt: skip
    session.flush()
    source = agency_source(date(2026, 11, 30), session.get_bind().dialect.name).subquery()
    count = select(source.c.contracts_outside_licence).where(source.c.subject_id == agency_id)
    assert session.scalar(count) == 1
    session.execute(sa.update(agencies.LicenceEvent).where(agencies.LicenceEvent.agency_id == agency_id).values(
        decided_on=date(2026, 2, 10)))  # fmt: skip
    session.flush()
    assert session.scalar(count) == 0
    decide(session, agency_id, "suspended", date(2026, 2, 10))
    assert session.scalar(count) == 1
