"""Agency risk: an explained score from open findings, substantiated complaints and licence events, and the
watchlist / suspension-review recommendation it leads to (thresholds configurable; Singapore MOM style 12 / 24)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, true
from sqlmodel import Session

from recruitment_watch.checks.risk import LicenceEvent as RiskLicenceEvent
from recruitment_watch.checks.risk import OpenFinding, RiskScore, RiskWeights, score_agency
from recruitment_watch.models import Agency, Complaint, Contract, Decision, Finding, LicenceEvent
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, DecisionKind
from recruitment_watch.services.access.scoping import shown_to_agencies
from recruitment_watch.services.errors import NotFound

_BAND_DECISION = {"watchlist": DecisionKind.watchlist, "suspension_review": DecisionKind.suspension_recommendation}


@dataclass(frozen=True)
class AgencyRisk:
    """An agency's score with its explanation, and the recommendation recorded for it (if any)."""

    agency_id: int
    agency_name: str
    score: RiskScore
    recorded_decision_id: int | None


def weights_from(config: dict[str, Any] | None) -> RiskWeights:
    """Weights and thresholds from app config ``RISK_WEIGHTS`` (a mapping; defaults when absent)."""
    return RiskWeights.model_validate(config or {})


def assess_agency(
    agency_id: int,
    *,
    session: Session,
    on: date,
    weights: RiskWeights | None = None,
    record: bool = True,
    public: bool = False,
) -> AgencyRisk:
    """Score one agency; crossing a threshold records a recommendation (once per band while it stands).

    ``public``: the score anyone may see, from the findings an agency may know of (no complaint finding an inspector
    has not disclosed: its weight would tell the agency that a worker complained).
    """
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"agency {agency_id} does not exist", field="agency_id")
    findings = [
        OpenFinding(criterion_id, severity)
        for criterion_id, severity, count in session.execute(
            select(Finding.criterion_id, Finding.severity, func.count())
            .where(
                Finding.agency_id == agency_id,
                Finding.status.in_(OPEN_FINDING_STATUSES),
                shown_to_agencies() if public else true(),
            )
            .group_by(Finding.criterion_id, Finding.severity)
        )
        for _ in range(count)
    ]  # counted in SQL: an agency with 16,000 contracts has tens of thousands of open findings
    year_ago = on - timedelta(days=365)
    substantiated = session.scalar(
        select(func.count()).where(Complaint.respondent_agency_id == agency_id, Complaint.substantiated.is_(True))
    )
    deployments = session.scalar(
        select(func.count()).where(
            Contract.agency_id == agency_id, Contract.deployed.is_(True), Contract.departure_on > year_ago
        )
    )
    events = [
        RiskLicenceEvent(status, decided_on, reason)
        for status, decided_on, reason in session.execute(
            select(LicenceEvent.status, LicenceEvent.decided_on, LicenceEvent.reason)
            .where(LicenceEvent.agency_id == agency_id)
            .order_by(LicenceEvent.decided_on)
        )
    ]
    score = score_agency(
        findings,
        substantiated_complaints=substantiated or 0,
        deployments=deployments or 0,
        licence_events=events,
        weights=weights,
    )
    decision_id = _record_recommendation(session, agency_id, score) if record else None
    return AgencyRisk(agency_id, agency.name, score, decision_id)


def _record_recommendation(session: Session, agency_id: int, score: RiskScore) -> int | None:
    kind = _BAND_DECISION.get(score.band)
    if kind is None:
        return None
    standing = session.scalar(
        select(Decision.id).where(
            Decision.agency_id == agency_id, Decision.kind == kind.value, Decision.revoked_at.is_(None)
        )
    )
    if standing is not None:
        return standing
    explanation = "; ".join(line.explanation for line in score.lines)
    decision = Decision(
        agency_id=agency_id,
        kind=kind.value,
        points=int(round(score.points)),
        reason=f"{score.recommendation} Score {score.points:g}: {explanation}"[:2000],
    )
    session.add(decision)
    session.flush()
    return decision.id


def rank_agencies(*, session: Session, on: date, weights: RiskWeights | None = None) -> list[AgencyRisk]:
    """Every agency scored (no recommendations recorded), highest risk first."""
    ids = session.scalars(select(Agency.id).order_by(Agency.id)).all()
    assessed = [assess_agency(agency_id, session=session, on=on, weights=weights, record=False) for agency_id in ids]
    return sorted(assessed, key=lambda risk: -risk.score.points)
