"""``bench verify``: the public licence verification of the biggest agency, computed anew on every request (the
baseline: what every request cost before the grade was remembered) and remembered (what it costs now), p50/p95."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable

from sqlalchemy import func, select

from recruitment_watch import create_app, migrate
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.demo.load import load_demo
from recruitment_watch.models import Agency, Contract
from recruitment_watch.services.registry.public_grade import MEMORY
from recruitment_watch.services.sweeps.run import start_sweep


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _timed(call: Callable[[], None], times: int) -> list[float]:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return seconds


def run_verify_benchmark(url: str, *, contracts: int, requests: int, seed: int, echo) -> dict[str, float]:
    """Build the demo at ``url``, sweep it, then time GET /api/v1/agencies/verify for its biggest agency."""
    with tempfile.TemporaryDirectory(prefix="rw-bench-verify-") as instance:
        previous = os.environ.get("RW_INSTANCE_PATH")
        os.environ["RW_INSTANCE_PATH"] = instance  # create_app makes its instance folder here, not in the cwd
        try:
            app = create_app(
                {"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40, "RATELIMIT_ENABLED": False, "TESTING": True}
            )
        finally:
            if previous is None:
                os.environ.pop("RW_INSTANCE_PATH")
            else:
                os.environ["RW_INSTANCE_PATH"] = previous
        engine = get_engine(app)
        migrate.upgrade(engine)
        load_demo(engine, contracts=contracts, seed=seed, password="bench")
        run = start_sweep(engine, app.config, full=True, trigger="cli")
        with unit_of_work(engine) as session:
            licence_no, size = session.execute(
                select(Agency.licence_no, func.count(Contract.id))
                .join(Contract, Contract.agency_id == Agency.id)
                .group_by(Agency.id, Agency.licence_no)
                .order_by(func.count(Contract.id).desc())
                .limit(1)
            ).one()
        echo(f"demo: {contracts} contracts, {run.counts['new']} findings; biggest agency {licence_no}: "
             f"{size} contracts")  # fmt: skip
        client = app.test_client()

        def verify() -> None:
            answer = client.get("/api/v1/agencies/verify", query_string={"licence_no": licence_no})
            assert answer.status_code == 200, answer.get_data(as_text=True)

        def verify_anew() -> None:
            MEMORY.clear()
            verify()

        baseline = _timed(verify_anew, max(5, requests // 20))
        verify()  # remember it
        remembered = _timed(verify, requests)
    figures = {
        "baseline_p50_ms": statistics.median(baseline) * 1000,
        "baseline_p95_ms": _percentile(baseline, 0.95) * 1000,
        "p50_ms": statistics.median(remembered) * 1000,
        "p95_ms": _percentile(remembered, 0.95) * 1000,
    }
    echo(f"computed anew every request (baseline, {len(baseline)} requests): p50 {figures['baseline_p50_ms']:.1f} ms, "
         f"p95 {figures['baseline_p95_ms']:.1f} ms")  # fmt: skip
    echo(f"remembered grade ({len(remembered)} requests): p50 {figures['p50_ms']:.2f} ms, "
         f"p95 {figures['p95_ms']:.2f} ms")  # fmt: skip
    ratio = figures["baseline_p95_ms"] / figures["p95_ms"]
    echo(f"ratio baseline / remembered at p95: {ratio:.1f}x (target: p95 <= 20 ms)")
    return figures
