"""The agency 360° view for inspectors: one agency's licence and its history, its contracts by corridor and sector,
its fee ledger by ILO cost category and to whom the workers paid, its findings and the complaints against it, its
risk score with the explanation, and the decisions taken on it.

Every figure is an SQL aggregate over the agency's own rows (indexed by agency) or, for contracts and fees, over its
rows of the contract and fee tallies (kept by database triggers, migration 0022: an agency with 100,000 contracts has
a few dozen), so the page costs the same at a thousand contracts or a million; lists are the newest few, with links
to the full, filterable lists. It is the ministry's view: anyone else is told the agency does not exist (an agency
reads its own profile in its portal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlmodel import Session

from recruitment_watch.checks.risk import RiskWeights
from recruitment_watch.models import (
    Agency,
    AgencyBranch,
    Complaint,
    ContractTally,
    FeeTally,
    Finding,
    FindingTally,
    SubAgent,
)
from recruitment_watch.models.vocab import PaymentMethod
from recruitment_watch.schemas.common import MAX_ID
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import N_, NotFound
from recruitment_watch.services.oversight.decisions import DecisionRow, decisions_of, standing_points
from recruitment_watch.services.oversight.risk import AgencyRisk, assess_agency
from recruitment_watch.services.registry.agencies import branches_and_sub_agents
from recruitment_watch.services.registry.licence_history import LicencePeriod, history_of

NEWEST = 10


@dataclass(frozen=True)
class CorridorCount:
    origin_country: str
    destination_country: str
    sector: str
    contracts: int
    deployed: int


@dataclass
class LedgerLine:
    """What workers paid in one ILO cost category: in all, and to each kind of payee."""

    category: str
    payments: int = 0
    usd_minor: int = 0
    wage_deductions: int = 0
    by_payee: dict[str, int] = field(default_factory=dict)  # payee type -> US cents


@dataclass(frozen=True)
class FeeLedger:
    lines: list[LedgerLine]
    payees: list[str]  # the payee types that occur, in a stable order

    @property
    def payments(self) -> int:
        return sum(line.payments for line in self.lines)

    @property
    def usd_minor(self) -> int:
        return sum(line.usd_minor for line in self.lines)

    def payee_total(self, payee: str) -> int:
        return sum(line.by_payee.get(payee, 0) for line in self.lines)


@dataclass(frozen=True)
class AgencyFile:
    """Everything the 360° page shows about one agency."""

    agency: Agency
    licence_history: list[LicencePeriod]
    branches: list[AgencyBranch]
    sub_agents: list[SubAgent]
    contracts_total: int
    corridors: list[CorridorCount]
    ledger: FeeLedger
    findings_by_status: list[tuple[str, str, int]]  # status, severity, count
    newest_findings: list[Finding]
    complaints_by_status: list[tuple[str, int]]
    newest_complaints: list[Complaint]
    risk: AgencyRisk
    decisions: list[DecisionRow]
    standing_points: int


def _corridors(session: Session, agency_id: int) -> list[CorridorCount]:
    contracts = func.sum(ContractTally.contracts)
    deployed = func.sum(case((ContractTally.deployed.is_(True), ContractTally.contracts), else_=0))
    keys = (ContractTally.origin_country, ContractTally.destination_country, ContractTally.sector)
    rows = session.execute(
        select(*keys, contracts, deployed).where(ContractTally.agency_id == agency_id)
        .group_by(*keys).having(contracts > 0).order_by(*keys)
    ).all()  # fmt: skip
    return [CorridorCount(origin, destination, sector, int(count), int(sent or 0))
            for origin, destination, sector, count, sent in rows]  # fmt: skip


def fee_ledger(session: Session, agency_id: int) -> FeeLedger:
    """What the agency's workers paid, per ILO category and payee type, in US cents at each payment's date (from the
    fee tally, which also counts by payment method: the wage deductions)."""
    keys = (FeeTally.category, FeeTally.payee_type)
    payments = func.sum(FeeTally.payments)
    deductions = func.sum(case((FeeTally.method == PaymentMethod.wage_deduction.value, FeeTally.payments), else_=0))
    rows = session.execute(
        select(*keys, payments, func.sum(FeeTally.usd_minor), deductions)
        .where(FeeTally.agency_id == agency_id)
        .group_by(*keys)
        .having(payments > 0)
    ).all()
    lines: dict[str, LedgerLine] = {}
    payees: set[str] = set()
    for category, payee, count, usd, deducted in rows:
        line = lines.setdefault(category, LedgerLine(category))
        line.payments += int(count)
        line.usd_minor += int(usd or 0)
        line.wage_deductions += int(deducted or 0)
        line.by_payee[payee] = line.by_payee.get(payee, 0) + int(usd or 0)
        payees.add(payee)
    ordered = sorted(lines.values(), key=lambda line: (-line.usd_minor, line.category))
    return FeeLedger(ordered, sorted(payees))


def _findings(actor: Actor, session: Session, agency_id: int) -> tuple[list[tuple[str, str, int]], list[Finding]]:
    """The agency's findings by status and severity, from the finding tally (an agency with 100,000 contracts has
    half a million findings: counting them took seconds), and its newest few. Ministry actors only (``agency_file``),
    who see every finding, hidden complaint findings included."""
    findings = func.sum(FindingTally.findings)
    by_status = session.execute(
        select(FindingTally.status, FindingTally.severity, findings)
        .where(FindingTally.agency_id == agency_id)
        .group_by(FindingTally.status, FindingTally.severity)
        .having(findings > 0)
        .order_by(FindingTally.status, FindingTally.severity)
    ).all()
    scoped = scoping.findings_of(actor).where(Finding.agency_id == agency_id)
    # Newest first seen, as the findings queue's default order: the (agency_id, first_seen_at, id) index read
    # backwards, ten rows. Ordered by id, SQLite sorted all the agency's findings first (2 s at 550,000).
    newest = session.scalars(scoped.order_by(Finding.first_seen_at.desc(), Finding.id.desc()).limit(NEWEST)).all()
    return [(status, severity, int(count)) for status, severity, count in by_status], list(newest)


def _complaints(actor: Actor, session: Session, agency_id: int) -> tuple[list[tuple[str, int]], list[Complaint]]:
    scoped = scoping.complaints_of(actor).where(Complaint.respondent_agency_id == agency_id)
    # The scoped query's conditions with only the status counted (a subquery of every complaint column cost more to
    # build than the count took to run).
    by_status = session.execute(
        scoped.with_only_columns(Complaint.status, func.count()).group_by(Complaint.status).order_by(Complaint.status)
    ).all()
    newest = session.scalars(scoped.order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(NEWEST)).all()
    return [tuple(row) for row in by_status], list(newest)


def agency_file(
    actor: Actor, agency_id: int, *, session: Session, on: date, now: datetime, weights: RiskWeights | None = None
) -> AgencyFile:
    """The 360° view of agency ``agency_id`` for a ministry actor; ``NotFound`` for anyone else and for an agency that
    does not exist. ``on`` is the day the risk score is computed for. Reads only."""
    agency = session.get(Agency, agency_id) if actor.sees_everything and 0 < agency_id <= MAX_ID else None
    if agency is None:
        raise NotFound(N_("agency %(id)s does not exist"), field="agency_id", params={"id": agency_id})
    branches, sub_agents = branches_and_sub_agents(agency_id, session=session)
    findings_by_status, newest_findings = _findings(actor, session, agency_id)
    complaints_by_status, newest_complaints = _complaints(actor, session, agency_id)
    corridors = _corridors(session, agency_id)
    return AgencyFile(
        agency=agency,
        licence_history=history_of(session, agency_id),
        branches=branches,
        sub_agents=sub_agents,
        contracts_total=sum(row.contracts for row in corridors),
        corridors=corridors,
        ledger=fee_ledger(session, agency_id),
        findings_by_status=findings_by_status,
        newest_findings=newest_findings,
        complaints_by_status=complaints_by_status,
        newest_complaints=newest_complaints,
        risk=assess_agency(agency_id, session=session, on=on, weights=weights),
        decisions=decisions_of(agency_id, session=session),
        standing_points=standing_points(agency_id, session=session, now=now),
    )
