"""Several scheduler processes on one database (SQLite file lock / PostgreSQL advisory lock): one leads, each slot
runs once, and when the leader is killed -9 another takes over within seconds and finishes the slot it left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from recruitment_watch.db import unit_of_work
from recruitment_watch.leader import leader_lock_for
from recruitment_watch.models import JobRun
from tests.support.database import wipe

pytestmark = pytest.mark.slow
HELPER = Path(__file__).parents[1] / "support" / "scheduler_process.py"


@pytest.fixture()
def db(engine):
    yield engine
    wipe(engine)


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def job_runs(engine, job_id: str | None = None) -> list[JobRun]:
    query = select(JobRun).order_by(JobRun.scheduled_for)
    if job_id:
        query = query.where(JobRun.job_id == job_id)
    with unit_of_work(engine) as session:
        return list(session.scalars(query).all())


def start_helper(url: str, instance: Path, log_file: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(HELPER), url, str(instance), str(log_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert process.stdout.readline().strip() == "ready"
    return process


def stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        _out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return process.returncode, err


def test_two_schedulers_one_leader_and_a_kill_9_takeover_loses_and_doubles_nothing(db, database_url, tmp_path):
    log_file = tmp_path / "executions.log"
    first = start_helper(database_url, tmp_path, log_file)
    second = None
    try:
        runner_a = wait_for(lambda: {run.runner for run in job_runs(db, "tick")}, 20, "the first tick")
        assert [name.endswith(f":{first.pid}") for name in runner_a] == [True]
        second = start_helper(database_url, tmp_path, log_file)
        time.sleep(4.5)  # two more slots: the second process must only wait
        before_kill = job_runs(db, "tick")
        assert len(before_kill) >= 3
        assert all(run.runner.endswith(f":{first.pid}") for run in before_kill)

        in_flight = wait_for(
            lambda: [run for run in job_runs(db, "tick") if run.status == "running"], 10, "a tick in progress"
        )[0]
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=10)

        def adopted():
            [run] = [run for run in job_runs(db, "tick") if run.id == in_flight.id]
            return run if run.status == "succeeded" else None

        finished = wait_for(adopted, 15, "the other scheduler to finish the slot the dead leader left")
        assert finished.runner.endswith(f":{second.pid}")
        assert (finished.trigger, finished.attempts) == ("takeover", 2)
        wait_for(
            lambda: [run for run in job_runs(db, "tick") if run.scheduled_for > finished.scheduled_for
                     and run.status == "succeeded"],
            10,
            "the new leader's next slot",
        )  # fmt: skip
        code, err = stop(second)
        second = None
        assert code == 0, err
        assert "stopping after the running job's current batch" in err and "leader lock released" in err
    finally:
        for process in (first, second):
            if process is not None and process.returncode is None:
                process.kill()
                process.communicate()

    runs = job_runs(db, "tick")
    slots = [run.scheduled_for for run in runs]
    assert len(slots) == len(set(slots))  # each slot recorded once
    assert {run.status for run in runs} == {"succeeded"}  # nothing left running, nothing lost
    executions = log_file.read_text().splitlines()
    starts = [line for line in executions if line.startswith("start")]
    # every execution is a recorded attempt: only the killed slot ran twice (once cut short, once to the end)
    assert len(starts) == sum(run.attempts for run in runs) == len(runs) + 1
    assert {run.runner.rpartition(":")[2] for run in runs} == {str(first.pid), str(second_pid(runs, first.pid))}
    lock = leader_lock_for(database_url, str(tmp_path))
    assert lock.try_acquire()  # SIGTERM released the lock
    lock.release()


def second_pid(runs: list[JobRun], first_pid: int) -> str:
    return next(run.runner.rpartition(":")[2] for run in runs if not run.runner.endswith(f":{first_pid}"))


def test_the_cli_scheduler_runs_jobs_on_schedule_and_a_second_one_only_waits(db, database_url, tmp_path):
    env = {
        **os.environ,
        "RW_DATABASE_URL": database_url,
        "RW_INSTANCE_PATH": str(tmp_path),
        "RW_SCHEDULES": '{"sweep-incremental": "every 2 seconds", "complaint-sla": "every 3 seconds", '
        '"sweep-full": "off", "licence-expiry": "off", "risk-recommendations": "off", "retention": "off", '
        '"ministry-report": "off"}',
    }
    command = [sys.executable, "-c", "from recruitment_watch import main; main()", "scheduler", "run"]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    try:
        wait_for(lambda: len([r for r in job_runs(db) if r.status == "succeeded"]) >= 4, 40, "four job runs")
        leader = int(job_runs(db)[0].runner.rpartition(":")[2])
        processes.sort(key=lambda process: process.pid == leader)  # stop the follower first: it must never lead
    finally:
        outcomes = [stop(process) for process in processes]
    assert [code for code, _ in outcomes] == [0, 0], "\n\n".join(err for _, err in outcomes)
    runs = job_runs(db)
    assert {run.job_id for run in runs} == {"sweep-incremental", "complaint-sla"}
    assert len({run.runner for run in runs}) == 1  # one leader ran everything
    leader_pid = int(runs[0].runner.rpartition(":")[2])
    follower_err = next(err for process, (_, err) in zip(processes, outcomes, strict=True) if process.pid != leader_pid)
    assert "waiting for the leader lock" in follower_err and "elected leader" not in follower_err
    sweeps = [run for run in runs if run.job_id == "sweep-incremental" and run.status == "succeeded"]
    assert sweeps and all(run.detail.startswith("check run ") for run in sweeps)
    assert all(run.scheduled_for.second % 2 == 0 for run in sweeps)  # slots on the clock, not on process start
