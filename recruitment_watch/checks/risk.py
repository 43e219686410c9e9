"""Agency risk score: conduct measured as rates, compared with the agency's corridor (pure; no database).

The score is an **index**: 100 is the corridor's typical agency (the agencies recruiting from the same origin
country, under the same rules and fee caps). It is built from

- breaches per 100 contracts recorded in the window (12 months by default): each finding
  weighted by its severity and its principle (the criterion family: forced labour, substitution, fees …);
  ``advisory`` findings (rules not yet enforceable) never count;
- repeat offences: a criterion failing on many of the agency's contracts, at least ``repeat_ratio`` times the
  corridor's rate for it, is a practice, not an accident, and weighs ``repeat_factor`` times;
- substantiated complaints per 100 contracts;
- shrinkage towards the corridor's typical rate (a gamma-Poisson / empirical-Bayes estimate with the strength of
  ``prior_contracts`` contracts), so an agency with 3 contracts and one bad one does not top the list, and an interval
  showing how uncertain the figure is;
- licence decisions in the window (suspended, cancelled …), added as index points.

Bands: watchlist at ``watchlist_at`` (1.5 × the corridor's typical rate by default), suspension review at
``suspension_review_at`` (2.5 ×), each only when the interval's lower end is above the typical agency (100): an
agency is flagged when it is distinguishable from the corridor, not by chance. Every default is **[INFERRED]** (a
design choice, not law; docs/criteria-engine.md gives the reasoning) and can be overridden through ``RiskWeights``.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from recruitment_watch.checks.risk_texts import (
    COMPLAINTS_NO_CONTRACTS_TEXT,
    COMPLAINTS_TEXT,
    FINDINGS_NO_RATE_TEXT,
    FINDINGS_TEXT,
    LICENCE_TEXTS,
    RECOMMENDATIONS,
    REPEAT_TEXT,
    SHRINKAGE_TEXT,
    RiskLine,
)

Band = Literal["ok", "watchlist", "suspension_review"]
NonNegative = Annotated[float, Field(ge=0)]
# Findings of these severities never count (a rule announced, not yet enforceable): excluded by value.
UNCOUNTED_SEVERITIES = frozenset({"advisory"})
SEVERITY_ORDER = ("critical", "high", "medium", "low")


class RiskWeights(BaseModel):
    """Configurable weights and thresholds (app config ``RISK_WEIGHTS``); every default is [INFERRED]."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window_days: Annotated[int, Field(ge=30, le=3660)] = 365  # infringements over 12 months, as MOM's demerit points
    severity_points: dict[str, NonNegative] = {"low": 1, "medium": 2, "high": 4, "critical": 8}
    # Principle = the criterion family (the id's prefix). Forced-labour indicators and contract substitution (ILO
    # indicators: deception, retention of identity documents) weigh 3, identity documents 2; fee criteria 0.5, since
    # one fee payment fails several of them at once; IRIS and contract-form criteria 0.25, since they restate the
    # fee and transparency ones; complaint-handling findings 0 (complaints count once, as substantiated complaints).
    # A family not named weighs ``other_principle_factor``.
    principle_factor: dict[str, NonNegative] = {
        "FL": 3.0, "SUB": 3.0, "DOC": 2.0, "AGY": 1.0, "WAGE": 1.0, "FEE": 0.5, "IRIS": 0.25, "CON": 0.25, "CMP": 0.0,
    }  # fmt: skip
    other_principle_factor: NonNegative = 1.0
    repeat_ratio: Annotated[float, Field(ge=1)] = 2.0  # a criterion at ≥ 2 × the corridor's rate …
    repeat_min_findings: Annotated[int, Field(ge=1)] = 5  # … on at least 5 subjects (fewer is chance) …
    repeat_factor: Annotated[float, Field(ge=1)] = 2.0  # … weighs twice
    complaint_points: NonNegative = 8  # per substantiated complaint (as a critical finding)
    prior_contracts: Annotated[float, Field(gt=0)] = 30  # shrinkage strength, in contracts
    prior_min_contracts: Annotated[int, Field(ge=1)] = 30  # agencies this large set the corridor's typical rate …
    min_typical_agencies: Annotated[int, Field(ge=1)] = 3  # … when there are this many (else the whole country's)
    # The typical rate (weighted points per contract) when fewer agencies than that exist at all: the median agency
    # of the 2,000-contract demo after its first sweep.
    reference_rate: Annotated[float, Field(gt=0)] = 20.0
    interval_z: Annotated[float, Field(gt=0)] = 1.645  # 90 % interval
    # Breaches cluster on contracts (one bad contract fails several criteria), so the count is over-dispersed: the
    # interval takes each contract's weighted points to vary with this coefficient of variation.
    contract_cv: NonNegative = 1.0
    # Index points per licence decision in the window: a sanction is past conduct the authority already acted on,
    # so it adds a quarter (suspension) or half (cancellation, ban, delisting) of a typical agency; an expiry none.
    licence_points: dict[str, NonNegative] = {"suspended": 25, "cancelled": 50, "banned": 50, "delisted": 50}
    watchlist_at: NonNegative = 150
    suspension_review_at: NonNegative = 250

    @model_validator(mode="after")
    def _ordered(self) -> RiskWeights:
        """The suspension-review threshold is not below the watchlist threshold."""
        if self.suspension_review_at < self.watchlist_at:
            raise ValueError("suspension_review_at must be >= watchlist_at")
        return self

    def factor(self, criterion_id: str) -> float:
        """Severity-independent weight of a criterion: its principle's factor."""
        return self.principle_factor.get(principle_of(criterion_id), self.other_principle_factor)


