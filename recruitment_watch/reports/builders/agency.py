"""The agency compliance report's data: licence and its history, risk score and its explanation, findings by
principle with their citations and a sample with evidence, contracts by corridor and sector, fees borne by workers
by ILO category, contract substitutions with the field-level difference, complaints, decisions, a monthly trend.

``for_agency`` is the agency reading its own report: it sees what its own pages show (no complaint finding an
inspector has not disclosed, no complaint details: a worker who complained must not be identifiable to the agency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select, true
from sqlmodel import Session

from recruitment_watch.checks.risk import principle_of
from recruitment_watch.checks.risk_texts import RiskLine
from recruitment_watch.models import Agency, Complaint, Contract, ContractVersion, FeePayment, Finding, FindingTally
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, ComplaintStatus, SubjectType
from recruitment_watch.reports.builders.common import CorridorMatrix, Count, amount, corridor_matrix
from recruitment_watch.services.access.scoping import shown_to_agencies
from recruitment_watch.services.contracts.version_diff import diff_versions
from recruitment_watch.services.criteria.fee_totals import NOT_RECRUITMENT_COST
from recruitment_watch.services.oversight.decisions import DecisionRow, decisions_of
from recruitment_watch.services.oversight.risk import assess_agency, weights_from
from recruitment_watch.services.registry.licence_history import LicencePeriod, history_of

SAMPLE_FINDINGS = 40  # listed one by one with their evidence (all are counted in the tables)
SUBSTITUTION_CASES = 10
LISTED_COMPLAINTS = 50
TREND_MONTHS = 12
SEVERITY_ORDER = ("critical", "high", "medium", "low", "advisory")


@dataclass(frozen=True)
class CriterionRow:
    criterion_id: str
    citation: str
    by_severity: dict[str, int]
    open: int
    total: int


@dataclass(frozen=True)
class PrincipleGroup:
    principle: str
    criteria: list[CriterionRow]
    total: int


@dataclass(frozen=True)
class SampleFinding:
    id: int
    criterion_id: str
    severity: str
    status: str
    message: str
    citation: str
    first_seen_on: date
    evidence: list[tuple[str, str]]


@dataclass(frozen=True)
class FeeRow:
    category: str
    payments: int
    workers: int
    total: str
    per_worker: str
    counted: bool  # part of the recruitment costs (an official government fee is not)
    total_minor: int


@dataclass(frozen=True)
class Substitution:
    contract_reference: str
    from_kind: str
    to_kind: str
    changes: list[tuple[str, str, str, str]]  # field, before, after, criteria that call it worse


@dataclass(frozen=True)
class ComplaintRow:
    reference: str
    received_on: date
    categories: str
    status: str
    outcome: str | None
    recovered: str | None


@dataclass
class AgencyReport:
    """Everything the agency report prints."""

    agency_id: int
    name: str
    licence_no: str
    licence_authority: str
    country: str
    licence_status: str
    licence_valid_from: date | None
    licence_valid_to: date | None
    for_agency: bool
    on: date
    licence_history: list[LicencePeriod]
    risk_points: float
    risk_low: float
    risk_high: float
    risk_band: str
    risk_recommendation: str
    risk_lines: list[RiskLine]  # plain data: each a message template with its parameters
    findings_total: int
    findings_open: int
    principles: list[PrincipleGroup]
    sample: list[SampleFinding]
    contracts_total: int
    corridors: CorridorMatrix  # contracts by corridor × sector
    fees: list[FeeRow]
    fees_total: str
    fees_per_worker: str
    fee_workers: int
    substitutions: list[Substitution]
    complaints_total: int
    complaints_by_outcome: list[Count]
    complaints: list[ComplaintRow]
    decisions: list[DecisionRow]
    trend: list[tuple[str, float]] = field(default_factory=list)


def _visible(for_agency: bool) -> Any:
    return shown_to_agencies() if for_agency else true()


def _principles(session: Session, agency_id: int, for_agency: bool) -> list[PrincipleGroup]:
    rows = session.execute(
        select(Finding.criterion_id, Finding.severity, func.count(), func.max(Finding.citation),
               func.sum(case((Finding.status.in_([s.value for s in OPEN_FINDING_STATUSES]), 1), else_=0)))
        .where(Finding.agency_id == agency_id, _visible(for_agency))
        .group_by(Finding.criterion_id, Finding.severity)
    ).all()  # fmt: skip
    criteria: dict[str, dict[str, Any]] = {}
    for criterion_id, severity, count, citation, still_open in rows:
        entry = criteria.setdefault(criterion_id, {"citation": citation or "", "by": {}, "open": 0, "total": 0})
        entry["by"][severity] = int(count)
        entry["open"] += int(still_open or 0)
        entry["total"] += int(count)
    groups: dict[str, list[CriterionRow]] = {}
    for criterion_id in sorted(criteria):
        entry = criteria[criterion_id]
        groups.setdefault(principle_of(criterion_id), []).append(
            CriterionRow(criterion_id, entry["citation"], entry["by"], entry["open"], entry["total"]))  # fmt: skip
    return [PrincipleGroup(name, rows, sum(row.total for row in rows)) for name, rows in sorted(groups.items())]


def _evidence(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(key), str(value)[:160]) for key, value in sorted(evidence.items())][:8]


def _sample(session: Session, agency_id: int, for_agency: bool) -> list[SampleFinding]:
    rank = case(*((Finding.severity == name, number) for number, name in enumerate(SEVERITY_ORDER)), else_=9)
    found = session.scalars(
        select(Finding).where(Finding.agency_id == agency_id, _visible(for_agency))
        .order_by(rank, Finding.first_seen_at.desc(), Finding.id.desc()).limit(SAMPLE_FINDINGS)
    ).all()  # fmt: skip
    return [
        SampleFinding(f.id, f.criterion_id, f.severity, f.status,
                      f.disclosed_text if for_agency and f.subject_type == SubjectType.complaint.value else f.message,
                      f.citation, f.first_seen_at.date(), [] if f.subject_type == SubjectType.complaint.value and
                      for_agency else _evidence(f.evidence or {}))  # fmt: skip
        for f in found
    ]


def _fees(session: Session, agency_id: int) -> tuple[list[FeeRow], int, int]:
    rows = session.execute(
        select(FeePayment.category, func.count(), func.count(FeePayment.worker_id.distinct()),
               func.sum(FeePayment.amount_usd_minor))
        .where(FeePayment.agency_id == agency_id).group_by(FeePayment.category).order_by(FeePayment.category)
    ).all()  # fmt: skip
    counted = FeePayment.category.not_in(NOT_RECRUITMENT_COST)
    total, workers = session.execute(
        select(func.coalesce(func.sum(FeePayment.amount_usd_minor), 0), func.count(FeePayment.worker_id.distinct()))
        .where(FeePayment.agency_id == agency_id, counted)
    ).one()  # fmt: skip
    fees = [
        FeeRow(category, int(payments), int(paying), amount(int(paid or 0)), amount(int(paid or 0) // max(paying, 1)),
               category not in NOT_RECRUITMENT_COST, int(paid or 0))  # fmt: skip
        for category, payments, paying, paid in rows
    ]
    return fees, int(total), int(workers)


def _substitutions(session: Session, agency_id: int, for_agency: bool, on: date) -> list[Substitution]:
    contract_ids = session.scalars(
        select(ContractVersion.contract_id)
        .join(Finding, Finding.subject_id == ContractVersion.id)
        .where(Finding.agency_id == agency_id, Finding.subject_type == SubjectType.contract_version.value,
               Finding.criterion_id.like("SUB-%"), _visible(for_agency))
        .group_by(ContractVersion.contract_id).order_by(ContractVersion.contract_id.desc()).limit(SUBSTITUTION_CASES)
    ).all()  # fmt: skip
    cases = []
    for contract_id in contract_ids:
        reference = session.scalar(select(Contract.reference).where(Contract.id == contract_id))
        versions = session.scalars(select(ContractVersion).where(ContractVersion.contract_id == contract_id)).all()
        for diff in diff_versions(versions, on=on):
            if diff.substitution:
                changes = [(c.field, _shown(c.old), _shown(c.new), ", ".join(c.worse_by)) for c in diff.changes]
                cases.append(Substitution(reference or "?", diff.from_kind, diff.to_kind, changes))
    return cases


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple | set):
        return ", ".join(str(item) for item in value)
    return str(value)


def _complaints(session: Session, agency_id: int, for_agency: bool) -> tuple[int, list[Count], list[ComplaintRow]]:
    decided = Complaint.status.in_([ComplaintStatus.resolved.value, ComplaintStatus.closed.value])
    scope = [Complaint.respondent_agency_id == agency_id, decided if for_agency else true()]
    by_outcome = session.execute(
        select(func.coalesce(Complaint.outcome, Complaint.status), func.count()).where(*scope)
        .group_by(func.coalesce(Complaint.outcome, Complaint.status)).order_by(func.count().desc())
    ).all()  # fmt: skip
    counts = [Count(str(label), int(number)) for label, number in by_outcome]
    if for_agency:  # the agency learns how decided cases ended, never who complained or about what
        return sum(c.value for c in counts), counts, []
    listed = session.scalars(
        select(Complaint).where(*scope).order_by(Complaint.received_at.desc()).limit(LISTED_COMPLAINTS)
    ).all()
    rows = [
        ComplaintRow(c.reference, c.received_at.date(), c.categories.strip(",").replace(",", ", "), c.status,
                     c.outcome, amount(c.amount_recovered_minor, c.amount_recovered_currency)
                     if c.amount_recovered_minor is not None and c.amount_recovered_currency else None)  # fmt: skip
        for c in listed
    ]
    return sum(c.value for c in counts), counts, rows


def _decisions(session: Session, agency_id: int, for_agency: bool) -> list[DecisionRow]:
    """Decisions taken on the agency; a watchlisting is the ministry's own planning, not told to the agency."""
    return [row for row in decisions_of(agency_id, session=session) if not (for_agency and row.kind == "watchlist")]


