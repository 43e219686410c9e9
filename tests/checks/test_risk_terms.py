"""Risk score terms, exactly: every line's kind, points and wording, each rounding, each default weight, and
the point on and either side of each threshold (band cut-offs, the deployment floor, zero complaints)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from recruitment_watch.checks.risk import (
    RECOMMENDATIONS,
    LicenceEvent,
    OpenFinding,
    RiskLine,
    RiskWeights,
    band_for,
    score_agency,
)


def test_one_line_per_severity_in_fixed_order_with_default_weights() -> None:
    """Critical, high, medium, low, each weighted 8, 4, 2, 1 by default and tagged as a findings line."""
    findings = [
        OpenFinding("LOW-001", "low"),
        OpenFinding("MED-001", "medium"),
        OpenFinding("HIGH-001", "high"),
        OpenFinding("CRIT-001", "critical"),
    ]
    score = score_agency(findings)
    assert score.lines == (
        RiskLine("findings", 8, "1 open critical finding(s) × 8 = 8 points (CRIT-001)"),
        RiskLine("findings", 4, "1 open high finding(s) × 4 = 4 points (HIGH-001)"),
        RiskLine("findings", 2, "1 open medium finding(s) × 2 = 2 points (MED-001)"),
        RiskLine("findings", 1, "1 open low finding(s) × 1 = 1 points (LOW-001)"),
    )
    assert score.points == 15 and score.band == "watchlist"


def test_low_findings_alone_are_counted() -> None:
    """Low-severity findings count even when nothing else is open."""
    score = score_agency([OpenFinding("LOW-002", "low"), OpenFinding("LOW-001", "low")])
    assert score.lines == (RiskLine("findings", 2, "2 open low finding(s) × 1 = 2 points (LOW-001, LOW-002)"),)
    assert score.points == 2


def test_finding_ids_are_sorted_and_named_once_but_each_finding_counts() -> None:
    """Two open findings of one criterion cost twice, but the criterion is named once."""
    score = score_agency(
        [OpenFinding("SUB-002", "high"), OpenFinding("FEE-001", "high"), OpenFinding("SUB-002", "high")]
    )
    assert score.lines == (RiskLine("findings", 12, "3 open high finding(s) × 4 = 12 points (FEE-001, SUB-002)"),)


@pytest.mark.parametrize(
    ("substantiated", "deployments", "points", "explanation"),
    [
        (1, 99, 2, "1 substantiated complaint(s) over 99 deployments = 1.00 per 100 (rated on 100) × 2 = 2 points"),
        (1, 100, 2, "1 substantiated complaint(s) over 100 deployments = 1.00 per 100 (rated on 100) × 2 = 2 points"),
        (
            1,
            101,
            1.98,
            "1 substantiated complaint(s) over 101 deployments = 0.99 per 100 (rated on 101) × 2 = 1.98 points",
        ),
        (
            1,
            300,
            0.67,
            "1 substantiated complaint(s) over 300 deployments = 0.33 per 100 (rated on 300) × 2 = 0.67 points",
        ),
        (3, 200, 3, "3 substantiated complaint(s) over 200 deployments = 1.50 per 100 (rated on 200) × 2 = 3 points"),
    ],
)
def test_complaint_rate_is_rated_on_at_least_100_deployments_and_rounded_to_cents(
    substantiated: int, deployments: int, points: float, explanation: str
) -> None:
    """The denominator is max(deployments, 100); points are rounded to two decimals."""
    score = score_agency([], substantiated_complaints=substantiated, deployments=deployments)
    assert score.lines == (RiskLine("complaints", points, explanation),)
    assert score.points == points


@pytest.mark.parametrize("substantiated", [0, -1])
def test_no_complaint_line_without_substantiated_complaints(substantiated: int) -> None:
    """Zero (or a nonsensical negative count of) substantiated complaints adds no line."""
    score = score_agency([], substantiated_complaints=substantiated, deployments=50)
    assert score.lines == () and score.points == 0


def test_deployments_default_to_zero() -> None:
    """An agency with no deployment figure is shown as 0 deployments and rated on the floor of 100."""
    score = score_agency([], substantiated_complaints=1)
    assert score.lines == (
        RiskLine(
            "complaints",
            2,
            "1 substantiated complaint(s) over 0 deployments = 1.00 per 100 (rated on 100) × 2 = 2 points",
        ),
    )


def test_complaint_weights_are_configurable() -> None:
    """The points per complaint rate and the deployment floor come from the weights."""
    weights = RiskWeights(points_per_complaint_rate=1.5, min_deployments=1)
    score = score_agency([], substantiated_complaints=1, deployments=5, weights=weights)
    assert score.lines == (
        RiskLine(
            "complaints",
            30,
            "1 substantiated complaint(s) over 5 deployments = 20.00 per 100 (rated on 5) × 1.5 = 30 points",
        ),
    )


@pytest.mark.parametrize(
    ("status", "points"),
    [("warning", 2), ("suspended", 6), ("cancelled", 12), ("banned", 24), ("delisted", 12), ("expired", 1)],
)
def test_default_licence_event_points(status: str, points: int) -> None:
    """Each weighted licence status adds its default points on a licence line."""
    score = score_agency([], licence_events=[LicenceEvent(status, date(2024, 2, 3), "inspection")])
    assert score.lines == (
        RiskLine("licence", points, f"licence {status} on 2024-02-03 (inspection) = {points} points"),
    )


@pytest.mark.parametrize(
    ("decided_on", "reason", "explanation"),
    [
        (None, None, "licence suspended = 6 points"),
        (date(2024, 1, 5), None, "licence suspended on 2024-01-05 = 6 points"),
        (None, "fees", "licence suspended (fees) = 6 points"),
        (None, "", "licence suspended = 6 points"),
        (date(2024, 1, 5), "fees", "licence suspended on 2024-01-05 (fees) = 6 points"),
    ],
)
def test_licence_line_names_date_and_reason_only_when_known(decided_on, reason, explanation: str) -> None:
    """A missing decision date or reason leaves no trace in the explanation."""
    score = score_agency([], licence_events=[LicenceEvent("suspended", decided_on, reason)])
    assert [line.explanation for line in score.lines] == [explanation]


def test_unweighted_licence_events_are_skipped_not_stopping_later_ones() -> None:
    """Active, renewed and zero-weighted statuses add nothing, and events after them still count, in order."""
    weights = RiskWeights(licence_event_points={"warning": 0, "suspended": 6, "expired": 1})
    events = [
        LicenceEvent("renewed", date(2024, 1, 1)),
        LicenceEvent("warning", date(2024, 2, 1)),
        LicenceEvent("suspended", date(2024, 3, 1)),
        LicenceEvent("active"),
        LicenceEvent("expired", date(2024, 4, 1)),
    ]
    score = score_agency([], licence_events=events, weights=weights)
    assert score.lines == (
        RiskLine("licence", 6, "licence suspended on 2024-03-01 = 6 points"),
        RiskLine("licence", 1, "licence expired on 2024-04-01 = 1 points"),
    )
    assert score.points == 7


def test_lines_come_findings_then_complaints_then_licence() -> None:
    """Each contribution carries its kind; the total is their sum."""
    score = score_agency(
        [OpenFinding("FEE-001", "medium")],
        substantiated_complaints=1,
        deployments=100,
        licence_events=[LicenceEvent("warning")],
    )
    assert [(line.kind, line.points) for line in score.lines] == [("findings", 2), ("complaints", 2), ("licence", 2)]
    assert score.points == 6 and score.band == "ok"


def test_total_is_rounded_to_two_decimals() -> None:
    """Fractional weights give a total rounded to cents (0.333 → 0.33), never to whole points."""
    weights = RiskWeights(severity_points={"low": 0.333, "medium": 2, "high": 4, "critical": 8})
    score = score_agency([OpenFinding("LOW-001", "low")], weights=weights)
    assert score.lines == (RiskLine("findings", 0.333, "1 open low finding(s) × 0.333 = 0.333 points (LOW-001)"),)
    assert score.points == 0.33


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (0, "ok"),
        (11.99, "ok"),
        (12, "watchlist"),
        (12.01, "watchlist"),
        (23.99, "watchlist"),
        (24, "suspension_review"),
        (24.01, "suspension_review"),
    ],
)
def test_default_band_thresholds(points: float, band: str) -> None:
    """12 points and more is the watchlist; 24 and more is a suspension review."""
    assert band_for(points, RiskWeights()) == band


@pytest.mark.parametrize(
    ("event_points", "band"),
    [(11, "ok"), (12, "watchlist"), (23, "watchlist"), (24, "suspension_review")],
)
def test_score_band_and_recommendation_follow_the_total(event_points: int, band: str) -> None:
    """The score's band and recommendation text are those of its total."""
    weights = RiskWeights(licence_event_points={"custom": event_points})
    score = score_agency([], licence_events=[LicenceEvent("custom")], weights=weights)
    assert (score.points, score.band, score.recommendation) == (event_points, band, RECOMMENDATIONS[band])


