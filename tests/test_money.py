"""The monthly US-dollar wage has one definition (money.monthly_usd_minor) that intake, preview and demo share."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from recruitment_watch import money
from recruitment_watch.models import ContractVersion
from recruitment_watch.schemas.common import MAX_AMOUNT_MINOR
from recruitment_watch.schemas.contracts import ContractVersionInput
from recruitment_watch.services.contracts import intake
from tests.support.factories import contract_input, make_agency, make_employer, make_worker, version_input


@pytest.mark.parametrize(
    ("period", "wage_minor", "usd_cents"),
    [
        ("month", 140_000, 38_462),  # QAR 1,400 / 3.64
        ("week", 32_308, 38_462),  # QAR 323.08 x 52/12 = QAR 1,400.01 (whole cents) / 3.64
        ("day", 5_385, 38_464),  # QAR 53.85 x 26
        ("hour", 673, 38_457),  # QAR 6.73 x 208 = QAR 1,399.84
    ],
)
def test_a_wage_per_period_becomes_usd_cents_a_month(period, wage_minor, usd_cents):
    assert money.monthly_usd_minor(wage_minor, period, "QAR", date(2026, 1, 1)) == usd_cents


def test_intake_stores_the_monthly_usd_wage_of_a_weekly_wage(session):
    agency, employer, worker = make_agency(session), make_employer(session), make_worker(session)
    version = version_input(employer.id, wage_period="week", basic_wage_minor=32_308, signed_on=date(2026, 2, 1))
    contract, _ = intake.store_contract(
        contract_input(agency.id, employer.id, worker.id, versions=[version]), session=session
    )
    session.commit()
    stored = session.scalars(select(ContractVersion).where(ContractVersion.contract_id == contract.id)).one()
    assert stored.basic_wage_usd_minor == money.monthly_usd_minor(32_308, "week", "QAR", date(2026, 2, 1))


def test_the_input_range_check_uses_the_same_monthly_factor():
    per_hour_limit = int(MAX_AMOUNT_MINOR / money.monthly_factor("hour"))
    ContractVersionInput.model_validate(version_input(1, wage_period="hour", basic_wage_minor=per_hour_limit))
    with pytest.raises(ValidationError, match="monthly equivalent"):
        ContractVersionInput.model_validate(version_input(1, wage_period="hour", basic_wage_minor=per_hour_limit + 1))
