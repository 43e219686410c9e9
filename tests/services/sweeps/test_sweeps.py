"""Sweeps record findings once, re-judge changed data, auto-resolve fixed data, and survive being killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, update

from recruitment_watch.db import unit_of_work
from recruitment_watch.models import CheckRun, Finding, Worker
from recruitment_watch.services.contracts import fees
from recruitment_watch.services.sweeps.lock import SweepInProgress
from recruitment_watch.services.sweeps.run import run_sweep
from recruitment_watch.services.sweeps.strategies import strategy_named
from tests.support.factories import make_contract, payment_input

STRATEGIES = ["sql", "python"]


@pytest.fixture(params=STRATEGIES)
def strategy(request):
    return strategy_named(request.param)


def open_findings(engine) -> dict[tuple[str, int], Finding]:
    with unit_of_work(engine) as session:
        rows = session.scalars(select(Finding).where(Finding.status.in_(("open", "agency_responded")))).all()
        return {(row.criterion_id, row.subject_id): row for row in rows}


@pytest.fixture()
def one_bad_contract(session, engine):
    """A Nepal → Qatar contract whose worker paid an agency NPR 50,000 in cash without a receipt."""
    contract = make_contract(session)
    fees.record_fee_payment(
        payment_input(contract),
        session=session,
    )
    session.commit()
    return contract


def test_sweep_cites_instruments_and_keeps_evidence(engine, one_bad_contract, strategy):
    run = run_sweep(engine, strategy, full=True)
    assert run.status == "succeeded" and run.mode == "full"
    found = open_findings(engine)
    fee_finding = next(f for (criterion, _), f in found.items() if criterion == "FEE-001")
    assert fee_finding.subject_type == "contract_version"
    assert "ILO" in fee_finding.citation or "C181" in fee_finding.citation
    assert fee_finding.pack_id == "ilo-fair-recruitment" and len(fee_finding.pack_digest) == 64
    nepal_cap = next(f for (criterion, _), f in found.items() if criterion == "FEE-NP-001")
    assert "10,000" in nepal_cap.message or "10000" in nepal_cap.message
    assert nepal_cap.evidence  # the values that broke it
    receipt = next(f for (criterion, _), f in found.items() if criterion == "FEE-005")
    assert receipt.subject_type == "fee_payment"
    assert run.counts["new"] == len(found)


def test_rerun_changes_nothing_and_fixing_data_auto_resolves(engine, one_bad_contract, strategy):
    run_sweep(engine, strategy, full=True)
    before = open_findings(engine)
    again = run_sweep(engine, strategy, full=True)
    assert again.counts["new"] == 0 and again.counts["auto_resolved"] == 0
    assert {key: f.id for key, f in open_findings(engine).items()} == {key: f.id for key, f in before.items()}

    with unit_of_work(engine) as session:  # the employer takes the worker's passport
        session.execute(update(Worker).values(passport_held_by="employer"))
    incremental = run_sweep(engine, strategy)
    assert incremental.mode == "incremental" and incremental.counts["new"] >= 1
    signed_version = next(subject for criterion, subject in before if criterion == "FEE-001")
    assert ("DOC-001", signed_version) in open_findings(engine)
    with unit_of_work(engine) as session:  # … and gives it back
        session.execute(update(Worker).values(passport_held_by="worker"))
    fixed = run_sweep(engine, strategy)
    assert fixed.counts["auto_resolved"] == incremental.counts["new"]
    assert set(open_findings(engine)) == set(before)
    with unit_of_work(engine) as session:
        resolved = session.scalars(select(Finding).where(Finding.criterion_id == "DOC-001")).one()
    assert resolved.status == "auto_resolved" and resolved.open_key is None and resolved.resolved_at is not None


def test_incremental_run_judges_only_changed_subjects(engine, one_bad_contract, strategy):
    run_sweep(engine, strategy, full=True)
    quiet = run_sweep(engine, strategy)
    assert quiet.mode == "incremental"
    assert quiet.counts["new"] == 0 and quiet.counts["auto_resolved"] == 0
    with unit_of_work(engine) as session:
        runs = session.scalar(select(func.count()).select_from(CheckRun).where(CheckRun.status == "succeeded"))
    assert runs == 2


SLOW_SWEEP = (
    "import sys, time\n"
    "from sqlalchemy import text\n"
    "from recruitment_watch.db import make_engine\n"
    "from recruitment_watch.services.sweeps.sql_strategy import SqlStrategy\n"
    "from recruitment_watch.services.sweeps.run import run_sweep\n"
    "from recruitment_watch.services.sweeps.strategies import strategy_named\n"
    "original = SqlStrategy._write\n"
    "def slow(session, *args, **kwargs):\n"
    "    original(session, *args, **kwargs)\n"
    "    written = session.execute(text('SELECT count(*) FROM finding')).scalar()  # in its own transaction\n"
    "    print(f'wrote a batch: {written} findings', flush=True)\n"
    "    time.sleep(60)\n"
    "SqlStrategy._write = staticmethod(slow)\n"
    "run_sweep(make_engine(sys.argv[1]), strategy_named('sql'), full=True)\n"
)


@contextmanager
def sweeping_elsewhere(database_url: str) -> Iterator[subprocess.Popen]:
    """A full sweep in another process, stopped after writing its first batch (findings exist in its transaction,
    uncommitted); killed (-9) on leaving."""
    with subprocess.Popen(
        [sys.executable, "-c", SLOW_SWEEP, database_url], stdout=subprocess.PIPE, text=True, env={**os.environ}
    ) as process:
        try:
            said = process.stdout.readline().strip()
            assert said.startswith("wrote a batch: ") and int(said.rsplit(" ", 2)[1]) > 0, said
            yield process
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()


def test_a_killed_sweep_leaves_no_success_and_no_partial_findings(engine, one_bad_contract, database_url, tmp_path):
    with sweeping_elsewhere(database_url):
        pass  # killed with -9 half-way
    time.sleep(0.2)
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Finding)) == 0  # nothing half-written
        statuses = session.scalars(select(CheckRun.status)).all()
    assert statuses == ["running"]  # registered, never marked successful
    completed = run_sweep(engine, strategy_named("sql"), full=True)
    assert completed.status == "succeeded"
    with unit_of_work(engine) as session:
        runs = dict(session.execute(select(CheckRun.id, CheckRun.status)).all())
        keys = session.scalars(select(Finding.open_key)).all()
    assert sorted(runs.values()) == ["failed", "succeeded"]  # the orphan is marked failed ("interrupted")
    assert len(keys) == len(set(keys)) == completed.counts["new"]


def test_only_one_sweep_runs_at_a_time_and_a_killed_one_does_not_block_the_next(engine, one_bad_contract,
                                                                                 database_url):
    with sweeping_elsewhere(database_url):
        with unit_of_work(engine) as session:
            running = session.scalars(select(CheckRun)).one()
        with pytest.raises(SweepInProgress, match=rf"another sweep is running on this database \(check run "
                                                  rf"{running.id}, full, started "):  # fmt: skip
            run_sweep(engine, strategy_named("sql"))
        with unit_of_work(engine) as session:
            assert session.scalars(select(CheckRun.id)).all() == [running.id]  # the refused sweep recorded nothing
    completed = run_sweep(engine, strategy_named("sql"))  # the lock died with the killed sweep
    assert completed.status == "succeeded" and completed.counts["new"] > 0


def test_a_new_pack_version_rewords_its_open_findings_and_leaves_other_packs_alone(
    engine, one_bad_contract, strategy, request
):
    run_sweep(engine, strategy, full=True)
    before = open_findings(engine)
    fee_key = next(key for key, row in before.items() if key[0] == "FEE-001")
    assert before[fee_key].pack_version == "1.0.0"
    old_digest, old_id = before[fee_key].pack_digest, before[fee_key].id
    request.getfixturevalue("revised_fee_pack")  # from here on, sweeps judge with ilo-fair-recruitment 1.1.0

    run = run_sweep(engine, strategy)  # incremental: no subject changed, one pack did

    assert run.mode == "incremental" and run.counts["new"] == 0 and run.counts["auto_resolved"] == 0
    after = open_findings(engine)
    assert set(after) == set(before)
    reworded = after[fee_key]
    assert reworded.id == old_id  # the same finding, now standing under the new version
    assert reworded.pack_version == "1.1.0" and reworded.pack_digest not in (old_digest, "")
    assert reworded.message.startswith("Revised wording: the worker paid ")
    assert reworded.last_check_run_id == run.id
    for key, row in after.items():
        if row.pack_id != "ilo-fair-recruitment":
            assert (row.pack_version, row.pack_digest, row.message) == (
                before[key].pack_version, before[key].pack_digest, before[key].message
            )
