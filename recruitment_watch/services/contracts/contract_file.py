"""Contracts as people read them on the web: the list (scoped to the actor, filtered, one page at a time) and one
contract's file — its versions with the field-level diff between each pair, whether its hash chain is intact, its fee
payments and the findings about it as the actor may see them.

Every contract goes through ``scoping``: an agency lists and opens only its own; another agency's contract id is
``NotFound``, like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlmodel import Session

from recruitment_watch.models import (
    Agency,
    Contract,
    ContractDayTally,
    ContractTally,
    ContractVersion,
    Employer,
    FeePayment,
    Finding,
    Worker,
)
from recruitment_watch.models.vocab import SubjectType
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.findings import as_seen_by
from recruitment_watch.services.contracts.intake import contract_versions
from recruitment_watch.services.contracts.version_chain import VersionChainStatus, chain_status
from recruitment_watch.services.contracts.version_diff import VersionDiff, diff_versions

DEPLOYED = "deployed"
NOT_DEPLOYED = "not_deployed"
STATUSES = (DEPLOYED, NOT_DEPLOYED)


@dataclass(frozen=True)
class ContractFilters:
    """What the list is narrowed to; empty values filter nothing. ``status`` is ``deployed`` or ``not_deployed``;
    the dates bound the day the contract was submitted (both included)."""

    agency_id: int | None = None
    origin_country: str = ""
    destination_country: str = ""
    sector: str = ""
    status: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None


@dataclass(frozen=True)
class ContractRow:
    """One contract as the list shows it."""

    id: int
    reference: str
    agency_id: int
    agency_name: str
    employer_name: str
    origin_country: str
    destination_country: str
    sector: str
    departure_on: date | None
    deployed: bool
    submitted_at: datetime
    versions: int
    latest_kind: str | None


@dataclass(frozen=True)
class ListChoices:
    """What the filter form offers: the agencies (staff only), corridors and sectors of the actor's contracts."""

    agencies: list[tuple[int, str]]
    origins: list[str]
    destinations: list[str]
    sectors: list[str]


@dataclass(frozen=True)
class ContractFile:
    """One contract with everything its page shows (plain rows, read in a few queries)."""

    contract: Contract
    agency_name: str
    employer_name: str
    worker_reference: str
    versions: list[ContractVersion]
    diffs: dict[int, VersionDiff]  # keyed by the later version's seq
    chain: VersionChainStatus
    payments: list[FeePayment]
    findings: list[dict[str, Any]]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _narrowing(filters: ContractFilters, table: Any) -> list[ColumnElement[bool]]:
    """The filters on what a contract and the contract tally both have (agency, corridor, sector, deployment, under
    the same column names), as conditions on ``table``."""
    conditions = []
    if filters.agency_id is not None:
        conditions.append(table.agency_id == filters.agency_id)
    if filters.origin_country:
        conditions.append(table.origin_country == filters.origin_country.upper())
    if filters.destination_country:
        conditions.append(table.destination_country == filters.destination_country.upper())
    if filters.sector:
        conditions.append(table.sector == filters.sector)
    if filters.status in STATUSES:
        conditions.append(table.deployed.is_(filters.status == DEPLOYED))
    return conditions


def _filtered(actor: Actor, filters: ContractFilters) -> Select:
    query = scoping.contracts_of(actor).where(*_narrowing(filters, Contract))
    if filters.submitted_from is not None:
        query = query.where(Contract.created_at >= _day_start(filters.submitted_from))
    if filters.submitted_to is not None:
        query = query.where(Contract.created_at < _day_start(filters.submitted_to + timedelta(days=1)))
    return query


def _total(actor: Actor, filters: ContractFilters, session: Session, query: Select) -> int:
    """How many contracts match: summed from the contract tallies when the filters are theirs (agency, corridor,
    sector, deployment; or agency and submission days), counted row by row otherwise (the tallies are kept by
    triggers on every write, so both agree; counting an agency's 100,000 contracts for each page took PostgreSQL
    tens of milliseconds)."""
    dated = filters.submitted_from is not None or filters.submitted_to is not None
    narrowed = filters.origin_country or filters.destination_country or filters.sector or filters.status in STATUSES
    if dated and narrowed:
        return session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if not dated:
        return int(session.scalar(scoping.tallied_contracts_of(actor, ContractTally)
                                  .where(*_narrowing(filters, ContractTally))) or 0)  # fmt: skip
    summed = scoping.tallied_contracts_of(actor, ContractDayTally).where(*_narrowing(filters, ContractDayTally))
    if filters.submitted_from is not None:
        summed = summed.where(ContractDayTally.created_on >= filters.submitted_from)
    if filters.submitted_to is not None:
        summed = summed.where(ContractDayTally.created_on <= filters.submitted_to)
    return int(session.scalar(summed) or 0)


