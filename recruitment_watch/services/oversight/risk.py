"""Agency risk: conduct read from the database in a few aggregate queries, scored by ``checks.risk`` against each
corridor's typical agency. Reading a score never writes: band crossings become recommendations only through
``services.oversight.recommendations``.

What is read (the window is ``window_days``, 12 months by default, ending on ``on``):
- findings from the finding tally (never the findings themselves: millions at a million contracts), by agency,
  criterion and severity, first recorded in the window's months, still standing or verified as remedied (a breach that
  happened); dismissed ones (no breach) and auto-resolved ones (the record was corrected) do not count, nor advisories;
- the agency's contracts recorded in the window (the rate's denominator), from the contract day tally (kept by
  triggers on every write, migration 0022: a few thousand rows instead of a year's contracts). Findings are counted
  by when they were first recorded, and a contract's findings are recorded by the sweep after it is, so the
  contracts recorded in the window are the ones its findings come from (counting contracts deployed in the window
  instead mixed the findings of contracts recorded long before with a denominator that left them out);
- substantiated complaints received in the window; licence decisions taken in it.

Every input is a few small aggregates, so ranking all agencies costs milliseconds at a million contracts and is
computed afresh on every request: nothing is remembered, so a figure is never older than the data. Scoring one
agency reads only its corridor (the agencies of its origin country), unless that corridor has too few agencies to
set its own typical rate: then the national median is needed, and every agency is read as in the ranking.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select, true
from sqlmodel import Session

from recruitment_watch.checks.risk import (
    UNCOUNTED_SEVERITIES,
    AgencyConduct,
    CriterionCount,
    LicenceEvent,
    RiskScore,
    RiskWeights,
    corridor_baselines,
    score_agencies,
    score_agency,
    sets_own_typical,
)
from recruitment_watch.models import Agency, Complaint, ContractDayTally, FindingTally
from recruitment_watch.models import LicenceEvent as LicenceEventRow
from recruitment_watch.models.vocab import FindingStatus
from recruitment_watch.services.errors import NotFound

# Findings that say a breach happened: still open or answered, or verified as remedied.
COUNTED_FINDING_STATUSES = (FindingStatus.open, FindingStatus.agency_responded, FindingStatus.verified_remediated)


@dataclass(frozen=True)
class AgencyRisk:
    """An agency's score with its explanation."""

    agency_id: int
    agency_name: str
    score: RiskScore


def weights_from(config: dict[str, Any] | None) -> RiskWeights:
    """Weights and thresholds from app config ``RISK_WEIGHTS`` (a mapping; defaults when absent)."""
    return RiskWeights.model_validate(config or {})


def window_start(on: date, weights: RiskWeights) -> date:
    """The first day of the window ending on ``on``."""
    return on - timedelta(days=weights.window_days)


@dataclass(frozen=True)
class _ConductStatements:
    """What ``read_conduct`` asks, built once per shape (every agency or one corridor; public or not) with the
    window's dates and the corridor as parameters: building these statements and their cache keys anew on every
    request cost about as much as running them."""

    agencies: Select
    recorded: Select
    complaints: Select
    events: Select
    findings: Select


@lru_cache(maxsize=4)
def _conduct_statements(corridor: bool, public: bool) -> _ConductStatements:
    def of_agencies(column):
        return column.in_(bindparam("ids", expanding=True)) if corridor else true()

    listed = select(Agency.id, Agency.name, Agency.country).order_by(Agency.id)
    keys = (FindingTally.agency_id, FindingTally.criterion_id, FindingTally.severity)
    return _ConductStatements(
        agencies=listed.where(Agency.country == bindparam("country")) if corridor else listed,
        recorded=select(ContractDayTally.agency_id, func.sum(ContractDayTally.contracts))
        .where(ContractDayTally.created_on >= bindparam("start"), of_agencies(ContractDayTally.agency_id))
        .group_by(ContractDayTally.agency_id),
        complaints=select(Complaint.respondent_agency_id, func.count())
        .where(Complaint.substantiated.is_(True), Complaint.respondent_agency_id.is_not(None),
               Complaint.received_at >= bindparam("since"), of_agencies(Complaint.respondent_agency_id))
        .group_by(Complaint.respondent_agency_id),
        events=select(LicenceEventRow.agency_id, LicenceEventRow.status, LicenceEventRow.decided_on,
                      LicenceEventRow.reason)
        .where(LicenceEventRow.decided_on > bindparam("start"), LicenceEventRow.decided_on <= bindparam("on"),
               of_agencies(LicenceEventRow.agency_id))
        .order_by(LicenceEventRow.decided_on, LicenceEventRow.id),
        findings=select(*keys, func.sum(FindingTally.findings))
        .where(
            FindingTally.agency_id.is_not(None),
            FindingTally.status.in_([status.value for status in COUNTED_FINDING_STATUSES]),
            FindingTally.severity.not_in(sorted(UNCOUNTED_SEVERITIES)),
            FindingTally.seen_month >= bindparam("month"),
            FindingTally.hidden.is_(False) if public else true(),
            of_agencies(FindingTally.agency_id),
        )
        .group_by(*keys),
    )  # fmt: skip


