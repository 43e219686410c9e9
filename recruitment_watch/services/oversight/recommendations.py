"""Risk recommendations: a band crossing becomes a recommendation in a queue, with a notification to the inspectors;
an inspector accepts it (a ``Decision`` is recorded, and for a suspension review a licence suspension through the
register) or rejects it, each with a reason. Scoring alone never writes (``services.oversight.risk``).

When one is raised: the ranking puts the agency in the watchlist or suspension-review band, no recommendation of that
kind is pending for it, no decision of that kind stands (not revoked), and no inspector rejected one of that kind in
the last ``rejected_quiet_days`` (a rejection is not asked again every night). A suspension review replaces the
watchlist recommendation: an agency in that band is not also proposed for the watchlist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.checks.risk import RiskWeights
from recruitment_watch.models import Agency, Decision, RiskRecommendation
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import (
    DecisionKind,
    LicenceDecision,
    NotificationKind,
    OrganisationKind,
    RecommendationStatus,
    Role,
)
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.notifications import notify, supervising_inspectors
from recruitment_watch.services.errors import Conflict, Forbidden, NotFound
from recruitment_watch.services.oversight.risk import AgencyRisk, rank_agencies
from recruitment_watch.services.registry.agencies import decide_licence

KIND_OF_BAND = {"watchlist": DecisionKind.watchlist, "suspension_review": DecisionKind.suspension_recommendation}
# An inspector's rejection keeps the same recommendation from being raised again for this many days [INFERRED].
REJECTED_QUIET_DAYS = 90


@dataclass(frozen=True)
class QueuedRecommendation:
    """A recommendation with its agency's name, for lists."""

    recommendation: RiskRecommendation
    agency_name: str


def _blocked(session: Session, agency_id: int, kind: DecisionKind, on: date) -> bool:
    """A pending recommendation, a standing decision or a recent rejection of ``kind`` already answers."""
    key = f"{agency_id}|{kind}"
    pending = session.scalar(select(RiskRecommendation.id).where(RiskRecommendation.pending_key == key))
    standing = session.scalar(select(Decision.id).where(Decision.agency_id == agency_id, Decision.kind == kind.value,
                                                        Decision.revoked_at.is_(None)))  # fmt: skip
    rejected = session.scalar(
        select(RiskRecommendation.id).where(
            RiskRecommendation.agency_id == agency_id,
            RiskRecommendation.kind == kind.value,
            RiskRecommendation.status == RecommendationStatus.rejected.value,
            RiskRecommendation.assessed_on > on - timedelta(days=REJECTED_QUIET_DAYS),
        )
    )
    return any(found is not None for found in (pending, standing, rejected))


def _raise_one(session: Session, risk: AgencyRisk, kind: DecisionKind, on: date) -> RiskRecommendation:
    score = risk.score
    recommendation = RiskRecommendation(
        agency_id=risk.agency_id, kind=kind.value, band=score.band, score=score.points, score_low=score.low,
        score_high=score.high, explanation=[line.explanation for line in score.lines],
        pending_key=f"{risk.agency_id}|{kind}", assessed_on=on,
    )  # fmt: skip
    session.add(recommendation)
    session.flush()
    notify(
        session,
        supervising_inspectors(session),
        kind=NotificationKind.risk_recommendation,
        subject_type="risk_recommendation",
        subject_id=recommendation.id,
        message=f"Risk recommendation {recommendation.id}: {risk.agency_name} is in the {score.band} band (index "
        f"{score.points:g}, 90% interval {score.low:g}–{score.high:g}). {score.recommendation} Accept or reject it "
        f"with a reason.",
        dedupe_key=f"risk-recommendation:{recommendation.id}",
    )
    return recommendation


