"""The inspectors' workspace: ministry-wide figures for deciding where to look next, each an aggregate computed in
the database (never rows counted in Python): open findings by severity and by criterion, agencies by risk,
contracts by corridor and sector, fees workers paid by ILO cost category, complaints by month and SLA state.

Findings are read from the finding tally (millions of findings at a million contracts), contracts and fees from the
contract and fee tallies (kept by database triggers on every write, migration 0022: a million contracts become a few
hundred counts, always current), risk from the same ranking the API serves (computed afresh: its inputs are tallies
too), SLA states from the complaint queue's own SQL conditions, fee categories from the ledger's
vocabulary, so every figure here agrees with the page it links to. Plain data out: the web page and a PDF report
render the same ``Workspace``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

from sqlalchemy import and_, bindparam, func, literal, select, union_all
from sqlmodel import Session

from recruitment_watch.checks.risk import RiskWeights
from recruitment_watch.models import Complaint, ContractTally, FeeTally, FindingTally
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, FeeCategory, Severity
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.case_queue import DUE_SOON, SlaState, open_condition, running_due_before
from recruitment_watch.services.criteria.fee_totals import NOT_RECRUITMENT_COST
from recruitment_watch.services.errors import N_, Forbidden
from recruitment_watch.services.oversight.risk import rank_agencies

TOP_CRITERIA = 15
TOP_AGENCIES = 10
COMPLAINT_MONTHS = 12
SEVERITIES = tuple(level.value for level in reversed(Severity))  # most severe first, as the dashboards list them
BANDS = ("suspension_review", "watchlist", "ok")  # checks.risk.Band, most urgent first
CLOSED = "closed"  # a complaint no longer open: no SLA state (case_queue.sla_state_of)
COMPLAINT_STATES = (*(state.value for state in (SlaState.overdue, SlaState.due_soon, SlaState.on_track)), CLOSED)


@dataclass(frozen=True)
class CriterionFindings:
    """Open findings of one criterion, one count per ``SEVERITIES`` entry."""

    criterion_id: str
    by_severity: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.by_severity)


@dataclass(frozen=True)
class RiskyAgency:
    agency_id: int
    name: str
    points: float
    band: str
    contracts: int


@dataclass(frozen=True)
class CorridorContracts:
    """Contracts of one corridor (origin → destination), one count per sector of ``Workspace.sectors``."""

    origin: str
    destination: str
    by_sector: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.by_sector)


@dataclass(frozen=True)
class CategoryFees:
    """What workers paid in one ILO cost category: payments and their sum in US cents (at the payment date's rate).
    ``recruitment_cost``: whether the category counts towards the recruitment-cost caps (official government fees
    do not)."""

    category: str
    payments: int
    usd_minor: int
    recruitment_cost: bool


@dataclass(frozen=True)
class MonthComplaints:
    """Complaints received in one month, one count per ``COMPLAINT_STATES`` entry (their state now)."""

    month: date
    by_state: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.by_state)


@dataclass(frozen=True)
class Workspace:
    findings_by_severity: list[tuple[str, int]]
    findings_by_criterion: list[CriterionFindings]
    riskiest: list[RiskyAgency]
    agencies_by_band: list[tuple[str, int]]
    sectors: list[str]
    corridors: list[CorridorContracts]
    fees: list[CategoryFees]
    complaints: list[MonthComplaints]
    severities: tuple[str, ...] = SEVERITIES
    complaint_states: tuple[str, ...] = COMPLAINT_STATES


def workspace_for(actor: Actor, *, session: Session, now: datetime, weights: RiskWeights | None = None) -> Workspace:
    """Every workspace figure at ``now``; only ministry actors (inspectors, admins) see the whole ministry's."""
    if not actor.sees_everything:
        raise Forbidden(N_("The workspace shows the whole ministry's figures: inspectors and administrators only."))
    ranked = rank_agencies(session=session, on=now.date(), weights=weights, explained=False)
    sectors, corridors = contracts_by_corridor(session=session)
    by_severity, by_criterion = open_findings(session=session)  # the ministry's: every finding, hidden ones too
    return Workspace(
        findings_by_severity=by_severity,
        findings_by_criterion=by_criterion,
        riskiest=[
            RiskyAgency(risk.agency_id, risk.agency_name, risk.score.points, risk.score.band, risk.score.contracts)
            for risk in ranked[:TOP_AGENCIES]
        ],  # fmt: skip
        agencies_by_band=[(band, sum(1 for risk in ranked if risk.score.band == band)) for band in BANDS],
        sectors=sectors,
        corridors=corridors,
        fees=fees_by_category(session=session),
        complaints=complaints_by_month(session=session, now=now),
    )


def open_findings(*, session: Session, limit: int = TOP_CRITERIA
                  ) -> tuple[list[tuple[str, int]], list[CriterionFindings]]:  # fmt: skip
    """Every open finding by severity (most severe first), and the ``limit`` criteria with the most open findings
    (ties: by id) split by severity, from the finding tally in one pass: a few hundred (criterion, severity) sums,
    ranked here (a join back to the tally for the top criteria scanned it once per criterion; the severity totals
    are the same sums, findings of no criterion included)."""
    rows = session.execute(
        select(FindingTally.criterion_id, FindingTally.severity, func.sum(FindingTally.findings))
        .where(FindingTally.status.in_([status.value for status in OPEN_FINDING_STATUSES]))
        .group_by(FindingTally.criterion_id, FindingTally.severity)
    ).all()
    counts: dict[str, dict[str, int]] = {}
    by_severity: dict[str, int] = {}
    for criterion_id, severity, findings in rows:
        if findings:
            by_severity[severity] = by_severity.get(severity, 0) + int(findings)
            if criterion_id is not None:
                counts.setdefault(criterion_id, {})[severity] = int(findings)
    top = sorted(counts, key=lambda criterion_id: (-sum(counts[criterion_id].values()), criterion_id))[:limit]
    return [(level, by_severity.get(level, 0)) for level in SEVERITIES], [
        CriterionFindings(criterion_id, tuple(counts[criterion_id].get(level, 0) for level in SEVERITIES))
        for criterion_id in top
    ]  # fmt: skip


def contracts_by_corridor(*, session: Session) -> tuple[list[str], list[CorridorContracts]]:
    """Sectors (most contracts first) and contracts per corridor and sector (busiest corridor first), from the
    contract tally (a count per agency, corridor, sector and deployment: hundreds of rows, not every contract)."""
    keys = (ContractTally.origin_country, ContractTally.destination_country, ContractTally.sector)  # index order
    cells = session.execute(
        select(*keys, func.sum(ContractTally.contracts)).group_by(*keys).having(func.sum(ContractTally.contracts) > 0)
    ).all()
    sector_totals: dict[str, int] = {}
    corridor_cells: dict[tuple[str, str], dict[str, int]] = {}
    for origin, destination, sector, contracts in cells:
        contracts = int(contracts)
        sector_totals[sector] = sector_totals.get(sector, 0) + contracts
        corridor_cells.setdefault((origin, destination), {})[sector] = contracts
    sectors = sorted(sector_totals, key=lambda sector: (-sector_totals[sector], sector))
    corridors = [CorridorContracts(origin, destination, tuple(by.get(sector, 0) for sector in sectors))
                 for (origin, destination), by in corridor_cells.items()]  # fmt: skip
    corridors.sort(key=lambda row: (-row.total, row.origin, row.destination))
    return sectors, corridors


def fees_by_category(*, session: Session) -> list[CategoryFees]:
    """Payments and their US-dollar sum per ILO cost category, every category listed (zero when nothing was paid),
    from the fee tally."""
    found = {
        category: (int(payments or 0), int(usd or 0))
        for category, payments, usd in session.execute(
            select(FeeTally.category, func.sum(FeeTally.payments), func.sum(FeeTally.usd_minor)).group_by(
                FeeTally.category
            )
        ).all()
    }
    return [CategoryFees(category.value, *found.get(category.value, (0, 0)),
                         recruitment_cost=category.value not in NOT_RECRUITMENT_COST)
            for category in FeeCategory]  # fmt: skip


def complaints_by_month(*, session: Session, now: datetime, months: int = COMPLAINT_MONTHS) -> list[MonthComplaints]:
    """Complaints received in each of the last ``months`` calendar months (this one included), by SLA state now.

    Per month one row of counts: all complaints, the open ones, the open ones with a running clock due within
    ``DUE_SOON`` and those past due; the states are their differences (due soon: within the day but not past due;
    on track: open and not due within the day; closed: not open), the same as ``sla_state_of`` judges each one. Each
    month is a range of the received-at index and has no GROUP BY: no complaint's month is computed, nothing is
    sorted (grouping by the month's text cost SQLite a sort of every complaint of the year) or hashed (PostgreSQL's
    twelve hash aggregates, planned as one costly statement, started parallel workers slower than the work)."""
    every = [_months_back(now.date(), back) for back in range(months - 1, -1, -1)]
    edges = [datetime.combine(start, time(), now.tzinfo) for start in (*every, _months_back(now.date(), -1))]
    values = {"now": now, "soon": now + DUE_SOON, **{f"edge_{index}": edge for index, edge in enumerate(edges)}}
    counts = {row[0]: row[1:] for row in session.execute(_months_statement(months), values).all()}
    rows = []
    for index, start in enumerate(every):
        total, opened, soon, late = (int(count or 0) for count in counts.get(index, (0, 0, 0, 0)))
        by_name = {SlaState.overdue.value: late, SlaState.due_soon.value: soon - late,
                   SlaState.on_track.value: opened - soon, CLOSED: total - opened}  # fmt: skip
        rows.append(MonthComplaints(start, tuple(by_name[name] for name in COMPLAINT_STATES)))
    return rows


@lru_cache(maxsize=4)
def _months_statement(months: int):
    """The statement of ``complaints_by_month``, built once with its moments as parameters (building twelve selects
    and their cache key anew took longer than PostgreSQL took to run them)."""
    still_open = open_condition()
    within_day = and_(still_open, running_due_before(bindparam("soon")))
    past_due = and_(still_open, running_due_before(bindparam("now")))
    return union_all(*(
        select(literal(index), func.count(), func.count().filter(still_open), func.count().filter(within_day),
               func.count().filter(past_due))
        .where(Complaint.received_at >= bindparam(f"edge_{index}"),
               Complaint.received_at < bindparam(f"edge_{index + 1}"))
        for index in range(months)
    ))  # fmt: skip


def _months_back(day: date, back: int) -> date:
    """The first day of the month ``back`` months before ``day``'s."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)
