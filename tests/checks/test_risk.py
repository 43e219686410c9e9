"""The agency risk index measures conduct, not size: rates per 100 contracts against the corridor's typical agency,
shrunk for small agencies, advisories never counted, every term explained."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from recruitment_watch.checks.risk import (
    AgencyConduct,
    CriterionCount,
    LicenceEvent,
    RiskWeights,
    band_for,
    corridor_baselines,
    score_agencies,
)


def typical(agency_id: int, contracts: int, corridor: str = "NP") -> AgencyConduct:
    """An agency with the corridor's usual fee problem: one high FEE finding on every fifth contract."""
    return AgencyConduct(agency_id, corridor, contracts, (CriterionCount("FEE-001", "high", contracts // 5),))


def corridor(*extra: AgencyConduct) -> list[AgencyConduct]:
    return [typical(1, 100), typical(2, 200), typical(3, 400), typical(4, 60), *extra]


def test_the_typical_agency_is_100_whatever_its_size() -> None:
    scores = score_agencies(corridor())
    assert {agency_id: scores[agency_id].points for agency_id in (1, 2, 3, 4)} == {1: 100, 2: 100, 3: 100, 4: 100}
    assert all(score.band == "ok" for score in scores.values())


def test_a_clean_agency_scores_below_the_typical_one_and_more_so_when_large() -> None:
    scores = score_agencies(corridor(AgencyConduct(5, "NP", 10), AgencyConduct(6, "NP", 1000)))
    assert scores[6].points < scores[5].points < 100
    assert scores[6].band == scores[5].band == "ok"


def test_a_bad_rate_counts_the_same_in_a_small_and_a_large_agency_but_the_small_one_is_shrunk() -> None:
    small = AgencyConduct(5, "NP", 12, (CriterionCount("FEE-001", "high", 12),))
    large = AgencyConduct(6, "NP", 1200, (CriterionCount("FEE-001", "high", 1200),))
    scores = score_agencies(corridor(small, large))
    assert scores[6].points > scores[5].points > 100
    assert scores[6].high - scores[6].low < scores[5].high - scores[5].low  # the larger sample is surer
    raw = [line for line in scores[5].lines if line.kind == "findings"]
    assert raw[0].explanation.startswith("12 high FEE finding(s) on 12 contracts = 100.00 per 100 × 4 (severity)")


def test_one_bad_contract_out_of_three_does_not_top_a_sustained_bad_practice() -> None:
    tiny = AgencyConduct(5, "NP", 3, (CriterionCount("FL-009", "critical", 1),))
    practice = AgencyConduct(6, "NP", 300, (CriterionCount("FL-009", "critical", 90),
                                            CriterionCount("FEE-001", "high", 60)))  # fmt: skip
    scores = score_agencies(corridor(tiny, practice))
    assert scores[6].points > scores[5].points
    assert scores[5].band == "ok"  # its interval reaches down to the typical agency
    assert scores[6].band == "suspension_review"


def test_advisory_findings_never_count() -> None:
    plain = AgencyConduct(5, "NP", 50, (CriterionCount("FEE-001", "high", 10),))
    advised = AgencyConduct(5, "NP", 50, (CriterionCount("FEE-001", "high", 10),
                                          CriterionCount("WAGE-PH-002", "advisory", 50)))  # fmt: skip
    assert score_agencies(corridor(plain))[5] == score_agencies(corridor(advised))[5]
    assert all("advisory" not in line.explanation for line in score_agencies(corridor(advised))[5].lines)


def test_a_repeated_criterion_weighs_more_than_the_same_findings_spread() -> None:
    repeated = AgencyConduct(5, "NP", 100, (CriterionCount("SUB-001", "high", 30),))
    scores = score_agencies(corridor(repeated))
    repeat = [line for line in scores[5].lines if line.kind == "repeat"]
    assert len(repeat) == 1 and repeat[0].explanation.startswith("repeat offence: SUB-001 on 30 subjects = 30.00 per")
    unrepeated = score_agencies(corridor(repeated), RiskWeights(repeat_factor=1))
    assert scores[5].points > unrepeated[5].points


def test_principles_weigh_differently_and_complaint_handling_findings_not_at_all() -> None:
    forced = AgencyConduct(5, "NP", 100, (CriterionCount("FL-009", "high", 10),))
    form = AgencyConduct(6, "NP", 100, (CriterionCount("CON-003", "high", 10),))
    sla = AgencyConduct(7, "NP", 100, (CriterionCount("CMP-001", "high", 10),))
    scores = score_agencies(corridor(forced, form, sla))
    assert scores[5].points > scores[6].points > scores[7].points


def test_every_term_is_a_line_and_the_lines_add_up_to_the_index() -> None:
    agency = AgencyConduct(5, "NP", 80, (CriterionCount("FEE-001", "high", 40), CriterionCount("DOC-001", "high", 8)),
                           substantiated_complaints=2,
                           licence_events=(LicenceEvent("suspended", date(2026, 3, 1), "fees"),
                                           LicenceEvent("renewed", date(2026, 6, 1))))  # fmt: skip
    score = score_agencies(corridor(agency))[5]
    kinds = [line.kind for line in score.lines]
    assert kinds == ["findings", "findings", "repeat", "repeat", "complaints", "shrinkage", "licence"]
    assert score.points == pytest.approx(sum(line.points for line in score.lines), abs=0.05)
    assert score.lines[-1].explanation == "licence suspended on 2026-03-01 (fees) = 25 points"
    assert score.low < score.points < score.high


def test_bands_need_the_interval_above_the_typical_agency() -> None:
    weights = RiskWeights()
    assert band_for(149.9, weights) == "ok" and band_for(150, weights) == "watchlist"
    assert band_for(250, weights) == "suspension_review"
    assert band_for(300, weights, low=100) == "ok" and band_for(300, weights, low=101) == "suspension_review"


def test_the_typical_agency_comes_from_the_corridor_else_the_country_else_the_reference() -> None:
    weights = RiskWeights()
    baselines = corridor_baselines(corridor(typical(9, 100, "PK")), weights)
    assert baselines["NP"].typical_rate == pytest.approx(0.2 * 4 * 0.5)  # a high FEE finding per 5 contracts
    assert baselines["PK"].typical_rate == baselines["NP"].typical_rate  # too few PK agencies: the country's
    alone = corridor_baselines([typical(1, 10)], weights)
    assert alone["NP"].typical_rate == weights.reference_rate


def test_weights_are_configurable_and_validated() -> None:
    assert RiskWeights.model_validate({"window_days": 180}).window_days == 180
    with pytest.raises(ValidationError):
        RiskWeights(watchlist_at=300, suspension_review_at=200)
    with pytest.raises(ValidationError):
        RiskWeights.model_validate({"unknown": 1})
    with pytest.raises(ValidationError):
        RiskWeights(prior_contracts=0)
