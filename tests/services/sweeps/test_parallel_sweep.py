"""A big full sweep judged by worker processes records exactly what a sweep in one process records."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, update

from recruitment_watch.db import unit_of_work
from recruitment_watch.models import CheckRun, ContractVersion, Decision, FeePayment, Finding
from recruitment_watch.services.sweeps import pool as sweep_pool
from recruitment_watch.services.sweeps.run import run_sweep
from recruitment_watch.services.sweeps.sql_strategy import SqlStrategy
from tests.support.database import demo_loaded

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture()
def demo(engine):
    with demo_loaded(engine, contracts=1200, seed=5) as loaded:
        yield loaded


@pytest.fixture()
def pools(monkeypatch) -> list[int]:
    """How many partitions each sweep handed to worker processes (the spy proves the workers ran)."""
    handed: list[int] = []
    original = sweep_pool.WorkerPool.judge

    def judge(self, jobs):
        handed.append(len(jobs))
        return original(self, jobs)

    monkeypatch.setattr(sweep_pool.WorkerPool, "judge", judge)
    return handed


def in_workers() -> SqlStrategy:
    return SqlStrategy(workers=2, parallel_min_contracts=1, partition_contracts=150)


def open_findings(engine) -> dict[str, tuple]:
    """Every open finding by key, with what a reader sees (wording, evidence, citation, snapshot, due date)."""
    with unit_of_work(engine) as session:
        rows = session.scalars(select(Finding).where(Finding.open_key.is_not(None))).all()
        return {
            row.open_key: (row.agency_id, row.severity, row.message, row.citation, json.dumps(row.evidence,
                           sort_keys=True), row.pack_id, row.pack_version, row.pack_digest, row.status, row.due_on)
            for row in rows
        }  # fmt: skip


def forget_findings(engine) -> None:
    with unit_of_work(engine) as session:
        session.execute(delete(Decision))
        session.execute(delete(Finding))
        session.execute(delete(CheckRun))


def test_workers_record_what_one_process_records(demo, pools):
    parallel = run_sweep(demo, in_workers(), full=True, now=NOW)
    assert pools == [8, 8]  # contract versions and fee payments, 1,200 contracts in ranges of 150
    recorded = open_findings(demo)
    forget_findings(demo)
    serial = run_sweep(demo, SqlStrategy(workers=1), full=True, now=NOW)
    assert pools == [8, 8]  # the serial sweep started no workers
    assert parallel.counts == serial.counts
    assert parallel.counts["new"] == len(recorded) > 1000
    assert open_findings(demo) == recorded
    assert {"contract_version", "fee_payment"} <= {key.split("|")[1] for key in recorded}
    assert all(isinstance(json.loads(values[4]), dict) for values in recorded.values())  # JSON objects, not text


def test_workers_resolve_fixed_subjects_and_record_new_failures(demo, pools, database_url):
    run_sweep(demo, in_workers(), full=True, now=NOW)
    before = open_findings(demo)
    with unit_of_work(demo) as session:
        failing_payments = session.scalars(
            select(Finding.subject_id).where(Finding.subject_type == "fee_payment", Finding.open_key.is_not(None))
        ).all()
        refunded = sorted(set(failing_payments))[:40]
        session.execute(
            update(FeePayment).where(FeePayment.id.in_(refunded)).values(amount_minor=0, amount_usd_minor=0)
        )
        versions = session.scalars(select(ContractVersion.id).order_by(ContractVersion.id).limit(60)).all()
        session.execute(
            update(ContractVersion)
            .where(ContractVersion.id.in_(versions))
            .values(basic_wage_minor=100, basic_wage_usd_minor=100)  # a wage far below every floor
        )
    again = run_sweep(demo, in_workers(), full=True, now=NOW)
    assert again.counts["auto_resolved"] > 0 and again.counts["new"] > 0
    after = open_findings(demo)
    assert set(after) != set(before)
    forget_findings(demo)
    fresh = run_sweep(demo, SqlStrategy(workers=1), full=True, now=NOW)
    from_scratch = open_findings(demo)
    assert set(from_scratch) == set(after)  # the same open findings as judging the changed data from scratch
    new_keys = set(after) - set(before)  # worded alike; findings still open keep their first wording
    assert {key: after[key] for key in new_keys} == {key: from_scratch[key] for key in new_keys}
    assert fresh.counts["new"] == again.counts["new"] + again.counts["still_open"]
    # On PostgreSQL the server judges: only a first sweep (wording every finding in Python) is split over workers.
    assert pools == ([8, 8, 8, 8] if database_url.startswith("sqlite") else [8, 8])


def test_workers_reword_a_new_pack_version_as_one_process_words_it(demo, pools, request):
    run_sweep(demo, in_workers(), full=True, now=NOW)
    before = open_findings(demo)
    request.getfixturevalue("revised_fee_pack")  # ilo-fair-recruitment 1.1.0 from here on
    handed = len(pools)
    reworded = run_sweep(demo, in_workers(), now=NOW)
    assert pools[handed:] == [8, 8]  # both engines: rewording a million findings is Python's work, so it is split
    assert reworded.mode == "incremental" and reworded.counts["new"] == 0
    after = open_findings(demo)
    assert set(after) == set(before)
    fee_pack = {key for key, values in after.items() if values[5] == "ilo-fair-recruitment"}
    assert {after[key][6] for key in fee_pack} == {"1.1.0"}
    assert sum(after[key][2].startswith("Revised wording: ") for key in fee_pack) > 100
    forget_findings(demo)
    run_sweep(demo, SqlStrategy(workers=1), full=True, now=NOW)
    assert open_findings(demo) == after  # worded exactly as judging from scratch under the new version


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_a_killed_parallel_sweep_writes_nothing_and_leaves_no_worker_behind(demo, database_url):
    code = (
        "import multiprocessing, sys, time\n"
        "from sqlalchemy import text\n"
        "from recruitment_watch.db import make_engine\n"
        "from recruitment_watch.services.sweeps.sql_strategy import SqlStrategy\n"
        "from recruitment_watch.services.sweeps.run import run_sweep\n"
        "original = SqlStrategy._write\n"
        "def slow(session, *args, **kwargs):\n"
        "    original(session, *args, **kwargs)\n"
        "    if multiprocessing.active_children():  # a chunk the workers judged (agencies are judged here)\n"
        "        written = session.execute(text('SELECT count(*) FROM finding')).scalar()\n"
        "        print(f'wrote a batch: {written} findings', flush=True)\n"
        "        time.sleep(60)\n"
        "SqlStrategy._write = staticmethod(slow)\n"
        "strategy = SqlStrategy(workers=2, parallel_min_contracts=1, partition_contracts=150)\n"
        "run_sweep(make_engine(sys.argv[1]), strategy, full=True)\n"
    )
    with subprocess.Popen([sys.executable, "-c", code, database_url], stdout=subprocess.PIPE, text=True) as sweeping:
        said = sweeping.stdout.readline().strip()  # findings exist in the sweep's uncommitted transaction
        assert said.startswith("wrote a batch: ") and int(said.rsplit(" ", 2)[1]) > 0, said
        with open(f"/proc/{sweeping.pid}/task/{sweeping.pid}/children") as children:
            workers = [int(pid) for pid in children.read().split()]
        sweeping.send_signal(signal.SIGKILL)
        sweeping.wait()
    assert len(workers) >= 2
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)  # orphaned workers see their pipe close and exit
    with unit_of_work(demo) as session:
        assert session.scalar(select(func.count()).select_from(Finding)) == 0
        assert session.scalars(select(CheckRun.status)).all() == ["running"]
    completed = run_sweep(demo, in_workers(), full=True)  # now: the orphan started before it
    assert completed.status == "succeeded" and completed.counts["new"] > 1000
    with unit_of_work(demo) as session:
        keys = session.scalars(select(Finding.open_key)).all()
        statuses = sorted(session.scalars(select(CheckRun.status)).all())
    assert len(keys) == len(set(keys)) == completed.counts["new"]
    assert statuses == ["failed", "succeeded"]