def _trend(session: Session, agency_id: int, for_agency: bool, on: date) -> list[tuple[str, float]]:
    first = date(on.year, on.month, 1)
    for _ in range(TREND_MONTHS - 1):
        first = date((first - timedelta(days=1)).year, (first - timedelta(days=1)).month, 1)
    found = dict(
        session.execute(
            select(FindingTally.seen_month, func.sum(FindingTally.findings))
            .where(FindingTally.agency_id == agency_id, FindingTally.seen_month >= first,
                   FindingTally.hidden.is_(False) if for_agency else true())
            .group_by(FindingTally.seen_month)
        ).all()
    )  # fmt: skip
    months, month = [], first
    while month <= on:
        months.append((f"{month:%Y-%m}", float(found.get(month, 0) or 0)))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def build_agency_report(
    agency_id: int, *, session: Session, on: date, for_agency: bool, risk_config: dict | None = None
) -> AgencyReport:
    """The agency report's figures as of ``on`` (the agency's reach decided by the report's request)."""
    agency = session.get(Agency, agency_id)
    risk = assess_agency(agency_id, session=session, on=on, weights=weights_from(risk_config), public=for_agency)
    totals = session.execute(
        select(func.count(), func.sum(case((Finding.status.in_([s.value for s in OPEN_FINDING_STATUSES]), 1),
                                           else_=0)))
        .where(Finding.agency_id == agency_id, _visible(for_agency))
    ).one()  # fmt: skip
    corridors = session.execute(
        select(Contract.origin_country, Contract.destination_country, Contract.sector, func.count())
        .where(Contract.agency_id == agency_id)
        .group_by(Contract.origin_country, Contract.destination_country, Contract.sector)
        .order_by(func.count().desc(), Contract.origin_country, Contract.destination_country, Contract.sector)
    ).all()  # fmt: skip
    by_corridor = [(f"{o}–{d}", sector, int(n)) for o, d, sector, n in corridors]
    fees, fees_total, fee_workers = _fees(session, agency_id)
    complaints_total, by_outcome, complaints = _complaints(session, agency_id, for_agency)
    return AgencyReport(
        agency_id=agency_id, name=agency.name, licence_no=agency.licence_no,
        licence_authority=agency.licence_authority, country=agency.country, licence_status=agency.status,
        licence_valid_from=agency.licence_valid_from, licence_valid_to=agency.licence_valid_to,
        for_agency=for_agency, on=on, licence_history=history_of(session, agency_id),
        risk_points=risk.score.points, risk_low=risk.score.low, risk_high=risk.score.high,
        risk_band=risk.score.band, risk_recommendation=risk.score.recommendation,
        risk_lines=list(risk.score.lines),
        findings_total=int(totals[0] or 0), findings_open=int(totals[1] or 0),
        principles=_principles(session, agency_id, for_agency), sample=_sample(session, agency_id, for_agency),
        contracts_total=sum(int(row[3]) for row in corridors),
        corridors=corridor_matrix(by_corridor),
        fees=fees, fees_total=amount(fees_total), fees_per_worker=amount(fees_total // max(fee_workers, 1)),
        fee_workers=fee_workers, substitutions=_substitutions(session, agency_id, for_agency, on),
        complaints_total=complaints_total, complaints_by_outcome=by_outcome, complaints=complaints,
        decisions=_decisions(session, agency_id, for_agency), trend=_trend(session, agency_id, for_agency, on),
    )  # fmt: skip
