"""The contract-version chain against fixed vectors, and the production check that walks it (``version_chain``).

The expected hashes are computed here with hashlib from literal text, never with the function under test: a
version hash that left out the previous version's hash would fail these tests.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select, update

from recruitment_watch.models import ContractVersion
from recruitment_watch.services.contracts import intake, version_chain
from recruitment_watch.services.contracts.version_chain import VersionChainStatus, broken_chains, chain_status
from recruitment_watch.services.contracts.version_hash import canonical_content, version_sha256
from tests.support.factories import contract_input, make_agency, make_contract, make_employer, make_worker

TERMS = {
    "seq": 2, "kind": "origin_signed", "basic_wage_minor": 140000, "wage_currency": "QAR", "wage_period": "month",
    "worksite_country": "QA", "job_title": "Mason", "employer_id": 7, "employer_name": "Doha Build",
    "deductions": ",housing,food,", "languages": ",ne,ar,", "signed_on": date(2026, 2, 10),
    "copy_given_to_worker": True,
}  # fmt: skip
CANONICAL = (
    '{"annual_leave_days":null,"attested":null,"basic_wage_minor":140000,"copy_given_to_worker":true,'
    '"daily_rest_hours":null,"days_per_week":null,"deductions":["food","housing"],"dispute_clause":null,'
    '"duration_months":null,"employer_id":7,"employer_name":"Doha Build","food_allowance_minor":null,'
    '"food_provided":null,"hours_per_day":null,"housing_allowance_minor":null,"housing_provided":null,'
    '"isco_code":null,"job_title":"Mason","joint_liability_clause":null,"kind":"origin_signed",'
    '"languages":["ar","ne"],"medical_cover":null,"overtime_rate_pct":null,"probation_months":null,'
    '"recruitment_costs_borne_by":null,"repatriation_clause":null,"return_ticket_by":null,"seq":2,'
    '"signed_on":"2026-02-10","termination_notice_days":null,"transport_allowance_minor":null,'
    '"wage_currency":"QAR","wage_period":"month","weekly_rest_days":null,"worksite_city":null,"worksite_country":"QA"}'
)
PREVIOUS = "5f1c0a7e3b9d2c4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e"


def test_the_canonical_form_is_the_literal_text():
    assert canonical_content(TERMS) == CANONICAL


def test_a_version_hash_covers_the_previous_hash_fixed_vector():
    expected = hashlib.sha256((PREVIOUS + "\n" + CANONICAL).encode()).hexdigest()
    assert version_sha256(TERMS, PREVIOUS) == expected
    assert version_sha256(TERMS, PREVIOUS) != hashlib.sha256(("\n" + CANONICAL).encode()).hexdigest()
    assert version_sha256(TERMS, None) == hashlib.sha256(("\n" + CANONICAL).encode()).hexdigest()


def _versions(session, contract_id):
    return list(session.scalars(select(ContractVersion).where(ContractVersion.contract_id == contract_id)
                                .order_by(ContractVersion.seq)))  # fmt: skip


def test_a_stored_chain_is_intact_and_links_each_version_to_the_one_before(session):
    contract = make_contract(session)
    first, second = _versions(session, contract.id)
    assert chain_status(session, contract.id) == VersionChainStatus(intact=True, versions=2, first_broken_seq=None)
    assert first.previous_sha256 is None and second.previous_sha256 == first.content_sha256
    expected = hashlib.sha256((first.content_sha256 + "\n" + canonical_content(second.model_dump())).encode())
    assert second.content_sha256 == expected.hexdigest()


def _tamper_first(session, contract_id, *, rehash: bool):
    first = _versions(session, contract_id)[0]
    changed = first.model_dump() | {"basic_wage_minor": 1}
    values = {"basic_wage_minor": 1}
    if rehash:
        values["content_sha256"] = version_sha256(changed, None)
    session.execute(update(ContractVersion).where(ContractVersion.id == first.id).values(**values))
    session.expire_all()


@pytest.mark.parametrize("rehash, broken_at", [(False, 1), (True, 2)])
def test_a_tampered_version_1_is_detected(session, rehash, broken_at):
    contract = make_contract(session)
    _tamper_first(session, contract.id, rehash=rehash)
    status = chain_status(session, contract.id)
    assert status.intact is False and status.versions == 2 and status.first_broken_seq == broken_at


def test_broken_chains_streams_only_the_broken_contracts_in_batches(session, monkeypatch):
    monkeypatch.setattr(version_chain, "BATCH_SIZE", 1)
    agency, employer = make_agency(session), make_employer(session)
    ids = []
    for number in range(3):
        worker = make_worker(session, reference=f"W-{number}")
        made = intake.submit_contract(contract_input(agency.id, employer.id, worker.id, reference=f"CT-{number}"),
                                      session=session)  # fmt: skip
        ids.append(made.id)
    assert list(broken_chains(session)) == []
    _tamper_first(session, ids[1], rehash=True)
    read = []
    assert list(broken_chains(session, progress=read.append)) == [(ids[1], 2)]
    assert sum(read) == 6