def raise_recommendations(
    *, session: Session, on: date, weights: RiskWeights | None = None
) -> list[RiskRecommendation]:
    """Rank every agency and raise a recommendation for each new band crossing (see the module's rules)."""
    raised = []
    for risk in rank_agencies(session=session, on=on, weights=weights):
        kind = KIND_OF_BAND.get(risk.score.band)
        if kind is None or _blocked(session, risk.agency_id, kind, on):
            continue
        raised.append(_raise_one(session, risk, kind, on))
    return raised


def list_recommendations(*, session: Session, status: RecommendationStatus | None = RecommendationStatus.pending
                         ) -> list[QueuedRecommendation]:  # fmt: skip
    """The queue (pending ones by default), most severe and highest scored first."""
    query = select(RiskRecommendation, Agency.name).join(Agency, Agency.id == RiskRecommendation.agency_id)
    if status is not None:
        query = query.where(RiskRecommendation.status == status.value)
    # suspension_recommendation sorts before watchlist: the graver first
    query = query.order_by(RiskRecommendation.kind, RiskRecommendation.score.desc(), RiskRecommendation.id)
    return [QueuedRecommendation(row, name) for row, name in session.execute(query).all()]


def _pending(session: Session, recommendation_id: int, actor: Actor) -> RiskRecommendation:
    if actor.organisation_kind is not OrganisationKind.ministry or actor.role not in (Role.inspector, Role.admin):
        raise Forbidden("only a ministry inspector or admin decides on risk recommendations")
    recommendation = session.get(RiskRecommendation, recommendation_id)
    if recommendation is None:
        raise NotFound(f"risk recommendation {recommendation_id} does not exist", field="recommendation_id")
    if recommendation.status != RecommendationStatus.pending.value:
        raise Conflict(f"risk recommendation {recommendation_id} was already {recommendation.status}")
    return recommendation


def _close(recommendation: RiskRecommendation, status: RecommendationStatus, actor: Actor, reason: str) -> None:
    recommendation.status = status.value
    recommendation.pending_key = None
    recommendation.decided_at = utc_now()
    recommendation.decided_by_user_id = actor.user_id
    recommendation.decision_reason = reason[:1000]


def accept_recommendation(
    recommendation_id: int, *, actor: Actor, reason: str, on: date, session: Session, legal_basis: str | None = None
) -> RiskRecommendation:
    """Accept: record the decision (watchlist, suspension recommendation); for a suspension review, also suspend the
    licence from ``on`` through the register, with the inspector's reason."""
    recommendation = _pending(session, recommendation_id, actor)
    reason = reason.strip()
    if len(reason) < 3:
        raise Conflict("give the reason for accepting (3 characters at least)", field="reason")
    decision = Decision(
        agency_id=recommendation.agency_id, kind=recommendation.kind, points=max(0, int(round(recommendation.score))),
        reason=f"{reason} (risk recommendation {recommendation.id}, index {recommendation.score:g})"[:2000],
        decided_by_user_id=actor.user_id,
    )  # fmt: skip
    session.add(decision)
    session.flush()
    recommendation.decision_id = decision.id
    if recommendation.kind == DecisionKind.suspension_recommendation.value:
        event = decide_licence(actor, recommendation.agency_id, {
            "decision": LicenceDecision.suspended.value, "decided_on": on, "reason": reason[:1000],
            "legal_basis": legal_basis}, session=session)  # fmt: skip
        recommendation.licence_event_id = event.id
    _close(recommendation, RecommendationStatus.accepted, actor, reason)
    session.add(recommendation)
    session.flush()
    return recommendation


def reject_recommendation(recommendation_id: int, *, actor: Actor, reason: str, session: Session) -> RiskRecommendation:
    """Reject with a reason: nothing is decided, and the same recommendation is not raised again for a while."""
    recommendation = _pending(session, recommendation_id, actor)
    reason = reason.strip()
    if len(reason) < 3:
        raise Conflict("give the reason for rejecting (3 characters at least)", field="reason")
    _close(recommendation, RecommendationStatus.rejected, actor, reason)
    session.add(recommendation)
    session.flush()
    return recommendation
