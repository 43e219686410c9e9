"""Agency risk scores: the ministry ranks agencies for inspection, an agency reads its own score; both read the
same service as the console and the inspector pages (services.oversight.risk), and reading never records anything."""

from __future__ import annotations

from typing import Literal

from flask import current_app
from pydantic import ConfigDict, Field

from recruitment_watch.api.blueprint import SECURITY, bp
from recruitment_watch.api.guards import current_actor, json_response, requires
from recruitment_watch.api.models import Out
from recruitment_watch.api.problems import ApiProblem
from recruitment_watch.db import get_session
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import ApiScope
from recruitment_watch.schemas.common import MAX_ID, NoNulText
from recruitment_watch.services.errors import FieldError, NotFound
from recruitment_watch.services.oversight.risk import AgencyRisk, assess_agency, rank_agencies, weights_from

Band = Literal["ok", "watchlist", "suspension_review"]


class RiskLineOut(Out):
    kind: str
    points: float
    explanation: str


class AgencyRiskOut(Out):
    """An agency's risk index (100 = the corridor's typical agency), its 90 % interval, band and explanation."""

    agency_id: int
    agency_name: str
    points: float
    low: float
    high: float
    band: Band
    recommendation: str
    contracts: int
    corridor: str
    lines: list[RiskLineOut]


class RiskRanking(Out):
    items: list[AgencyRiskOut]
    total: int


class RankQuery(NoNulText):
    model_config = ConfigDict(extra="forbid")

    band: Band | None = None
    limit: int = Field(default=50, ge=1, le=1000)


def _out(risk: AgencyRisk) -> AgencyRiskOut:
    score = risk.score
    return AgencyRiskOut(
        agency_id=risk.agency_id, agency_name=risk.agency_name, points=score.points, low=score.low, high=score.high,
        band=score.band, recommendation=score.recommendation, contracts=score.contracts, corridor=score.corridor,
        lines=[RiskLineOut(kind=line.kind, points=line.points, explanation=line.explanation) for line in score.lines],
    )  # fmt: skip


@bp.get("/agencies/risk")
@requires(ApiScope.findings_read)
@bp.input(RankQuery, location="query", arg_name="query")
@bp.output(RiskRanking)
@bp.doc(summary="Rank agencies by risk (ministry)", security=SECURITY, operation_id="rankAgencies",
        responses={403: "Only the ministry ranks agencies"})  # fmt: skip
def rank(query: RankQuery):
    """Every agency by risk, highest first (optionally one band); the ministry's keys only."""
    if not current_actor().sees_everything:
        raise ApiProblem(403, "forbidden", "only the ministry ranks agencies")
    ranked = rank_agencies(session=get_session(), on=utc_now().date(),
                           weights=weights_from(current_app.config["RISK_WEIGHTS"]))  # fmt: skip
    chosen = [risk for risk in ranked if query.band is None or risk.score.band == query.band]
    return json_response(RiskRanking(items=[_out(risk) for risk in chosen[: query.limit]], total=len(chosen)))


@bp.get("/agencies/<int:agency_id>/risk")
@requires(ApiScope.findings_read)
@bp.output(AgencyRiskOut)
@bp.doc(summary="An agency's risk score, explained", security=SECURITY, operation_id="getAgencyRisk")
def agency_risk(agency_id: int):
    """The score line by line: the ministry for any agency, an agency for itself (404 for another's)."""
    actor = current_actor()
    if not 0 < agency_id <= MAX_ID or (not actor.sees_everything and actor.agency_id != agency_id):
        raise ApiProblem(404, "not-found", f"agency {agency_id} does not exist",
                         errors=[FieldError("path:agency_id", "no such agency")])  # fmt: skip
    try:
        # An agency reading itself gets the public score: an undisclosed complaint finding's weight would tell it
        # that a worker complained.
        risk = assess_agency(agency_id, session=get_session(), on=utc_now().date(),
                             weights=weights_from(current_app.config["RISK_WEIGHTS"]),
                             public=not actor.sees_everything)  # fmt: skip
    except NotFound as exc:
        raise ApiProblem(404, "not-found", str(exc), errors=[FieldError("path:agency_id", "no such agency")]) from exc
    return json_response(_out(risk))