def _version_summary(session: Session, contract_ids: list[int]) -> dict[int, tuple[int, str | None]]:
    """Per contract of a page: how many versions, and the stage of the latest."""
    if not contract_ids:
        return {}
    rows = session.execute(
        select(ContractVersion.contract_id, ContractVersion.seq, ContractVersion.kind)
        .where(ContractVersion.contract_id.in_(contract_ids))
        .order_by(ContractVersion.contract_id, ContractVersion.seq)
    ).all()
    summary: dict[int, tuple[int, str | None]] = {}
    for contract_id, _seq, kind in rows:
        count, _ = summary.get(contract_id, (0, None))
        summary[contract_id] = (count + 1, kind)
    return summary


def contract_page(
    actor: Actor, filters: ContractFilters, *, session: Session, offset: int = 0, limit: int = 50
) -> tuple[list[ContractRow], int]:
    """One page of the contracts the actor may see, newest first, and how many match in all."""
    query = _filtered(actor, filters)
    total = _total(actor, filters, session, query)
    page = session.execute(
        query.add_columns(Agency.name, Employer.name)
        .join(Agency, Agency.id == Contract.agency_id)
        .join(Employer, Employer.id == Contract.employer_id)
        .order_by(Contract.created_at.desc(), Contract.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    summary = _version_summary(session, [contract.id for contract, _, _ in page])
    rows = [
        ContractRow(
            c.id,
            c.reference,
            c.agency_id,
            agency_name,
            employer_name,
            c.origin_country,
            c.destination_country,
            c.sector,
            c.departure_on,
            c.deployed,
            c.created_at,
            *summary.get(c.id, (0, None)),
        )  # fmt: skip
        for c, agency_name, employer_name in page
    ]
    return rows, total


def list_choices(actor: Actor, *, session: Session) -> ListChoices:
    """The agencies (for staff), corridors and sectors the filter form offers."""

    def distinct(column) -> list[str]:
        return list(session.scalars(select(column).distinct().order_by(column)).all())

    agencies: list[tuple[int, str]] = []
    if actor.sees_everything:
        agencies = [(row.id, row.name) for row in session.execute(select(Agency.id, Agency.name).order_by(Agency.name))]
        return ListChoices(agencies, distinct(Contract.origin_country), distinct(Contract.destination_country),
                           distinct(Contract.sector))  # fmt: skip
    scoped = scoping.contracts_of(actor).subquery()
    return ListChoices(agencies, distinct(scoped.c.origin_country), distinct(scoped.c.destination_country),
                       distinct(scoped.c.sector))  # fmt: skip


def _findings_about(actor: Actor, session: Session, version_ids: list[int], payment_ids: list[int]) -> list[dict]:
    """The findings about the contract's versions and payments that the actor may read, newest first."""
    about = or_(
        and_(Finding.subject_type == SubjectType.contract_version.value, Finding.subject_id.in_(version_ids or [0])),
        and_(Finding.subject_type == SubjectType.fee_payment.value, Finding.subject_id.in_(payment_ids or [0])),
    )
    rows = session.scalars(scoping.findings_of(actor).where(about).order_by(Finding.id.desc())).all()
    return [as_seen_by(actor, finding) for finding in rows]


def contract_file(actor: Actor, contract_id: int, *, session: Session, on: date) -> ContractFile:
    """Contract ``contract_id`` with its versions, diffs, chain status, payments and findings; ``NotFound`` when the
    actor may not see it. ``on`` is the day the substitution criteria are judged on."""
    contract = scoping.contract_of(actor, contract_id, session=session)
    agency_name = session.get(Agency, contract.agency_id).name
    employer_name = session.get(Employer, contract.employer_id).name
    worker_reference = session.get(Worker, contract.worker_id).reference
    versions = contract_versions(contract.id, session=session)
    payments = list(
        session.scalars(
            scoping.payments_of(actor)
            .where(FeePayment.contract_id == contract.id)
            .order_by(FeePayment.paid_on, FeePayment.id)
        )  # fmt: skip
    )
    return ContractFile(
        contract=contract,
        agency_name=agency_name,
        employer_name=employer_name,
        worker_reference=worker_reference,
        versions=versions,
        diffs={diff.to_seq: diff for diff in diff_versions(versions, on=on)},
        chain=chain_status(session, contract.id),
        payments=payments,
        findings=_findings_about(actor, session, [v.id for v in versions], [p.id for p in payments]),
    )