@cache  # a few hundred criterion ids, asked thousands of times per ranking
def principle_of(criterion_id: str) -> str:
    """The criterion family: the id's first part (``FEE-PK-001`` → ``FEE``)."""
    return criterion_id.split("-", 1)[0]


class CriterionCount(NamedTuple):
    """Findings of one criterion against the agency, first recorded in the window (a named tuple: a ranking reads
    thousands of them, and a tuple is made in a fraction of a frozen dataclass's time)."""

    criterion_id: str
    severity: str
    findings: int


@dataclass(frozen=True)
class LicenceEvent:
    """A licence decision (e.g. suspended) in the window, with its date and reason."""

    status: str
    decided_on: date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class AgencyConduct:
    """What the score reads of one agency: its corridor, its contracts recorded in the window (the rate's
    denominator) and its breaches in the window."""

    agency_id: int
    corridor: str
    contracts: int
    counts: tuple[CriterionCount, ...] = ()
    substantiated_complaints: int = 0
    licence_events: tuple[LicenceEvent, ...] = ()


@dataclass(frozen=True)
class Baseline:
    """The corridor's typical agency: its weighted breach rate per contract, each criterion's rate, the variance."""

    corridor: str
    typical_rate: float  # weighted points per contract
    criterion_rates: dict[str, float] = field(default_factory=dict)  # findings per contract
    variance: float = 0.0  # per contract
    agencies: int = 0


@dataclass(frozen=True)
class RiskScore:
    """The index, its interval, the band, the recommendation and one line per term."""

    points: float
    band: Band
    recommendation: str
    lines: tuple[RiskLine, ...]
    low: float = 0.0
    high: float = 0.0
    contracts: int = 0
    corridor: str = ""


def _weighted(agency: AgencyConduct, baseline: Baseline | None, weights: RiskWeights,
              units: dict[tuple[str, str], float] | None = None) -> dict[str, tuple]:  # fmt: skip
    """Per criterion: (severity, findings, weight per finding, repeat?). A repeat needs the corridor's rates and a
    denominator (this loop runs for every count of every agency: invariants are read once, and ``units`` remembers
    each (severity, criterion) weight across the agencies of one ranking)."""
    out, points, n, least = {}, weights.severity_points, agency.contracts, weights.repeat_min_findings
    rates = baseline.criterion_rates if baseline is not None and n > 0 else None
    units = {} if units is None else units
    for criterion_id, severity, findings in agency.counts:
        if severity in UNCOUNTED_SEVERITIES or findings <= 0:
            continue
        each = units.get((severity, criterion_id))
        if each is None:
            each = units[(severity, criterion_id)] = points.get(severity, 0) * weights.factor(criterion_id)
        repeat = (
            rates is not None
            and findings >= least
            and (findings / n >= weights.repeat_ratio * rates.get(criterion_id, 0.0))
        )
        out[criterion_id] = (severity, findings, each, repeat)
    return out


def weighted_points(agency: AgencyConduct, baseline: Baseline | None, weights: RiskWeights,
                    weighted: dict[str, tuple] | None = None) -> tuple[float, float]:  # fmt: skip
    """The agency's weighted breaches (points) and their variance (compound Poisson), repeats included; ``weighted``:
    its ``_weighted`` counts when the caller has them already."""
    total = variance = 0.0
    weighted = _weighted(agency, baseline, weights) if weighted is None else weighted
    for _severity, findings, each, repeat in weighted.values():
        weight = each * (weights.repeat_factor if repeat else 1)
        total += weight * findings
        variance += weight * weight * findings
    complaints = agency.substantiated_complaints * weights.complaint_points
    return total + complaints, variance + agency.substantiated_complaints * weights.complaint_points**2


def _typical(members: Sequence[tuple[AgencyConduct, float, float]], weights: RiskWeights) -> float | None:
    """The median weighted rate of the agencies large enough to measure (None when too few are)."""
    large = [points / agency.contracts for agency, points, _ in members
             if agency.contracts >= weights.prior_min_contracts]  # fmt: skip
    return statistics.median(large) if len(large) >= weights.min_typical_agencies else None


