"""Job slots: claimed once, failures recorded with their traceback, misfires coalesced, orphans adopted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from recruitment_watch.db import unit_of_work
from recruitment_watch.jobs.catalogue import JobContext, JobInterrupted, JobSpec
from recruitment_watch.jobs.scheduler import JobRunner
from recruitment_watch.models import JobRun
from recruitment_watch.models.vocab import JobTrigger, RunStatus
from recruitment_watch.services.scheduling import job_runs
from recruitment_watch.services.scheduling.job_runs import JobResult
from tests.support.database import wipe

NOW = datetime(2026, 11, 25, 10, 7, 30, tzinfo=UTC)


@pytest.fixture()
def db(engine):
    yield engine
    wipe(engine)


class Calls:
    """Job bodies that count their calls; ``boom`` raises until told otherwise."""

    def __init__(self) -> None:
        self.count = 0
        self.fail = False

    def body(self, ctx: JobContext) -> JobResult:
        self.count += 1
        if self.fail:
            raise RuntimeError("the database answered nonsense")
        return JobResult(f"call {self.count} at {ctx.now():%H:%M}")


def runner_for(db, calls: Calls, *, schedule="every 15 minutes", clock=lambda: NOW, runner="host-a:1", **config):
    spec = JobSpec("tick", "A test job", schedule, calls.body)
    return JobRunner(db, {"SCHEDULER_MISFIRE_GRACE_S": 6 * 3600, **config}, jobs=(spec,), clock=clock, runner=runner)


def runs(db) -> list[JobRun]:
    with unit_of_work(db) as session:
        return list(session.scalars(select(JobRun).order_by(JobRun.scheduled_for, JobRun.id)).all())


def test_a_slot_runs_once_even_when_two_runners_claim_it(db):
    calls = Calls()
    first, second = runner_for(db, calls, runner="host-a:1"), runner_for(db, calls, runner="host-b:2")
    assert first.run_scheduled("tick").status is RunStatus.succeeded
    again = second.run_scheduled("tick")
    assert not again.ran and again.detail == "slot already claimed"
    assert calls.count == 1
    [run] = runs(db)
    assert (run.job_id, run.scheduled_for, run.runner, run.status) == (
        "tick", datetime(2026, 11, 25, 10, 0, tzinfo=UTC), "host-a:1", "succeeded"
    )  # fmt: skip
    assert run.detail == "call 1 at 10:07" and run.finished_at is not None


def test_a_failing_job_is_recorded_with_its_traceback_and_the_next_slot_runs(db):
    calls = Calls()
    calls.fail = True
    clock = [NOW]
    runner = runner_for(db, calls, clock=lambda: clock[0])
    failed = runner.run_scheduled("tick")
    assert failed.status is RunStatus.failed
    assert failed.detail == "RuntimeError: the database answered nonsense"
    calls.fail = False
    clock[0] = NOW + timedelta(minutes=15)
    assert runner.run_scheduled("tick").status is RunStatus.succeeded
    first, second = runs(db)
    assert first.status == "failed" and first.error == "RuntimeError: the database answered nonsense"
    assert "Traceback" in first.traceback and "raise RuntimeError" in first.traceback
    assert second.status == "succeeded" and second.scheduled_for == datetime(2026, 11, 25, 10, 15, tzinfo=UTC)


def test_a_scheduler_down_for_a_day_catches_up_with_one_run_not_96(db):
    calls = Calls()
    yesterday = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    job_runs.claim_slot(db, "tick", yesterday, runner="host-a:1", trigger=JobTrigger.schedule)
    with unit_of_work(db) as session:
        session.execute(JobRun.__table__.update().values(status="succeeded", finished_at=yesterday))
    runner = runner_for(db, calls)
    outcomes = runner.catch_up()
    assert [(o.slot, o.status) for o in outcomes] == [(datetime(2026, 11, 25, 10, 0, tzinfo=UTC), RunStatus.succeeded)]
    assert calls.count == 1
    assert runner.catch_up() == []  # the latest slot has its run now
    assert [run.trigger for run in runs(db)] == ["schedule", "catch_up"]


def test_catch_up_ignores_a_slot_older_than_the_misfire_grace(db):
    calls = Calls()
    runner = runner_for(db, calls, schedule="0 2 * * *", SCHEDULER_MISFIRE_GRACE_S=3600)
    assert runner.catch_up() == []  # 02:00 is 8 hours before NOW
    assert calls.count == 0 and runs(db) == []


def test_a_new_leader_reruns_the_slot_a_dead_leader_left_running(db):
    calls = Calls()
    slot = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    # a runner on another host claimed the slot and died (kill -9) before finishing it
    job_runs.claim_slot(db, "tick", slot, runner="dead-host:4242", trigger=JobTrigger.schedule)
    outcomes = runner_for(db, calls, runner="host-b:2").adopt_orphans()
    assert [(o.slot, o.status) for o in outcomes] == [(slot, RunStatus.succeeded)]
    [run] = runs(db)
    assert (run.runner, run.trigger, run.attempts, run.status) == ("host-b:2", "takeover", 2, "succeeded")
    # a second would-be leader finds nothing left to adopt, and the slot is not run a third time
    assert runner_for(db, calls, runner="host-c:3").adopt_orphans() == []
    assert calls.count == 1


def test_manual_runs_are_not_adopted_and_a_running_local_process_is_not_an_orphan(db):
    import os
    import socket

    calls = Calls()
    job_runs.claim_slot(db, "tick", NOW, runner="cli-host:9", trigger=JobTrigger.manual)
    alive = f"{socket.gethostname()}:{os.getpid()}"
    job_runs.claim_slot(db, "tick", NOW - timedelta(hours=1), runner=alive, trigger=JobTrigger.schedule)
    assert runner_for(db, calls, runner="host-b:2").adopt_orphans() == []
    assert calls.count == 0


def test_run_now_records_a_manual_run_of_the_current_second(db):
    calls = Calls()
    outcome = runner_for(db, calls).run_now("tick")
    assert outcome.status is RunStatus.succeeded and outcome.slot == NOW
    [run] = runs(db)
    assert run.trigger == "manual" and run.detail == "call 1 at 10:07"


def test_a_job_stopped_between_batches_is_recorded_as_interrupted(db):
    def body(ctx: JobContext) -> JobResult:
        ctx.stop.set()  # SIGTERM arrives while the first batch runs
        if ctx.stopping():
            raise JobInterrupted("stopped by shutdown after 200 of 450 open complaints")
        return JobResult("unreachable")

    runner = JobRunner(db, {}, jobs=(JobSpec("tick", "t", "every 1 hour", body),), clock=lambda: NOW)
    outcome = runner.run_now("tick")
    assert outcome.status is RunStatus.failed
    assert outcome.detail == "JobInterrupted: stopped by shutdown after 200 of 450 open complaints"
    # once stopping, scheduled slots no longer start
    assert runner.run_scheduled("tick") is None
