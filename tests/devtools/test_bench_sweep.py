"""``recruitment-watch bench sweep`` prints every figure the criteria engine is measured by, on both engines."""

from __future__ import annotations

import re

from sqlalchemy import select

from recruitment_watch.db import make_engine
from recruitment_watch.models import Finding


def test_bench_sweep_prints_the_figures_and_uses_workers(runner, database_url, monkeypatch):
    monkeypatch.setenv("RW_SWEEP_PARALLEL_MIN_CONTRACTS", "1")  # the measured sweeps run in child processes
    monkeypatch.setenv("RW_SWEEP_PARTITION_CONTRACTS", "150")
    result = runner.invoke(
        args=["bench", "sweep", "--contracts", "600", "--sample", "20", "--database-url", database_url]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    first = re.search(r"full sweep, first \(records every finding\): [\d.]+ s, (\d+) findings, peak RSS \d+ MB "
                      r"\+ (\d) workers", out)  # fmt: skip
    assert first and int(first.group(1)) > 600 and int(first.group(2)) >= 1
    steady = r"full sweep, again \(nothing changed\): +[\d.]+ s, peak RSS \d+ MB "
    steady += r"\+ \d workers" if database_url.startswith("sqlite") else r"\(one process\)"  # PostgreSQL judges
    assert re.search(steady, out)
    assert re.search(r"incremental sweep after 1,000 contracts changed: [\d.]+ s, \d+ new, \d+ resolved, "
                     r"peak RSS \d+ MB \(one process\)", out)  # fmt: skip
    repacked = re.search(r"sweep after a new version of pack ([a-z-]+) \((\d+) open findings reworded\): [\d.]+ s, "
                         r"peak RSS \d+ MB", out)  # fmt: skip
    assert repacked and int(repacked.group(2)) > 100
    engine = make_engine(database_url)
    with engine.connect() as connection:  # that sweep reworded every open finding of the pack under its digest
        digests = connection.execute(
            select(Finding.pack_digest).where(Finding.pack_id == repacked.group(1), Finding.open_key.is_not(None))
        ).scalars()
        assert {len(digest) for digest in digests} == {64}
    engine.dispose()
    assert re.search(r"ratio naive / set-based = [\d.]+× \(first sweep: [\d.]+×\)", out)
    assert re.search(r"peak RSS of any sweep \(its processes together\): \d+ MB", out)
