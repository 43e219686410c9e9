"""Risk scores through API v1: the ministry ranks every agency, an agency reads only its own score, and reading
records nothing (no decision, no recommendation)."""

from __future__ import annotations

from sqlalchemy import func, select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Decision
from recruitment_watch.models.risk_recommendations import RiskRecommendation


def _written(app) -> tuple[int, int]:
    with unit_of_work(get_engine(app)) as session:
        return (session.scalar(select(func.count()).select_from(Decision)),
                session.scalar(select(func.count()).select_from(RiskRecommendation)))  # fmt: skip


def test_the_ministry_ranks_agencies_and_an_agency_reads_only_its_own_score(app, client, world, records):
    before = _written(app)
    ranking = client.get("/api/v1/agencies/risk", headers=world.ministry.headers)
    assert ranking.status_code == 200
    body = ranking.get_json()
    assert body["total"] == 2 and {item["agency_name"] for item in body["items"]} == {"Everest Manpower",
                                                                                   "Himal Manpower"}  # fmt: skip
    points = [item["points"] for item in body["items"]]
    assert points == sorted(points, reverse=True)
    first = body["items"][0]
    assert first["low"] <= first["points"] <= first["high"] and first["lines"] and first["recommendation"]
    assert all(line["explanation"] for line in first["lines"])
    own = client.get(f"/api/v1/agencies/{world.agency_a.agency_id}/risk", headers=world.agency_a.headers)
    assert own.status_code == 200
    ranked_a = next(item for item in body["items"] if item["agency_id"] == world.agency_a.agency_id)
    assert own.get_json() == ranked_a  # the same service answers both
    peer = client.get(f"/api/v1/agencies/{world.agency_a.agency_id}/risk", headers=world.agency_b.headers)
    assert peer.status_code == 404 and peer.get_json()["type"] == "/api/v1/problems/not-found"
    refused = client.get("/api/v1/agencies/risk", headers=world.agency_a.headers)
    assert refused.status_code == 403 and "only the ministry" in refused.get_json()["detail"]
    missing = client.get("/api/v1/agencies/999999/risk", headers=world.ministry.headers)
    assert missing.status_code == 404
    only_ok = client.get("/api/v1/agencies/risk?band=suspension_review", headers=world.ministry.headers).get_json()
    assert all(item["band"] == "suspension_review" for item in only_ok["items"])
    assert _written(app) == before  # reading a score never records a decision or a recommendation



def test_an_agency_reading_its_own_score_is_not_told_of_an_undisclosed_complaint_finding(app, client, world, records):
    """The ministry's figure counts a complaint finding no inspector has disclosed; the agency's own read does not
    (its weight alone would tell the agency that a worker complained)."""
    from recruitment_watch.models import Finding
    from recruitment_watch.services.oversight.finding_tally import recount

    with unit_of_work(get_engine(app)) as session:
        session.add(Finding(criterion_id="CMP-010", pack_id="complaint-sla", pack_version="1.1.0", pack_digest="x" * 64,
                            subject_type="complaint", subject_id=records["complaint_id"],
                            agency_id=world.agency_a.agency_id, severity="critical", message="Substantiated complaint",
                            citation="ILO General Principles", open_key="CMP-010:complaint:test"))  # fmt: skip
        session.flush()
        recount(session, [world.agency_a.agency_id])
    url = f"/api/v1/agencies/{world.agency_a.agency_id}/risk"
    seen_by_ministry = client.get(url, headers=world.ministry.headers).get_json()
    seen_by_agency = client.get(url, headers=world.agency_a.headers).get_json()
    assert any("CMP-010" in line["explanation"] for line in seen_by_ministry["lines"])
    assert not any("CMP-010" in line["explanation"] for line in seen_by_agency["lines"])
