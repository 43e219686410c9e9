"""``recruitment-watch bench sweep``: the compliance sweep's figures on a demo database, with baselines.

Each measured sweep runs in its own child process, so its wall time and peak RSS are its own (not the demo
generator's). The naive baseline (each subject loaded through the ORM and judged in Python) runs on a sample in
the same invocation, and the ratio is per contract.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select, text, update

from recruitment_watch import migrate
from recruitment_watch.db import make_engine, new_session, unit_of_work
from recruitment_watch.demo.load import load_demo
from recruitment_watch.models import CheckRun, Complaint, Contract, ContractVersion, FeePayment, Finding
from recruitment_watch.services.criteria.packs import active_packs
from recruitment_watch.services.sweeps.python_strategy import PythonStrategy


@dataclass
class SweepFigure:
    """One measured sweep."""

    label: str
    seconds: float
    peak_rss_mb: float  # the sweeping process
    counts: dict
    worker_rss_mb: float = 0.0  # the largest worker process it started (0: judged in one process)
    workers: int = 0


def _child_sweep(url: str, full: bool) -> SweepFigure:
    code = (
        "import json, os, resource, sys, time\n"
        "from recruitment_watch.config import from_environment\n"
        "from recruitment_watch.db import make_engine\n"
        "from recruitment_watch.services.sweeps.sql_strategy import SqlStrategy\n"
        "from recruitment_watch.services.sweeps.run import run_sweep\n"
        "strategy = SqlStrategy.from_config(from_environment(os.environ))  # RW_SWEEP_* settings apply\n"
        "started = time.perf_counter()\n"
        "run = run_sweep(make_engine(sys.argv[1]), strategy, full=sys.argv[2] == 'full', trigger='bench')\n"
        "print(json.dumps({'seconds': time.perf_counter() - started, 'counts': run.counts,\n"
        "                  'rss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
        "                  'workers_rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,\n"
        "                  'workers': strategy.workers_started}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, url, "full" if full else "incremental"],
                            capture_output=True, text=True, check=True)  # fmt: skip
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return SweepFigure("", data["seconds"], data["rss_kb"] / 1024, data["counts"], data["workers_rss_kb"] / 1024,
                       data["workers"])  # fmt: skip


def _rss(figure: SweepFigure) -> str:
    if not figure.workers:
        return f"peak RSS {figure.peak_rss_mb:.0f} MB (one process)"
    return (f"peak RSS {figure.peak_rss_mb:.0f} MB + {figure.workers} workers of at most {figure.worker_rss_mb:.0f} MB"
            f" (together at most {_together(figure):.0f} MB)")  # fmt: skip


def _together(figure: SweepFigure) -> float:
    return figure.peak_rss_mb + figure.workers * figure.worker_rss_mb


def _naive_seconds_per_subject(engine: Engine, subject_type: str, sample: int) -> tuple[float, int]:
    """Seconds per subject of the naive path (judging only, nothing recorded) over the first ``sample``."""
    packs = active_packs()
    judged = [(pack, criterion) for pack in packs for criterion in pack.criteria
              if criterion.spec.subject == subject_type]  # fmt: skip
    strategy = PythonStrategy(limit=sample)
    now = datetime.now(UTC)
    with new_session(engine) as session:
        started = time.perf_counter()
        seen = {candidate.subject_id for candidate in strategy.candidates(session, subject_type, judged, now=now,
                                                                          changed_since=None)}  # fmt: skip
        elapsed = time.perf_counter() - started
    return elapsed / sample, len(seen)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            model.__tablename__: connection.scalar(select(func.count()).select_from(model))
            for model in (Contract, ContractVersion, FeePayment, Complaint, Finding)
        }


def _touch_contracts(engine: Engine, how_many: int) -> None:
    """Change ``how_many`` contracts spread over the table (they flip deployed and get a fresh updated_at)."""
    with engine.begin() as connection:
        total = connection.scalar(select(func.max(Contract.id))) or 0
        step = max(1, total // how_many)
        connection.execute(
            text("UPDATE contract SET deployed = NOT deployed, updated_at = :now WHERE id % :step = 0 AND id <= :last"),
            {"now": datetime.now(UTC), "step": step, "last": step * how_many},
        )


def _as_if_the_biggest_pack_changed(engine: Engine) -> tuple[str, int]:
    """Make the pack with the most open findings look released anew: the runs so far and its findings carry an
    older digest, exactly what the next sweep sees after a pack file changes. Returns (pack id, open findings)."""
    with unit_of_work(engine) as session:
        pack_id, count = session.execute(
            select(Finding.pack_id, func.count())
            .where(Finding.open_key.is_not(None))
            .group_by(Finding.pack_id)
            .order_by(func.count().desc(), Finding.pack_id)
            .limit(1)
        ).one()
        session.execute(update(Finding).where(Finding.pack_id == pack_id).values(pack_digest="older"))
        for run in session.scalars(select(CheckRun)):
            run.packs = [dict(entry, digest="older") if entry["id"] == pack_id else entry for entry in run.packs]
    return pack_id, count


def run_benchmark(url: str, *, contracts: int, sample: int, seed: int, echo) -> dict:
    """Build (or reuse) the demo database at ``url``, then measure and print every figure."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    started = time.perf_counter()
    load_demo(engine, contracts=contracts, seed=seed, password="bench")
    echo(f"demo data ready: {contracts} contracts in {time.perf_counter() - started:.1f} s")
    with engine.begin() as connection:  # every run starts from no findings
        connection.execute(text("DELETE FROM decision"))
        connection.execute(text("DELETE FROM finding"))
        connection.execute(text("DELETE FROM check_run"))
    sizes = _counts(engine)
    echo(f"subjects: {sizes}")
    first = _child_sweep(url, full=True)
    echo(f"full sweep, first (records every finding): {first.seconds:.1f} s, {first.counts['new']} findings, "
         f"{_rss(first)}")  # fmt: skip
    steady = _child_sweep(url, full=True)
    echo(f"full sweep, again (nothing changed):       {steady.seconds:.1f} s, {_rss(steady)}")
    _touch_contracts(engine, 1000)
    incremental = _child_sweep(url, full=False)
    echo(f"incremental sweep after 1,000 contracts changed: {incremental.seconds:.2f} s, "
         f"{incremental.counts['new']} new, {incremental.counts['auto_resolved']} resolved, "
         f"{_rss(incremental)}")  # fmt: skip
    pack_id, reworded = _as_if_the_biggest_pack_changed(engine)
    repacked = _child_sweep(url, full=False)
    echo(f"sweep after a new version of pack {pack_id} ({reworded} open findings reworded): "
         f"{repacked.seconds:.1f} s, {_rss(repacked)}")  # fmt: skip
    per_version, _ = _naive_seconds_per_subject(engine, "contract_version", sample)
    per_payment, _ = _naive_seconds_per_subject(engine, "fee_payment", sample)
    naive_per_contract = (per_version * sizes["contract_version"] + per_payment * sizes["fee_payment"]) / contracts
    naive_full = naive_per_contract * contracts
    set_per_contract = steady.seconds / contracts
    echo(f"naive baseline (ORM + Python, sample of {sample} versions and {sample} payments): "
         f"{naive_per_contract * 1000:.2f} ms per contract → {naive_full:.0f} s for the whole database")  # fmt: skip
    echo(f"set-based: {set_per_contract * 1e6:.1f} µs per contract; ratio naive / set-based = "
         f"{naive_per_contract / set_per_contract:.1f}× (first sweep: {naive_full / first.seconds:.1f}×)")  # fmt: skip
    peak = max(_together(first), _together(steady), _together(incremental), _together(repacked))
    echo(f"peak RSS of any sweep (its processes together): {peak:.0f} MB; this process: "
         f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")  # fmt: skip
    engine.dispose()
    return {"first": first, "steady": steady, "incremental": incremental, "repacked": repacked,
            "naive_per_contract": naive_per_contract}  # fmt: skip
