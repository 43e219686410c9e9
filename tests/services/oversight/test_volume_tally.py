"""The contract and fee tallies (migration 0022's triggers) equal a fresh count after every way rows are written —
the demo loader's bulk path, the API's intake, the CSV import, an update of a counted column, a delete — and scoring
one agency against its corridor alone gives exactly its entry in the full ranking. Both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import Date, cast, func, select, update
from sqlmodel import Session

from recruitment_watch.checks.risk import RiskWeights
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.demo.load import load_demo
from recruitment_watch.models import Contract, ContractDayTally, ContractTally, FeePayment, FeeTally
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.oversight.risk import assess_agency, rank_agencies, read_conduct, window_start
from recruitment_watch.services.sweeps.run import start_sweep
from tests.api.conftest import contract_body, world  # noqa: F401
from tests.services.contracts.test_csv_import import contract_cells, csv_bytes, imported, setting  # noqa: F401
from tests.support.database import demo_loaded, wipe

PAYMENT = {"payee_type": "agency", "category": "recruitment_service_fee", "amount_minor": 25_000, "currency": "NPR",
           "paid_on": "2026-01-20", "method": "wage_deduction"}  # fmt: skip


def _created_on(session: Session):
    if session.get_bind().dialect.name == "sqlite":
        return func.date(Contract.created_at)
    return cast(func.timezone("UTC", Contract.created_at), Date)


def fresh_counts(session: Session) -> dict[str, set[tuple]]:
    """What each tally must hold, counted from the rows themselves (keys whose count fell to 0 are left out)."""
    corridor = (Contract.agency_id, Contract.origin_country, Contract.destination_country, Contract.sector,
                Contract.deployed)  # fmt: skip
    fees = (FeePayment.agency_id, FeePayment.category, FeePayment.payee_type, FeePayment.method)
    day = _created_on(session)
    return {
        "contract": {tuple(row) for row in session.execute(select(*corridor, func.count()).group_by(*corridor))},
        "day": {(agency_id, str(on), count) for agency_id, on, count in session.execute(
            select(Contract.agency_id, day, func.count()).group_by(Contract.agency_id, day))},
        "fee": {tuple(row) for row in session.execute(
            select(*fees, func.count(), func.sum(FeePayment.amount_usd_minor)).group_by(*fees))},
    }  # fmt: skip


def tallied(session: Session) -> dict[str, set[tuple]]:
    """What the tallies hold (the same shape as ``fresh_counts``)."""
    contract = (ContractTally.agency_id, ContractTally.origin_country, ContractTally.destination_country,
                ContractTally.sector, ContractTally.deployed, ContractTally.contracts)  # fmt: skip
    fees = (FeeTally.agency_id, FeeTally.category, FeeTally.payee_type, FeeTally.method, FeeTally.payments,
            FeeTally.usd_minor)  # fmt: skip
    return {
        "contract": {tuple(row) for row in session.execute(select(*contract).where(ContractTally.contracts > 0))},
        "day": {(agency_id, str(on), count) for agency_id, on, count in session.execute(
            select(ContractDayTally.agency_id, ContractDayTally.created_on, ContractDayTally.contracts)
            .where(ContractDayTally.contracts > 0))},
        "fee": {tuple(row) for row in session.execute(select(*fees).where(FeeTally.payments > 0))},
    }  # fmt: skip


def assert_tallies_agree(engine) -> dict[str, set[tuple]]:
    with Session(engine) as session:
        fresh = fresh_counts(session)
        assert tallied(session) == fresh
    return fresh


def test_the_demo_loaders_bulk_rows_are_tallied(engine):
    with demo_loaded(engine, contracts=300, seed=7):
        counted = assert_tallies_agree(engine)
        assert sum(row[-1] for row in counted["contract"]) == 300 and counted["fee"]


def test_api_intake_fee_payments_updates_and_deletes_keep_the_tallies(app, client, world):  # noqa: F811
    headers = world.agency_a.headers
    first = client.post("/api/v1/contracts", json=contract_body(world.employer_id, "CT-T-1"), headers=headers)
    client.post("/api/v1/contracts", json=contract_body(world.employer_id, "CT-T-2", sector="domestic_work",
                                                        deployed=True), headers=headers)  # fmt: skip
    contract = first.get_json()["contract"]
    paid = client.post("/api/v1/fee-payments", headers=headers,
                       json={"worker_id": contract["worker_id"], "contract_id": contract["id"], **PAYMENT})
    assert paid.status_code == 201, paid.get_json()
    engine = get_engine(app)
    counted = assert_tallies_agree(engine)
    agency = world.agency_a.agency_id
    assert counted["contract"] == {(agency, "NP", "QA", "construction", False, 1),
                                                         (agency, "NP", "QA", "domestic_work", True, 1)}  # fmt: skip
    assert {row[:5] for row in counted["fee"]} == {
        (agency, "recruitment_service_fee", "agency", "wage_deduction", 1)}
    with unit_of_work(engine) as session:  # a departure, a worker moved to another sector, a payment corrected
        session.execute(update(Contract).where(Contract.id == contract["id"]).values(deployed=True, sector="care"))
        session.execute(update(FeePayment).values(amount_usd_minor=FeePayment.amount_usd_minor + 1))
    assert_tallies_agree(engine)
    with unit_of_work(engine) as session:
        session.execute(FeePayment.__table__.delete())
        session.execute(Contract.__table__.delete().where(Contract.id == contract["id"]))
    counted = assert_tallies_agree(engine)
    assert len(counted["contract"]) == 1 and counted["fee"] == set()


def test_the_csv_imports_rows_are_tallied(engine, session, setting):  # noqa: F811
    actor, employer_id, _ = setting
    final = imported(engine, session, actor, csv_bytes([contract_cells(employer_id, n) for n in range(4)]))
    assert final.rows_stored == 4
    counted = assert_tallies_agree(engine)
    assert counted["contract"] == {(actor.agency_id, "NP", "QA", "construction", False, 4)}


@pytest.fixture()
def swept_demo(engine):
    """A 600-contract demo (40 agencies in a few corridors, some tiny) after its first full sweep."""
    wipe(engine)
    load_demo(engine, contracts=600, seed=2026, password="pw")
    start_sweep(engine, {}, full=True, trigger="cli")
    yield engine
    wipe(engine)


@pytest.mark.parametrize("weights", [
    RiskWeights(),
    RiskWeights(min_typical_agencies=1, prior_min_contracts=1),  # every corridor sets its own typical rate
    RiskWeights(min_typical_agencies=8),  # some corridors are too small: the national median is read
    RiskWeights(window_days=30),  # a window that starts after the demo's contracts were recorded … or not
], ids=["defaults", "own-typical", "national-fallback", "short-window"])  # fmt: skip
def test_one_agency_scored_on_its_corridor_equals_its_entry_in_the_ranking(swept_demo, weights):
    today = utc_now().date()
    with Session(swept_demo) as session:
        ranked = {risk.agency_id: risk for risk in rank_agencies(session=session, on=today, weights=weights)}
        alone = {agency_id: assess_agency(agency_id, session=session, on=today, weights=weights)
                 for agency_id in ranked}  # fmt: skip
        public = {agency_id: assess_agency(agency_id, session=session, on=today, weights=weights, public=True)
                  for agency_id in ranked}  # fmt: skip
        public_ranked = {risk.agency_id: risk for risk in rank_agencies(session=session, on=today, weights=weights,
                                                                        public=True)}  # fmt: skip
        corridors = {conduct.corridor for conduct in read_conduct(session=session, on=today, weights=weights)[1]}
    assert alone == ranked and public == public_ranked
    assert len(corridors) > 1 and any(risk.score.contracts for risk in ranked.values())


def test_a_ranking_without_explanations_has_the_same_scores_in_the_same_order(swept_demo):
    today, weights = utc_now().date(), RiskWeights(min_typical_agencies=8)
    with Session(swept_demo) as session:
        explained = rank_agencies(session=session, on=today, weights=weights)
        bare = rank_agencies(session=session, on=today, weights=weights, explained=False)
    assert [(risk.agency_id, replace(risk.score, lines=())) for risk in explained] == [
        (risk.agency_id, risk.score) for risk in bare]  # fmt: skip
    assert all(risk.score.lines for risk in explained) and not any(risk.score.lines for risk in bare)


def test_the_window_counts_the_contracts_recorded_since_its_first_day(engine):
    weights = RiskWeights(window_days=30)
    with demo_loaded(engine, contracts=200, seed=3), Session(engine) as session:
        first, last = (moment.date() for moment in session.execute(
            select(func.min(Contract.created_at), func.max(Contract.created_at))).one())  # fmt: skip
        for on in sorted({first + timedelta(days=30), last + timedelta(days=30), last + timedelta(days=31)}):
            since = datetime.combine(window_start(on, weights), time(), UTC)
            expected = dict(session.execute(select(Contract.agency_id, func.count())
                                            .where(Contract.created_at >= since).group_by(Contract.agency_id)).all())
            conduct = read_conduct(session=session, on=on, weights=weights)[1]
            assert {agency.agency_id: agency.contracts for agency in conduct if agency.contracts} == expected, on
        assert expected == {}  # the last day tried is past every contract's window