def sets_own_typical(corridor: Sequence[AgencyConduct], weights: RiskWeights) -> bool:
    """Whether one corridor's agencies are enough to set its typical rate. When they are not, its baseline falls back
    to the median over every corridor, so scoring one agency then needs every agency's conduct, not just its
    corridor's."""
    baselines = corridor_baselines(corridor, weights)
    members = [(agency, *weighted_points(agency, baselines[agency.corridor], weights)) for agency in corridor]
    return _typical(members, weights) is not None


def corridor_baselines(agencies: Sequence[AgencyConduct], weights: RiskWeights) -> dict[str, Baseline]:
    """Each corridor's typical agency: the median weighted rate of its agencies with at least ``prior_min_contracts``
    contracts in the window, when at least ``min_typical_agencies`` are that large; else the median over every
    corridor; else ``reference_rate``. Criterion rates (for repeats) and the variance are pooled per corridor."""
    return _measure(agencies, weights)[0]


def _measure(agencies: Sequence[AgencyConduct], weights: RiskWeights
             ) -> tuple[dict[str, Baseline], dict[int, dict[str, tuple]]]:  # fmt: skip
    """The corridor baselines and each agency's ``_weighted`` counts, which the scores reuse: a repeat is judged
    against the corridor's criterion rates, known before its typical rate."""
    by_corridor: dict[str, list[AgencyConduct]] = defaultdict(list)
    for agency in agencies:
        by_corridor[agency.corridor].append(agency)
    measured: dict[str, tuple[dict[str, float], list[tuple[AgencyConduct, float, float]], int]] = {}
    weighted: dict[int, dict[str, tuple]] = {}
    units: dict[tuple[str, str], float] = {}
    for corridor, members in by_corridor.items():
        recorded = sum(agency.contracts for agency in members)
        per_criterion: dict[str, int] = defaultdict(int)
        for agency in members:
            for count in agency.counts:
                per_criterion[count.criterion_id] += count.findings
        rates = {key: found / recorded for key, found in per_criterion.items()} if recorded else {}
        first = Baseline(corridor, 0.0, rates)
        for agency in members:
            weighted[agency.agency_id] = _weighted(agency, first, weights, units)
        measured[corridor] = (rates, [(agency, *weighted_points(agency, first, weights, weighted[agency.agency_id]))
                                      for agency in members], recorded)  # fmt: skip
    everyone = [member for _, members, _ in measured.values() for member in members]
    national = _typical(everyone, weights)
    baselines = {}
    for corridor, (rates, members, recorded) in measured.items():
        typical = _typical(members, weights) or national or weights.reference_rate
        variance = sum(var for _, _, var in members) / recorded if recorded else 0.0
        baselines[corridor] = Baseline(corridor, typical, rates, variance, len(members))
    return baselines, weighted


def _finding_lines(agency: AgencyConduct, baseline: Baseline, weights: RiskWeights, scale: float,
                   weighted: dict[str, tuple]) -> list[RiskLine]:  # fmt: skip
    """One line per (principle, severity) present, one per repeated criterion; points in index units."""
    groups: dict[tuple[str, str], list[tuple[str, int, float]]] = defaultdict(list)
    lines = []
    for criterion_id, (severity, findings, each, _repeat) in weighted.items():
        groups[(principle_of(criterion_id), severity)].append((criterion_id, findings, each))
    n = agency.contracts
    for (principle, severity), members in sorted(groups.items(), key=lambda item: (
            SEVERITY_ORDER.index(item[0][1]) if item[0][1] in SEVERITY_ORDER else 9, item[0][0])):  # fmt: skip
        findings = sum(found for _, found, _ in members)
        points = sum(found * each for _, found, each in members)
        ids = ", ".join(sorted(criterion_id for criterion_id, _, _ in members))
        params = {"findings": findings, "severity": severity, "principle": principle, "contracts": n,
                  "severity_points": weights.severity_points.get(severity, 0),
                  "factor": weights.factor(members[0][0]), "criteria": ids}  # fmt: skip
        if n:
            params["rate"] = 100 * findings / n
        lines.append(RiskLine("findings", round(points * scale, 2), FINDINGS_TEXT if n else FINDINGS_NO_RATE_TEXT,
                              params))  # fmt: skip
    for criterion_id, (_severity, findings, each, repeat) in sorted(weighted.items()):
        if repeat:
            extra = findings * each * (weights.repeat_factor - 1)
            usual = 100 * baseline.criterion_rates.get(criterion_id, 0.0)
            lines.append(RiskLine("repeat", round(extra * scale, 2), REPEAT_TEXT, {
                "criterion": criterion_id, "findings": findings, "rate": 100 * findings / n,
                "ratio": weights.repeat_ratio, "corridor_rate": usual, "weight": weights.repeat_factor,
            }))  # fmt: skip
    return lines


