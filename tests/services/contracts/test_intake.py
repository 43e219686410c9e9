"""Contract intake through the services: validation before writing, chained version hashes, fee payments."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from recruitment_watch.models import Contract, ContractVersion, FeePayment, WorkerIdentity
from recruitment_watch.services.contracts import fees
from recruitment_watch.services.contracts import intake as contracts
from recruitment_watch.services.contracts.version_hash import broken_links, version_sha256
from recruitment_watch.services.criteria.subject_loader import fee_totals_of
from recruitment_watch.services.errors import Conflict, NotFound
from tests.support.factories import (
    contract_input,
    count_rows,
    make_agency,
    make_contract,
    make_employer,
    make_worker,
    payment_input,
    version_input,
)


def test_contract_versions_are_chained_by_hash(session):
    contract = make_contract(session)
    contracts.add_contract_version(
        contract.id,
        version_input(contract.employer_id, kind="destination_registered", basic_wage_minor=90000),
        session=session,
    )
    session.commit()
    versions = contracts.contract_versions(contract.id, session=session)
    assert [version.kind for version in versions] == ["offer", "origin_signed", "destination_registered"]
    assert versions[0].previous_sha256 is None
    assert versions[1].previous_sha256 == versions[0].content_sha256
    assert versions[2].previous_sha256 == versions[1].content_sha256
    rows = [version.model_dump() for version in versions]
    assert broken_links(rows) == []
    assert versions[2].content_sha256 == version_sha256(rows[2], versions[1].content_sha256)


def test_tampering_with_a_stored_version_breaks_the_chain(session):
    contract = make_contract(session)
    rows = [version.model_dump() for version in contracts.contract_versions(contract.id, session=session)]
    rows[0]["basic_wage_minor"] = 200000  # someone edits the offer after the fact
    assert broken_links(rows) == [1]


def test_hash_ignores_list_order_and_storage_form(session):
    a = version_input(1, languages=["ne", "ar"], deductions=["food"])
    b = {**a, "languages": ",ar,ne,", "deductions": ",food,"}
    assert version_sha256(a, None) == version_sha256(b, None)


def test_bad_version_input_names_the_field_and_writes_nothing(session):
    agency, employer, worker = make_agency(session), make_employer(session), make_worker(session)
    session.commit()
    bad = contract_input(agency.id, employer.id, worker.id)
    bad["versions"][1]["hours_per_day"] = 30
    with pytest.raises(ValidationError) as caught:
        contracts.submit_contract(bad, session=session)
    assert caught.value.errors()[0]["loc"] == ("versions", 1, "hours_per_day")
    session.rollback()
    assert count_rows(session, Contract) == 0 and count_rows(session, ContractVersion) == 0


def test_unknown_employer_in_a_version_is_refused_before_writing(session):
    agency, employer, worker = make_agency(session), make_employer(session), make_worker(session)
    data = contract_input(agency.id, employer.id, worker.id)
    data["versions"][1]["employer_id"] = 424242
    with pytest.raises(NotFound) as caught:
        contracts.submit_contract(data, session=session)
    assert caught.value.field == "versions.1.employer_id"
    assert count_rows(session, Contract) == 0


def test_unknown_field_is_an_error_not_ignored(session):
    with pytest.raises(ValidationError) as caught:
        contracts.ContractVersionInput.model_validate({**version_input(1), "wage": 5})
    assert caught.value.errors()[0]["loc"] == ("wage",)


def test_duplicate_contract_reference_is_a_conflict(session):
    contract = make_contract(session)
    with pytest.raises(Conflict, match="already exists"):
        contracts.submit_contract(
            contract_input(contract.agency_id, contract.employer_id, contract.worker_id), session=session
        )


def test_worker_identity_is_kept_apart(session):
    worker = make_worker(session, full_name="Sita Gurung", passport_no="NP7654321")
    session.commit()
    assert not hasattr(worker, "full_name")
    identity = session.get(WorkerIdentity, worker.id)
    assert (identity.full_name, identity.passport_no) == ("Sita Gurung", "NP7654321")
    assert worker.languages == ",ne,"


def test_fee_payment_records_usd_equivalent(session):
    contract = make_contract(session)
    payment = fees.record_fee_payment(
        payment_input(contract, amount_minor=13_400_000),
        session=session,
    )
    session.commit()
    stored = session.get(FeePayment, payment.id)
    assert stored.amount_usd_minor == 100_000  # NPR 134,000 at the 134/USD reference rate = USD 1,000.00


def test_amounts_beyond_32_bits_are_stored_and_summed(session):
    """NPR 40 million (4 × 10^9 paisa) twice: each above 2^31 minor units, their sum above 2^32."""
    contract = make_contract(session)
    for day in (date(2026, 1, 5), date(2026, 1, 20)):
        fees.record_fee_payment(payment_input(contract, amount_minor=4_000_000_000, paid_on=day), session=session)
    session.commit()
    stored = session.scalars(select(FeePayment.amount_minor).where(FeePayment.contract_id == contract.id)).all()
    assert stored == [4_000_000_000, 4_000_000_000]
    totals = fee_totals_of(session, contract.id, "NP")
    assert totals["worker_paid_total_origin_minor"] == 8_000_000_000
    assert totals["worker_paid_total_usd_minor"] == 59_701_492  # 2 × NPR 40 M at 134/USD, each rounded to cents


def test_fee_payment_for_someone_elses_contract_is_refused(session):
    contract = make_contract(session)
    other = make_worker(session, reference="W-0002")
    with pytest.raises(Conflict) as caught:
        fees.record_fee_payment(
            payment_input(contract, worker_id=other.id, category="medical", amount_minor=100, method="bank"),
            session=session,
        )
    assert caught.value.field == "contract_id"
    assert count_rows(session, FeePayment) == 0
