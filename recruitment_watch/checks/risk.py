"""Agency risk score: an explained sum of demerit points (pure; no database).

Contributions: open findings by severity, substantiated complaints per 100 deployments, and
licence events. Bands follow the Singapore MOM demerit-point reference named in the design
(12 points → watchlist, 24 → suspension review); every weight and threshold here is **[INFERRED]**
(a design choice, not law) and can be overridden with ``RiskWeights``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from recruitment_watch.checks.subjects import Severity

Band = Literal["ok", "watchlist", "suspension_review"]
NonNegative = Annotated[float, Field(ge=0)]


class RiskWeights(BaseModel):
    """Configurable weights and thresholds; all defaults are [INFERRED]."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    severity_points: dict[Severity, NonNegative] = {"low": 1, "medium": 2, "high": 4, "critical": 8}
    points_per_complaint_rate: NonNegative = 2  # per substantiated complaint per 100 deployments
    min_deployments: Annotated[int, Field(ge=1)] = 100  # smaller agencies are rated as if they had this many
    licence_event_points: dict[str, NonNegative] = {
        "warning": 2,
        "suspended": 6,
        "cancelled": 12,
        "banned": 24,
        "delisted": 12,
        "expired": 1,
    }
    watchlist_at: NonNegative = 12
    suspension_review_at: NonNegative = 24

    @model_validator(mode="after")
    def _ordered(self) -> RiskWeights:
        """The suspension-review threshold is not below the watchlist threshold."""
        if self.suspension_review_at < self.watchlist_at:
            raise ValueError("suspension_review_at must be >= watchlist_at")
        return self


@dataclass(frozen=True)
class OpenFinding:
    """An open finding against the agency (or one of its contracts or payments)."""

    criterion_id: str
    severity: Severity


@dataclass(frozen=True)
class LicenceEvent:
    """A licence status decision (e.g. suspended) with its date and reason."""

    status: str
    decided_on: date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class RiskLine:
    """One explained contribution to the score."""

    kind: Literal["findings", "complaints", "licence"]
    points: float
    explanation: str


@dataclass(frozen=True)
class RiskScore:
    """Total points, the band they fall in, the recommendation and one line per contribution."""

    points: float
    band: Band
    recommendation: str
    lines: tuple[RiskLine, ...]


RECOMMENDATIONS: dict[Band, str] = {
    "ok": "No action beyond routine monitoring.",
    "watchlist": "Recommend placing the agency on the watchlist for closer inspection.",
    "suspension_review": "Recommend a licence suspension review by the competent authority.",
}


def _finding_lines(findings: Iterable[OpenFinding], weights: RiskWeights) -> list[RiskLine]:
    """One line per severity present, naming the criteria."""
    by_severity: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        by_severity[finding.severity].append(finding.criterion_id)
    lines = []
    for severity in ("critical", "high", "medium", "low"):
        ids = by_severity.get(severity)
        if not ids:
            continue
        each = weights.severity_points[severity]  # type: ignore[index]
        points = each * len(ids)
        lines.append(
            RiskLine(
                "findings",
                points,
                f"{len(ids)} open {severity} finding(s) × {each:g} = {points:g} points ({', '.join(sorted(set(ids)))})",
            )
        )
    return lines


def _complaint_line(substantiated: int, deployments: int, weights: RiskWeights) -> RiskLine | None:
    """Substantiated complaints per 100 deployments (denominator at least ``min_deployments``)."""
    if substantiated <= 0:
        return None
    base = max(deployments, weights.min_deployments)
    rate = substantiated * 100 / base
    points = round(rate * weights.points_per_complaint_rate, 2)
    return RiskLine(
        "complaints",
        points,
        f"{substantiated} substantiated complaint(s) over {deployments} deployments"
        f" = {rate:.2f} per 100 (rated on {base}) × "
        f"{weights.points_per_complaint_rate:g} = {points:g} points",
    )


def _licence_lines(events: Iterable[LicenceEvent], weights: RiskWeights) -> list[RiskLine]:
    """One line per weighted licence event; unweighted statuses (active, renewed) add nothing."""
    lines = []
    for event in events:
        points = weights.licence_event_points.get(event.status)
        if not points:
            continue
        when = f" on {event.decided_on.isoformat()}" if event.decided_on else ""
        why = f" ({event.reason})" if event.reason else ""
        lines.append(RiskLine("licence", points, f"licence {event.status}{when}{why} = {points:g} points"))
    return lines


def band_for(points: float, weights: RiskWeights) -> Band:
    """The band a point total falls in."""
    if points >= weights.suspension_review_at:
        return "suspension_review"
    if points >= weights.watchlist_at:
        return "watchlist"
    return "ok"


def score_agency(
    findings: Iterable[OpenFinding],
    *,
    substantiated_complaints: int = 0,
    deployments: int = 0,
    licence_events: Iterable[LicenceEvent] = (),
    weights: RiskWeights | None = None,
) -> RiskScore:
    """Score an agency from its open findings, substantiated complaints and licence events."""
    weights = weights or RiskWeights()
    lines = _finding_lines(findings, weights)
    complaint = _complaint_line(substantiated_complaints, deployments, weights)
    lines += [complaint] if complaint else []
    lines += _licence_lines(licence_events, weights)
    points = round(sum(line.points for line in lines), 2)
    band = band_for(points, weights)
    return RiskScore(points=points, band=band, recommendation=RECOMMENDATIONS[band], lines=tuple(lines))