def read_conduct(
    *, session: Session, on: date, weights: RiskWeights, public: bool = False, country: str | None = None
) -> tuple[dict[int, str], list[AgencyConduct]]:
    """Every agency's name and conduct in the window ending on ``on``; with ``country``, only the agencies of that
    origin country (one corridor).

    ``public``: what anyone may know of (no complaint finding an inspector has not disclosed: its weight would tell
    the agency that a worker complained).
    """
    start = window_start(on, weights)
    asked = _conduct_statements(country is not None, public)
    agencies = session.execute(asked.agencies, {"country": country} if country is not None else {}).all()
    scope = {"ids": [agency_id for agency_id, _name, _country in agencies]} if country is not None else {}
    recorded = dict(session.execute(asked.recorded, {"start": start, **scope}).all())
    since = datetime.combine(start, time(), UTC)
    complaints = dict(session.execute(asked.complaints, {"since": since, **scope}).all())
    events: dict[int, list[LicenceEvent]] = defaultdict(list)
    for agency_id, status, decided_on, reason in session.execute(asked.events, {"start": start, "on": on, **scope}):
        events[agency_id].append(LicenceEvent(status, decided_on, reason))
    # Core rows fetched at once: thousands of plain tuples (no ORM result machinery; iterating fetched them one call
    # each on psycopg).
    rows = session.connection().execute(asked.findings, {"month": date(start.year, start.month, 1), **scope}).all()
    counts: dict[int, list[CriterionCount]] = defaultdict(list)
    for agency_id, criterion_id, severity, findings in rows:
        if findings:
            counts[agency_id].append(CriterionCount(criterion_id or "?", severity, int(findings)))
    conduct = [
        AgencyConduct(agency_id, country or "?", int(recorded.get(agency_id, 0)), tuple(counts.get(agency_id, ())),
                      int(complaints.get(agency_id, 0)), tuple(events.get(agency_id, ())))  # fmt: skip
        for agency_id, _name, country in agencies
    ]
    return {agency_id: name for agency_id, name, _ in agencies}, conduct


def rank_agencies(
    *, session: Session, on: date, weights: RiskWeights | None = None, public: bool = False, explained: bool = True
) -> list[AgencyRisk]:
    """Every agency scored, highest risk first (ties: the larger interval's lower end, then the id). Reads only.
    ``explained=False``: the scores without their explanation lines (lists showing the index and the band)."""
    weights = weights or RiskWeights()
    names, conduct = read_conduct(session=session, on=on, weights=weights, public=public)
    scores = score_agencies(conduct, weights, explained=explained)
    ranked = [AgencyRisk(agency_id, names[agency_id], score) for agency_id, score in scores.items()]
    return sorted(ranked, key=lambda risk: (-risk.score.points, -risk.score.low, risk.agency_id))


def assess_agency(
    agency_id: int, *, session: Session, on: date, weights: RiskWeights | None = None, public: bool = False
) -> AgencyRisk:
    """One agency's score and its explanation, equal to its entry in ``rank_agencies``: scored against its corridor,
    so only the corridor is read (all agencies only when the corridor is too small to set its own typical rate).
    Reads only: nothing is recorded."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"agency {agency_id} does not exist", field="agency_id")
    weights = weights or RiskWeights()
    names, corridor = read_conduct(session=session, on=on, weights=weights, public=public, country=agency.country)
    if not sets_own_typical(corridor, weights):
        names, corridor = read_conduct(session=session, on=on, weights=weights, public=public)
    conduct = next(member for member in corridor if member.agency_id == agency_id)
    baseline = corridor_baselines(corridor, weights)[conduct.corridor]
    return AgencyRisk(agency_id, names[agency_id], score_agency(conduct, baseline, weights))
