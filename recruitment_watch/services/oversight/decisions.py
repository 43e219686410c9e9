"""Decisions an inspector takes on an agency: a warning, demerit points, the watchlist, or a suspension review — each
with its reason and who took it; and revoking one that should not stand.

A suspension review is the recommendation that the licence be suspended, not the suspension: suspending a licence is
a licence decision in the register (``services.registry.agencies.decide_licence``: the API's
``POST /api/v1/agencies/{id}/licence-decisions`` or ``recruitment-watch licences decide``), which records the new
status in the licence's effective-dated history. Accepting a risk recommendation for a suspension review does both
(``services.oversight.recommendations``). Nothing here changes a licence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import Field, model_validator
from sqlalchemy import func, select
from sqlmodel import Session

from recruitment_watch.models import Agency, Decision, User
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import DecisionKind, OrganisationKind, Role
from recruitment_watch.schemas.common import MAX_ID, StrictInput
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import N_, Conflict, Forbidden, NotFound

MAX_POINTS = 100
# Demerit points count for this long after they were given (Singapore MOM's demerit points: 12 months).
POINTS_STAND_FOR = timedelta(days=365)


class DecisionInput(StrictInput):
    """A decision as an inspector states it. Demerit points need a number of points; the other kinds carry none.
    A suspension review needs ``confirmed``: it asks the licensing authority to act on the licence."""

    kind: DecisionKind
    points: int = Field(default=0, ge=0, le=MAX_POINTS)
    reason: str = Field(min_length=3, max_length=2000)
    confirmed: bool = False

    @model_validator(mode="after")
    def _points_fit_kind(self) -> DecisionInput:
        if self.kind is DecisionKind.demerit_points and self.points < 1:
            raise ValueError(N_("give the number of demerit points (1 at least)"))
        if self.kind is not DecisionKind.demerit_points and self.points:
            raise ValueError(N_("only demerit points carry points"))
        return self


@dataclass(frozen=True)
class DecisionRow:
    """A decision as lists show it."""

    id: int
    kind: str
    points: int
    reason: str
    decided_at: datetime
    decided_by: str | None
    revoked_at: datetime | None
    finding_id: int | None

    @property
    def standing(self) -> bool:
        return self.revoked_at is None


def _inspector_only(actor: Actor) -> None:
    """Only ministry inspectors and admins (people, not keys: a decision names who took it) decide on agencies."""
    ministry_person = actor.organisation_kind is OrganisationKind.ministry and actor.user_id is not None
    if not ministry_person or actor.role not in (Role.inspector, Role.admin):
        raise Forbidden(N_("only a ministry inspector or admin records decisions on agencies"))


def _agency(session: Session, agency_id: int) -> Agency:
    agency = session.get(Agency, agency_id) if 0 < agency_id <= MAX_ID else None
    if agency is None:
        raise NotFound(N_("agency %(id)s does not exist"), field="agency_id", params={"id": agency_id})
    return agency


def record_decision(actor: Actor, agency_id: int, data: DecisionInput, *, session: Session) -> Decision:
    """Record ``data`` on agency ``agency_id`` as taken by ``actor`` now. A suspension review is refused unless it is
    confirmed (``Conflict`` on ``confirmed``)."""
    _inspector_only(actor)
    _agency(session, agency_id)
    if data.kind is DecisionKind.suspension_recommendation and not data.confirmed:
        raise Conflict(N_("confirm that you ask for the licence to be reviewed for suspension"), field="confirmed")
    decision = Decision(agency_id=agency_id, kind=data.kind.value, points=data.points, reason=data.reason,
                        decided_by_user_id=actor.user_id)  # fmt: skip
    session.add(decision)
    session.flush()
    return decision


def revoke_decision(actor: Actor, agency_id: int, decision_id: int, *, session: Session) -> Decision:
    """Revoke a standing decision of agency ``agency_id`` (it stays listed, marked revoked; its points stop
    counting). ``NotFound`` for a decision of another agency, ``Conflict`` for one already revoked."""
    _inspector_only(actor)
    _agency(session, agency_id)
    decision = session.get(Decision, decision_id) if 0 < decision_id <= MAX_ID else None
    if decision is None or decision.agency_id != agency_id:
        raise NotFound(N_("decision %(id)s does not exist"), field="decision_id", params={"id": decision_id})
    if decision.revoked_at is not None:
        raise Conflict(N_("decision %(id)s was already revoked"), field="decision_id", params={"id": decision_id})
    decision.revoked_at = utc_now()
    session.add(decision)
    session.flush()
    return decision


def decisions_of(agency_id: int, *, session: Session, limit: int = 100) -> list[DecisionRow]:
    """The agency's decisions, newest first, with who took each."""
    rows = session.execute(
        select(Decision, User.full_name)
        .outerjoin(User, User.id == Decision.decided_by_user_id)
        .where(Decision.agency_id == agency_id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(limit)
    ).all()
    return [
        DecisionRow(d.id, d.kind, d.points, d.reason, d.decided_at, name, d.revoked_at, d.finding_id)
        for d, name in rows
    ]


def standing_points(agency_id: int, *, session: Session, now: datetime) -> int:
    """Demerit points given to the agency in the last 12 months and not revoked."""
    total = session.scalar(
        select(func.sum(Decision.points)).where(
            Decision.agency_id == agency_id,
            Decision.kind == DecisionKind.demerit_points.value,
            Decision.revoked_at.is_(None),
            Decision.decided_at > now - POINTS_STAND_FOR,
        )
    )
    return int(total or 0)
