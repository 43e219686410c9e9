"""The ministry period report's data (a month or a quarter): contracts by corridor × sector, the highest-risk
agencies, findings by criterion and severity, fees borne by workers, complaint volumes, SLA performance, outcomes and
amounts recovered. Every figure is an aggregate computed in SQL; nothing is loaded row by row.

Periods are whole days in UTC, both ends included. Contracts count when recorded in the period, fees when paid,
complaints when received; findings come from the finding tally (by the month they were first recorded: the period
is widened to whole months there), as the dashboards read them at a million contracts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from recruitment_watch.checks.risk import principle_of
from recruitment_watch.models import Complaint, Contract, FeePayment, FindingTally
from recruitment_watch.models.vocab import OPEN_COMPLAINT_STATUSES
from recruitment_watch.reports.builders.common import Count, amount, corridor_matrix, share
from recruitment_watch.services.criteria.fee_totals import NOT_RECRUITMENT_COST
from recruitment_watch.services.oversight.risk import COUNTED_FINDING_STATUSES, rank_agencies, weights_from

TOP_AGENCIES = 10
TOP_CRITERIA = 25
SEVERITIES = ("critical", "high", "medium", "low")
BACKLOG_AGES = (30, 90)  # days: under 30, 30 to 90, over 90


@dataclass(frozen=True)
class RiskRow:
    name: str
    points: float
    band: str
    contracts: int


@dataclass(frozen=True)
class Sla:
    received: int
    acknowledged_on_time: int
    acknowledged_late: int
    resolved_on_time: int
    resolved_late: int
    backlog: int
    backlog_by_age: list[Count]
    acknowledged_share: str
    resolved_share: str


@dataclass
class MinistryReport:
    """Everything the ministry period report prints."""

    period_start: date
    period_end: date
    contracts_total: int
    sectors: list[str]
    matrix: list[tuple[str, list[int], int]]  # corridor, contracts per sector (in ``sectors`` order), row total
    sector_totals: list[int]
    top_risk: list[RiskRow]
    findings_total: int
    findings_by_severity: list[Count]
    findings_by_criterion: list[tuple[str, str, list[int], int]]  # criterion, principle, per severity, total
    fees: list[tuple[str, int, int, str, bool]]  # category, payments, workers, total, counted
    fees_total: str
    fees_per_worker: str
    fee_workers: int
    complaints_total: int
    complaints_by_status: list[Count]
    complaints_by_severity: list[Count]
    sla: Sla
    outcomes: list[Count]
    recovered: list[tuple[str, str]]  # currency, amount recovered


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(days=1), time(), UTC)


def _matrix(session: Session, since: datetime, until: datetime):
    corridor_rows = session.execute(
        select(Contract.origin_country, Contract.destination_country, Contract.sector, func.count())
        .where(Contract.created_at >= since, Contract.created_at < until)
        .group_by(Contract.origin_country, Contract.destination_country, Contract.sector)
    ).all()
    pivot = corridor_matrix([(f"{origin}–{destination}", sector, count) for origin, destination, sector, count in
                             corridor_rows])  # fmt: skip
    return pivot.sectors, pivot.rows, pivot.sector_totals


def _findings(session: Session, start: date, end: date):
    first, last = date(start.year, start.month, 1), date(end.year, end.month, 1)
    key = (FindingTally.criterion_id, FindingTally.severity)
    rows = session.execute(
        select(*key, func.sum(FindingTally.findings))
        .where(FindingTally.seen_month >= first, FindingTally.seen_month <= last,
               FindingTally.status.in_([s.value for s in COUNTED_FINDING_STATUSES]),
               FindingTally.severity.in_(SEVERITIES))
        .group_by(*key)
    ).all()  # fmt: skip
    by_criterion: dict[str, list[int]] = {}
    for criterion_id, severity, findings in rows:
        counts = by_criterion.setdefault(criterion_id or "?", [0] * len(SEVERITIES))
        counts[SEVERITIES.index(severity)] += int(findings or 0)
    ordered = sorted(by_criterion.items(), key=lambda item: (-sum(item[1]), item[0]))
    per_severity = [Count(name, sum(counts[i] for counts in by_criterion.values()))
                    for i, name in enumerate(SEVERITIES)]  # fmt: skip
    listed = [(criterion, principle_of(criterion), counts, sum(counts)) for criterion, counts in ordered[:TOP_CRITERIA]]
    return sum(c.value for c in per_severity), per_severity, listed


def _fees(session: Session, start: date, end: date):
    in_period = and_(FeePayment.paid_on >= start, FeePayment.paid_on <= end)
    rows = session.execute(
        select(FeePayment.category, func.count(), func.count(FeePayment.worker_id.distinct()),
               func.sum(FeePayment.amount_usd_minor))
        .where(in_period).group_by(FeePayment.category).order_by(FeePayment.category)
    ).all()  # fmt: skip
    total, workers = session.execute(
        select(func.coalesce(func.sum(FeePayment.amount_usd_minor), 0), func.count(FeePayment.worker_id.distinct()))
        .where(in_period, FeePayment.category.not_in(NOT_RECRUITMENT_COST))
    ).one()  # fmt: skip
    fees = [(category, int(n), int(paying), amount(int(paid or 0)), category not in NOT_RECRUITMENT_COST)
            for category, n, paying, paid in rows]  # fmt: skip
    return fees, int(total), int(workers)


def _sla(session: Session, since: datetime, until: datetime) -> Sla:
    received = and_(Complaint.received_at >= since, Complaint.received_at < until)

    def tally(condition) -> object:
        return func.sum(case((condition, 1), else_=0))

    acked, ack_due = Complaint.acknowledged_at, Complaint.ack_due_at
    resolved = Complaint.resolved_at.is_not(None)
    row = session.execute(
        select(func.count(),
               tally(and_(acked.is_not(None), or_(ack_due.is_(None), acked <= ack_due))),
               tally(and_(acked.is_not(None), ack_due.is_not(None), acked > ack_due)),
               tally(and_(resolved, or_(Complaint.resolve_due_at.is_(None),
                                        Complaint.resolved_at <= Complaint.resolve_due_at))),
               tally(and_(resolved, Complaint.resolve_due_at.is_not(None),
                          Complaint.resolved_at > Complaint.resolve_due_at)))
        .where(received)
    ).one()  # fmt: skip
    total, ack_on_time, ack_late, res_on_time, res_late = (int(value or 0) for value in row)
    # The backlog at the end of the period: received by then and not yet decided then (or still open today).
    still_open = or_(Complaint.status.in_([s.value for s in OPEN_COMPLAINT_STATUSES]), Complaint.resolved_at >= until)
    young, old = (until - timedelta(days=days) for days in BACKLOG_AGES)
    age = case((Complaint.received_at >= young, 0), (Complaint.received_at >= old, 1), else_=2)
    by_age = dict(session.execute(
        select(age, func.count()).where(Complaint.received_at < until, still_open).group_by(age)).all())  # fmt: skip
    labels = (f"< {BACKLOG_AGES[0]}", f"{BACKLOG_AGES[0]}–{BACKLOG_AGES[1]}", f"> {BACKLOG_AGES[1]}")
    ages = [Count(label, int(by_age.get(number, 0))) for number, label in enumerate(labels)]
    return Sla(total, ack_on_time, ack_late, res_on_time, res_late, sum(c.value for c in ages), ages,
               share(ack_on_time, total), share(res_on_time, total))  # fmt: skip


def _complaints(session: Session, since: datetime, until: datetime):
    received = and_(Complaint.received_at >= since, Complaint.received_at < until)

    def counted(column) -> list[Count]:
        rows = session.execute(select(column, func.count()).where(received).group_by(column).order_by(column)).all()
        return [Count(str(label), int(n)) for label, n in rows]

    decided = and_(Complaint.resolved_at >= since, Complaint.resolved_at < until)
    outcomes = session.execute(
        select(func.coalesce(Complaint.outcome, Complaint.status), func.count()).where(decided)
        .group_by(func.coalesce(Complaint.outcome, Complaint.status)).order_by(func.count().desc())
    ).all()  # fmt: skip
    recovered = session.execute(
        select(Complaint.amount_recovered_currency, func.sum(Complaint.amount_recovered_minor))
        .where(decided, Complaint.amount_recovered_minor.is_not(None), Complaint.amount_recovered_currency.is_not(None))
        .group_by(Complaint.amount_recovered_currency).order_by(Complaint.amount_recovered_currency)
    ).all()  # fmt: skip
    return (counted(Complaint.status), counted(Complaint.severity), [Count(str(o), int(n)) for o, n in outcomes],
            [(currency, amount(int(total), currency)) for currency, total in recovered])  # fmt: skip


def build_ministry_report(
    start: date, end: date, *, session: Session, risk_config: dict | None = None
) -> MinistryReport:
    """The ministry's figures for ``start``–``end`` (both included)."""
    since, until = _bounds(start, end)
    sectors, matrix, sector_totals = _matrix(session, since, until)
    ranked = rank_agencies(session=session, on=end, weights=weights_from(risk_config))[:TOP_AGENCIES]
    findings_total, by_severity, by_criterion = _findings(session, start, end)
    fees, fees_total, fee_workers = _fees(session, start, end)
    by_status, by_complaint_severity, outcomes, recovered = _complaints(session, since, until)
    return MinistryReport(
        period_start=start, period_end=end, contracts_total=sum(sector_totals), sectors=sectors, matrix=matrix,
        sector_totals=sector_totals,
        top_risk=[RiskRow(r.agency_name, r.score.points, r.score.band, r.score.contracts) for r in ranked],
        findings_total=findings_total, findings_by_severity=by_severity, findings_by_criterion=by_criterion,
        fees=fees, fees_total=amount(fees_total), fees_per_worker=amount(fees_total // max(fee_workers, 1)),
        fee_workers=fee_workers, complaints_total=sum(c.value for c in by_status), complaints_by_status=by_status,
        complaints_by_severity=by_complaint_severity, sla=_sla(session, since, until), outcomes=outcomes,
        recovered=recovered,
    )  # fmt: skip