def test_recommendation_texts() -> None:
    """The three recommendations, word for word."""
    assert RECOMMENDATIONS == {
        "ok": "No action beyond routine monitoring.",
        "watchlist": "Recommend placing the agency on the watchlist for closer inspection.",
        "suspension_review": "Recommend a licence suspension review by the competent authority.",
    }


def test_equal_thresholds_go_straight_to_suspension_review() -> None:
    """Thresholds may be equal; reaching them is then a suspension review."""
    weights = RiskWeights(watchlist_at=10, suspension_review_at=10)
    assert band_for(9.99, weights) == "ok"
    assert band_for(10, weights) == "suspension_review"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"watchlist_at": 20, "suspension_review_at": 19.99},
            "Value error, suspension_review_at must be >= watchlist_at",
        ),
        ({"points_per_complaint_rate": -0.01}, "Input should be greater than or equal to 0"),
        ({"min_deployments": 0}, "Input should be greater than or equal to 1"),
        ({"licence_event_points": {"suspended": -1}}, "Input should be greater than or equal to 0"),
        ({"severity_points": {"urgent": 3}}, "Input should be 'low', 'medium', 'high' or 'critical'"),
        ({"deployment_floor": 10}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_weights_are_rejected(overrides: dict, message: str) -> None:
    """Negative weights, a floor below one, unknown keys and unordered thresholds fail validation."""
    with pytest.raises(ValidationError) as raised:
        RiskWeights(**overrides)
    assert [e["msg"] for e in raised.value.errors()] == [message]


def test_smallest_valid_weights_are_accepted() -> None:
    """Zero weights and a deployment floor of one are valid."""
    weights = RiskWeights(points_per_complaint_rate=0, min_deployments=1, watchlist_at=0, suspension_review_at=0)
    score = score_agency([], substantiated_complaints=1, deployments=1, weights=weights)
    assert score.lines == (
        RiskLine(
            "complaints",
            0,
            "1 substantiated complaint(s) over 1 deployments = 100.00 per 100 (rated on 1) × 0 = 0 points",
        ),
    )
    assert score.band == "suspension_review"
