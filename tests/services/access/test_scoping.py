"""Scoping denies by default: each kind of actor reads exactly its own records, filters narrow and never widen,
ids outside 1 … MAX_ID are never looked up, and a record out of scope is reported like one that does not exist.
(Written against the survivors of a mutation run over scoping.py; docs/testing.md.)"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from recruitment_watch.models import Complaint, FeePayment, Finding
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.schemas.common import MAX_ID
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.access.users import ensure_organisation
from recruitment_watch.services.contracts import fees
from recruitment_watch.services.errors import NotFound
from tests.support.factories import make_contract, payment_input


def actor(kind: OrganisationKind, *, organisation_id: int = 1, agency_id: int | None = None) -> Actor:
    role = {OrganisationKind.agency: Role.agency, OrganisationKind.ngo: Role.ngo,
            OrganisationKind.ministry: Role.inspector}[kind]  # fmt: skip
    return Actor(organisation_id=organisation_id, organisation_kind=kind, organisation_name="x", role=role,
                 scopes=frozenset(), agency_id=agency_id)  # fmt: skip


def finding(contract, **overrides) -> Finding:
    values = {"criterion_id": "FEE-001", "pack_id": "p", "pack_version": "1", "pack_digest": "d" * 64,
              "subject_type": "contract_version", "subject_id": 1, "agency_id": contract.agency_id,
              "severity": "critical", "message": "m", "citation": "c", "status": "open"}  # fmt: skip
    values = {**values, **overrides}
    if values["status"] == "open":
        values["open_key"] = f"{values['criterion_id']}|contract_version|1"
    return Finding(**values)


def complaint(number: int, organisation_id: int, status: str) -> Complaint:
    return Complaint(reference=f"CMP-{number}", filed_by="ngo", filing_organisation_id=organisation_id,
                     consent_recorded=True, categories=",fees,", severity="high", language="ne", summary="s",
                     status=status)  # fmt: skip


@pytest.fixture()
def records(session):
    """One contract with a payment and three findings of its agency; two complaints of one NGO."""
    contract = make_contract(session)
    payment = fees.record_fee_payment(payment_input(contract), session=session)
    ngo = ensure_organisation("Pourakhi", OrganisationKind.ngo, "NP", session=session)
    session.add_all([
        finding(contract, severity="critical", status="open"),
        finding(contract, severity="high", status="open", criterion_id="FEE-002"),
        finding(contract, severity="critical", status="auto_resolved", criterion_id="FEE-003"),
        complaint(1, ngo.id, "received"),
        complaint(2, ngo.id, "closed"),
    ])  # fmt: skip
    session.commit()
    return contract, payment, ngo


def rows(session, query) -> list:
    return session.scalars(query).all()


@pytest.mark.parametrize(
    "who",
    [
        actor(OrganisationKind.agency, agency_id=None),  # an agency organisation with no registered agency
        actor(OrganisationKind.ngo, agency_id=None),
    ],
    ids=["agency-without-agency", "ngo"],
)
def test_an_actor_without_an_agency_sees_no_agency_records(session, records, who):
    assert rows(session, scoping.contracts_of(who)) == []
    assert rows(session, scoping.payments_of(who)) == []
    assert rows(session, scoping.findings_of(who)) == []


def test_an_ngo_linked_to_an_agency_by_mistake_still_sees_no_agency_records(session, records):
    contract, _, _ = records
    confused = actor(OrganisationKind.ngo, agency_id=contract.agency_id)
    assert rows(session, scoping.contracts_of(confused)) == []
    assert rows(session, scoping.payments_of(confused)) == []


def test_an_agency_sees_its_own_and_no_complaint(session, records):
    contract, payment, _ = records
    own = actor(OrganisationKind.agency, agency_id=contract.agency_id)
    assert [c.id for c in rows(session, scoping.contracts_of(own))] == [contract.id]
    assert [p.id for p in rows(session, scoping.payments_of(own))] == [payment.id]
    assert len(rows(session, scoping.findings_of(own))) == 3
    assert rows(session, scoping.complaints_of(own)) == []
    assert rows(session, scoping.complaints_of(own, status="received")) == []


def test_filters_narrow_findings_and_complaints(session, records):
    contract, _, ngo = records
    for who in (actor(OrganisationKind.agency, agency_id=contract.agency_id), actor(OrganisationKind.ministry)):
        critical = rows(session, scoping.findings_of(who, severity="critical"))
        assert sorted(f.criterion_id for f in critical) == ["FEE-001", "FEE-003"]
        open_high = rows(session, scoping.findings_of(who, status="open", severity="high"))
        assert [f.criterion_id for f in open_high] == ["FEE-002"]
    filer = actor(OrganisationKind.ngo, organisation_id=ngo.id)
    assert [c.reference for c in rows(session, scoping.complaints_of(filer, status="closed"))] == ["CMP-2"]
    assert len(rows(session, scoping.complaints_of(filer))) == 2
    ministry = actor(OrganisationKind.ministry)
    assert [c.reference for c in rows(session, scoping.complaints_of(ministry, status="received"))] == ["CMP-1"]
    other_ngo = actor(OrganisationKind.ngo, organisation_id=ngo.id + 1000)
    assert rows(session, scoping.complaints_of(other_ngo)) == []


@pytest.mark.parametrize(
    ("lookup", "noun"),
    [
        (scoping.contract_of, "contract"),
        (scoping.payment_of, "fee payment"),
        (scoping.finding_of, "finding"),
        (scoping.complaint_of, "complaint"),
    ],  # fmt: skip
)
def test_out_of_scope_reads_like_missing_and_names_the_record(session, records, lookup, noun):
    stranger = actor(OrganisationKind.agency, agency_id=None)
    with pytest.raises(NotFound) as caught:
        lookup(stranger, 1, session=session)
    assert (str(caught.value), caught.value.field) == (f"{noun} 1 does not exist", "id")


def test_ids_outside_the_id_range_are_never_looked_up_and_the_last_id_is(session, records):
    """A row stored under id 0 is not answered (ids start at 1); one under the largest id is."""
    _, payment, _ = records
    ministry = actor(OrganisationKind.ministry)
    session.execute(update(FeePayment).where(FeePayment.id == payment.id).values(id=0))
    session.commit()
    with pytest.raises(NotFound):
        scoping.payment_of(ministry, 0, session=session)
    session.execute(update(FeePayment).where(FeePayment.id == 0).values(id=MAX_ID))
    session.commit()
    assert scoping.payment_of(ministry, MAX_ID, session=session).amount_minor == 5_000_000
