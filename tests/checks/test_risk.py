"""Risk score: explained demerit points with configurable weights."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from recruitment_watch.checks.risk import LicenceEvent, OpenFinding, RiskWeights, score_agency


def test_clean_agency_scores_zero() -> None:
    """No findings, complaints or events → 0 points, no action."""
    score = score_agency([], substantiated_complaints=0, deployments=300)
    assert score.points == 0 and score.band == "ok" and score.lines == ()


def test_each_contribution_is_explained() -> None:
    """Findings by severity, complaint rate and licence events each get a line that adds up."""
    findings = [OpenFinding("FEE-001", "high"), OpenFinding("SUB-001", "high"), OpenFinding("CON-004", "medium")]
    score = score_agency(
        findings,
        substantiated_complaints=3,
        deployments=200,
        licence_events=[LicenceEvent("suspended", date(2024, 1, 5), "fees"), LicenceEvent("renewed", date(2024, 3, 1))],
    )
    texts = [line.explanation for line in score.lines]
    assert texts[0] == "2 open high finding(s) × 4 = 8 points (FEE-001, SUB-001)"
    assert texts[1] == "1 open medium finding(s) × 2 = 2 points (CON-004)"
    assert texts[2].startswith("3 substantiated complaint(s) over 200 deployments = 1.50 per 100")
    assert texts[3] == "licence suspended on 2024-01-05 (fees) = 6 points"
    assert score.points == pytest.approx(8 + 2 + 3 + 6)
    assert score.points == pytest.approx(sum(line.points for line in score.lines))
    assert score.band == "watchlist" and "watchlist" in score.recommendation


def test_suspension_review_threshold_and_small_agencies() -> None:
    """24 points reaches suspension review; small agencies are rated on at least 100 deployments."""
    score = score_agency([OpenFinding("SUB-005", "critical")] * 3)
    assert score.points == 24 and score.band == "suspension_review"
    small = score_agency([], substantiated_complaints=1, deployments=5)
    assert small.points == 2


def test_weights_are_configurable_and_validated() -> None:
    """Weights and thresholds come from configuration; thresholds must be ordered."""
    weights = RiskWeights(severity_points={"low": 0, "medium": 0, "high": 10, "critical": 20}, watchlist_at=10)
    assert score_agency([OpenFinding("FEE-001", "high")], weights=weights).band == "watchlist"
    with pytest.raises(ValidationError):
        RiskWeights(watchlist_at=30, suspension_review_at=20)
