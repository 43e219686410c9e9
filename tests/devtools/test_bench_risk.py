"""The risk ranking finds the demo's planted bad actors (the planted profiles are the answer key; the score never
reads them), and no agency with a handful of contracts reaches the top decile by chance. Both databases."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from recruitment_watch.demo import catalogue
from recruitment_watch.demo.load import load_demo
from recruitment_watch.devtools.bench_risk import SMALL, planted_bad_actors, ranking_quality, run_risk_benchmark
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.oversight.risk import rank_agencies
from recruitment_watch.services.sweeps.run import start_sweep
from tests.support.database import wipe


@pytest.fixture()
def swept_demo(engine):
    """The default demo (2,000 contracts, seed 2026) after its first full sweep."""
    wipe(engine)
    load_demo(engine, contracts=2000, seed=2026, password="pw")
    start_sweep(engine, {}, full=True, trigger="cli")
    yield engine
    wipe(engine)


def test_the_ranking_finds_the_planted_bad_actors_and_no_tiny_agency(swept_demo):
    today = utc_now().date()
    with Session(swept_demo) as session:
        planted = planted_bad_actors(session)
        ranked = rank_agencies(session=session, on=today)
    assert sorted(planted.values()) == sorted(p for p in catalogue.PLANTED.values() if p in catalogue.BAD_PROFILES)
    quality = ranking_quality(ranked, planted)
    assert quality.precision >= 0.9, [(risk.agency_name, risk.score.points) for risk in ranked[:6]]
    assert quality.small_in_decile == ()
    assert min(risk.score.contracts for risk in ranked) < SMALL  # the demo has tiny agencies to test this with
    assert max(risk.score.contracts for risk in ranked) > 150
    bands = [risk.score.band for risk in ranked]
    assert bands.count("ok") >= 0.75 * len(bands)  # the bands single out a few, not everyone
    clean = {index for index, profile in catalogue.PLANTED.items() if profile == "clean"}
    names = tuple(f" {index + 1}" for index in clean)
    clean_scores = [risk.score.points for risk in ranked if risk.agency_name.endswith(names)]
    assert clean_scores and max(clean_scores) < 100  # the clean agencies score below the typical one


def test_the_benchmark_prints_its_figures(swept_demo):
    lines: list[str] = []
    quality = run_risk_benchmark(swept_demo, on=utc_now().date(), repeats=2, echo=lines.append)
    assert lines[0].startswith("agencies ranked: 40; rank time median ")
    assert lines[1] == f"planted bad actors: 4; precision@4 = {quality.precision:.2f}"
    assert lines[-1] == "agencies under 10 contracts in the top decile: 0"