def _complaint_line(agency: AgencyConduct, weights: RiskWeights, scale: float) -> RiskLine | None:
    if agency.substantiated_complaints <= 0:
        return None
    count, n = agency.substantiated_complaints, agency.contracts
    params: dict[str, object] = {"count": count, "contracts": n, "complaint_points": weights.complaint_points}
    if n:
        params["rate"] = 100 * count / n
    return RiskLine("complaints", round(count * weights.complaint_points * scale, 2),
                    COMPLAINTS_TEXT if n else COMPLAINTS_NO_CONTRACTS_TEXT, params)  # fmt: skip


def _licence_lines(events: Iterable[LicenceEvent], weights: RiskWeights) -> list[RiskLine]:
    """One line per weighted licence decision; unweighted ones (issued, renewed) add nothing."""
    lines = []
    for event in events:
        points = weights.licence_points.get(event.status)
        if not points:
            continue
        known = {"decided_on": event.decided_on, "reason": event.reason}
        params = {"status": event.status, "points": points, **{name: value for name, value in known.items() if value}}
        lines.append(RiskLine("licence", points, LICENCE_TEXTS[(bool(event.decided_on), bool(event.reason))], params))
    return lines


def band_for(points: float, weights: RiskWeights, low: float | None = None) -> Band:
    """The band an index falls in; with ``low`` (the interval's lower end), only when it is above 100."""
    if low is not None and low <= 100:
        return "ok"
    if points >= weights.suspension_review_at:
        return "suspension_review"
    if points >= weights.watchlist_at:
        return "watchlist"
    return "ok"


def score_agency(agency: AgencyConduct, baseline: Baseline, weights: RiskWeights | None = None, *,
                 explained: bool = True, weighted: dict[str, tuple] | None = None) -> RiskScore:  # fmt: skip
    """The agency's index against its corridor's ``baseline``, explained line by line (``explained=False``: the same
    figures without the lines, for lists that show only the index and the band); ``weighted``: its ``_weighted``
    counts when the caller has them already."""
    weights = weights or RiskWeights()
    n, m = agency.contracts, weights.prior_contracts
    typical = baseline.typical_rate
    weighted = _weighted(agency, baseline, weights) if weighted is None else weighted
    points, variance = weighted_points(agency, baseline, weights, weighted)
    shrunk = (points + m * typical) / (n + m)  # per contract
    between = (n * (points / n) ** 2 if n else 0.0) + m * typical**2  # contract-to-contract spread
    spread = math.sqrt(variance + m * baseline.variance + weights.contract_cv**2 * between) / (n + m)
    to_index = 100 / typical if typical > 0 else 0.0
    # An agency's lines in index units: its raw rate's share, before shrinkage; with no contract in the window, its
    # share of the shrunk estimate (the prior's contracts are then the only denominator).
    scale = to_index / n if n else to_index / m
    lines = _finding_lines(agency, baseline, weights, scale, weighted) if explained else []
    complaint = _complaint_line(agency, weights, scale) if explained else None
    lines += [complaint] if complaint else []
    raw_index = points * scale
    index = shrunk * to_index if typical > 0 else 0.0
    lines.append(RiskLine("shrinkage", round(index - raw_index, 2), SHRINKAGE_TEXT, {
        "contracts": n, "raw": raw_index, "corridor": baseline.corridor, "typical": 100 * typical, "prior": m,
        "index": index,
    }))  # fmt: skip
    licence = _licence_lines(agency.licence_events, weights)
    lines += licence
    extra = sum(line.points for line in licence)
    total = round(index + extra, 2)
    low = round(max(0.0, (shrunk - weights.interval_z * spread) * to_index) + extra, 1)
    high = round((shrunk + weights.interval_z * spread) * to_index + extra, 1)
    band = band_for(total, weights, low if typical > 0 else None)
    return RiskScore(total, band, RECOMMENDATIONS[band], tuple(lines) if explained else (), low, high, n,
                     baseline.corridor)  # fmt: skip


def score_agencies(agencies: Sequence[AgencyConduct], weights: RiskWeights | None = None, *,
                   explained: bool = True) -> dict[int, RiskScore]:  # fmt: skip
    """Every agency scored against its own corridor's baseline (computed from the same agencies)."""
    weights = weights or RiskWeights()
    baselines, weighted = _measure(agencies, weights)
    return {agency.agency_id: score_agency(agency, baselines[agency.corridor], weights, explained=explained,
                                           weighted=weighted[agency.agency_id])
            for agency in agencies}  # fmt: skip
