"""The preview a submission gets is what the next sweep finds: for random contracts with inline fee payments and
an agency whose licence lapsed and was suspended, the criteria the preview says a contract would break are exactly
the criteria the sweep then raises on its versions and payments (both strategies, both engines)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from recruitment_watch.db import unit_of_work
from recruitment_watch.models import ContractVersion, FeePayment, Finding
from recruitment_watch.services.contracts import intake
from recruitment_watch.services.contracts.preview import preview
from recruitment_watch.services.registry import agencies
from recruitment_watch.services.sweeps.run import run_sweep
from recruitment_watch.services.sweeps.strategies import strategy_named
from tests.support.factories import contract_input, make_agency, make_employer, make_worker, version_input

CATEGORIES = ["recruitment_service_fee", "medical", "insurance", "skills_test", "training_orientation",
              "travel_lodging", "administrative", "illegitimate", "government_fee_official"]  # fmt: skip
PAYEES = ["agency", "sub_agent", "government", "medical_centre", "training_centre", "lender"]


def random_day(rng: random.Random) -> date:
    return date(2024, 6, 1) + timedelta(days=rng.randint(0, 800))


def random_payment(rng: random.Random) -> dict:
    loan = rng.random() < 0.2
    return {
        "payee_type": rng.choice(PAYEES),
        "category": rng.choice(CATEGORIES),
        "amount_minor": rng.choice((0, 50_000, 1_000_000, 2_500_000, 40_000_000)),
        "currency": rng.choice(("NPR", "NPR", "USD", "QAR")),
        "paid_on": random_day(rng),
        "method": rng.choice(("cash", "bank", "wage_deduction", "digital")),
        "receipt_no": rng.choice((None, "R-1")),
        "loan_taken": loan,
        "loan_interest_bp": rng.choice((None, 1200, 3600)) if loan else None,
    }


def random_contract(rng: random.Random, number: int, agency_id: int, employer_id: int, worker_id: int) -> dict:
    signed_on = random_day(rng)
    signed = version_input(
        employer_id,
        kind="origin_signed",
        signed_on=signed_on,
        copy_given_to_worker=rng.random() < 0.7,
        basic_wage_minor=rng.choice((90_000, 140_000, 200_000)),
        hours_per_day=rng.choice((8, 10, 12)),
        weekly_rest_days=rng.choice((0, 1)),
        languages=rng.choice((["ar", "ne"], ["ar"], ["en"])),
    )
    versions = [version_input(employer_id), signed]
    if rng.random() < 0.5:  # registered at destination, sometimes on worse terms
        versions.append({**signed, "kind": "destination_registered", "signed_on": signed_on + timedelta(days=30),
                         "basic_wage_minor": rng.choice((signed["basic_wage_minor"], 80_000))})  # fmt: skip
    return contract_input(
        agency_id, employer_id, worker_id,
        reference=f"CT-{number:04d}",
        departure_on=signed_on + timedelta(days=rng.randint(5, 60)),
        deployed=rng.random() < 0.6,
        versions=versions,
        fee_payments=[random_payment(rng) for _ in range(rng.randint(0, 4))],
    )  # fmt: skip


def swept_criteria(engine) -> dict[int, set[str]]:
    """contract id → criteria with an open finding on one of its versions or payments."""
    found: dict[int, set[str]] = defaultdict(set)
    with unit_of_work(engine) as session:
        for subject_table, subject_type in ((ContractVersion, "contract_version"), (FeePayment, "fee_payment")):
            rows = session.execute(
                select(subject_table.contract_id, Finding.criterion_id)
                .join(Finding, Finding.subject_id == subject_table.id)
                .where(Finding.subject_type == subject_type, Finding.status == "open")
            ).all()
            for contract_id, criterion in rows:
                found[contract_id].add(criterion)
    return found


@pytest.mark.parametrize("strategy", ["sql", "python"])
def test_preview_verdicts_equal_the_next_sweeps(session, engine, strategy):
    rng = random.Random(2026_11_30)
    agency = make_agency(session)  # licensed 2024-01-01 … 2027-12-31
    for decision, day in (("expired", date(2025, 2, 1)), ("renewed", date(2025, 4, 1)),
                          ("suspended", date(2025, 11, 1)), ("reinstated", date(2026, 1, 15))):  # fmt: skip
        agencies.record_licence_event(agency.id, {"decision": decision, "reason": "authority order",
                                                  "decided_on": day}, session=session)  # fmt: skip
    employer = make_employer(session)
    previewed: dict[int, set[str]] = {}
    for number in range(30):
        worker = make_worker(session, reference=f"W-{number:04d}")
        data = random_contract(rng, number, agency.id, employer.id, worker.id)
        said = {finding.criterion_id for finding in preview(data, session=session)}
        contract = intake.submit_contract(data, session=session)
        previewed[contract.id] = said
    session.commit()
    run_sweep(engine, strategy_named(strategy), full=True)
    swept = swept_criteria(engine)
    assert any("AGY-001" in said for said in previewed.values()), "the random contracts reach the licence lapse"
    assert any(any(c.startswith("FEE") for c in said) for said in previewed.values()), "and fee criteria"
    for contract_id, said in previewed.items():
        assert said == swept.get(contract_id, set()), contract_id
