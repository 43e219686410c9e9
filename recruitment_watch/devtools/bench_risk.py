"""``recruitment-watch bench risk``: how well the risk ranking finds the demo's planted bad actors, and how fast.

The demo generator plants agency profiles (``demo.catalogue.PLANTED``: passport retention, substitution, high fees,
clean); the score never reads them. Here they are the answer key: precision@k is the share of the k highest-ranked
agencies that were planted as bad actors, with k the number planted (target ≥ 0.9), and no agency with fewer than
``SMALL`` contracts may sit in the top decile (a handful of contracts is not evidence).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.demo import catalogue
from recruitment_watch.models import Agency
from recruitment_watch.services.oversight.risk import AgencyRisk, rank_agencies

SMALL = 10


@dataclass(frozen=True)
class RankingQuality:
    """Precision@k against the planted bad actors and the small agencies found in the top decile."""

    planted: tuple[int, ...]
    top: tuple[int, ...]
    precision: float
    decile: tuple[int, ...]
    small_in_decile: tuple[int, ...]


def planted_bad_actors(session: Session) -> dict[int, str]:
    """Agency id → planted bad profile, for the demo agencies (their licence number carries the seeding index)."""
    found = {}
    for agency_id, licence_no in session.execute(select(Agency.id, Agency.licence_no)).all():
        prefix, _, number = licence_no.rpartition("-")
        if not prefix.endswith("-LIC") or not number.isdigit():
            continue
        profile = catalogue.profile_of(int(number) - 1000)
        if profile in catalogue.BAD_PROFILES:
            found[agency_id] = profile
    return found


def ranking_quality(ranked: list[AgencyRisk], planted: set[int] | dict[int, str]) -> RankingQuality:
    """Precision@k (k = number planted) and the agencies under ``SMALL`` contracts in the top decile."""
    k = len(planted)
    top = tuple(risk.agency_id for risk in ranked[:k])
    decile = ranked[: max(1, math.ceil(len(ranked) / 10))]
    small = tuple(risk.agency_id for risk in decile if risk.score.contracts < SMALL)
    precision = sum(agency_id in planted for agency_id in top) / k if k else 0.0
    return RankingQuality(tuple(sorted(planted)), top, precision, tuple(r.agency_id for r in decile), small)


def run_risk_benchmark(engine, *, on: date, repeats: int, echo: Callable[[str], None]) -> RankingQuality:
    """Rank ``repeats`` times (median time), then measure the ranking against the planted profiles."""
    timings = []
    with Session(engine) as session:
        for _ in range(repeats):
            started = time.perf_counter()
            ranked = rank_agencies(session=session, on=on)
            timings.append(time.perf_counter() - started)
            session.rollback()
        planted = planted_bad_actors(session)
        names = {agency_id: name for agency_id, name in session.execute(select(Agency.id, Agency.name)).all()}
    quality = ranking_quality(ranked, planted)
    echo(f"agencies ranked: {len(ranked)}; rank time median {statistics.median(timings):.3f} s, "
         f"min {min(timings):.3f} s, max {max(timings):.3f} s over {repeats} runs")  # fmt: skip
    echo(f"planted bad actors: {len(planted)}; precision@{len(planted)} = {quality.precision:.2f}")
    for position, risk in enumerate(ranked[: max(len(planted), len(quality.decile))], start=1):
        mark = planted.get(risk.agency_id, "")
        score = risk.score
        echo(f"  {position:>3}. {score.points:>8g} ({score.low:g}–{score.high:g}) {score.contracts:>8} contracts  "
             f"{score.band:<17} {names[risk.agency_id]}  {mark}")  # fmt: skip
    missed = [names[agency_id] for agency_id in planted if agency_id not in quality.top]
    if missed:
        echo(f"planted but not in the top {len(planted)}: {', '.join(missed)}")
    echo(f"agencies under {SMALL} contracts in the top decile: {len(quality.small_in_decile)}")
    return quality
