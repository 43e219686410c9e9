"""The one scheduler process: ``recruitment-watch scheduler run``.

Never started by the web app. Any number of these processes may run; a lock elects one leader (``leader.py``)
and the others wait, trying again every ``SCHEDULER_LOCK_POLL_S`` seconds, so one takes over within seconds of
the leader dying. The leader:

1. adopts runs a dead leader left ``running`` and runs them to the end (no slot lost);
2. runs each job once for its latest missed slot, when it is within ``SCHEDULER_MISFIRE_GRACE_S`` (a scheduler
   down for a day runs one sweep, not 96);
3. starts an APScheduler 3 ``BackgroundScheduler`` (one worker thread, ``coalesce=True``, ``max_instances=1``)
   whose jobs claim their slot in ``job_run`` before running — UNIQUE(job_id, scheduled_for) makes a second run
   of a slot impossible to record even if two leaders existed.

A job that raises is recorded ``failed`` with its error and traceback and logged; the scheduler carries on.
SIGTERM (or SIGINT) sets the stop flag: jobs finish their current batch, the scheduler shuts down, the lock is
released and the process exits 0.
"""

from __future__ import annotations

import logging
import signal
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from recruitment_watch.jobs.catalogue import JOBS, JobContext, JobSpec, check_schedules
from recruitment_watch.jobs.schedules import latest_slot, parse_schedule
from recruitment_watch.leader import LeaderLock, runner_name
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import JobTrigger, RunStatus
from recruitment_watch.services.scheduling import job_runs

log = logging.getLogger("recruitment_watch.jobs.scheduler")

LOCK_HEALTH_EVERY_S = 5.0


@dataclass(frozen=True)
class SlotOutcome:
    """What happened to one slot: ran (with status) or was already claimed elsewhere."""

    job_id: str
    slot: datetime
    status: RunStatus | None
    detail: str

    @property
    def ran(self) -> bool:
        """False when another process had already claimed the slot."""
        return self.status is not None


class JobRunner:
    """Claims slots and runs job bodies, recording every outcome in ``job_run``."""

    def __init__(
        self,
        engine: Engine,
        config: Mapping[str, Any],
        *,
        jobs: tuple[JobSpec, ...] = JOBS,
        stop: threading.Event | None = None,
        clock: Callable[[], datetime] = utc_now,
        runner: str | None = None,
    ) -> None:
        self.engine = engine
        self.config = config
        self.jobs = {spec.id: spec for spec in jobs}
        self.stop = stop or threading.Event()
        self.clock = clock
        self.runner = runner or runner_name()

    def context(self) -> JobContext:
        """The context handed to job bodies."""
        return JobContext(engine=self.engine, config=self.config, stop=self.stop, clock=self.clock)

    def run_slot(self, job_id: str, slot: datetime, trigger: JobTrigger) -> SlotOutcome:
        """Claim ``slot`` and run the job; a slot claimed before is left alone."""
        run_id = job_runs.claim_slot(self.engine, job_id, slot, runner=self.runner, trigger=trigger)
        if run_id is None:
            log.info("job %s slot %s already claimed; not run again", job_id, slot.isoformat())
            return SlotOutcome(job_id, slot, None, "slot already claimed")
        return self._execute(run_id, job_id, slot)

    def run_scheduled(self, job_id: str) -> SlotOutcome | None:
        """APScheduler's entry point: run the latest slot of the job's schedule (unless stopping)."""
        if self.stop.is_set():
            return None
        trigger = parse_schedule(self.jobs[job_id].schedule(self.config))
        slot = latest_slot(trigger, self.clock()) if trigger else None
        if slot is None:
            return None
        return self.run_slot(job_id, slot, JobTrigger.schedule)

    def run_now(self, job_id: str) -> SlotOutcome:
        """Run a job once, by hand, for the current second (``jobs run NAME``)."""
        slot = self.clock().replace(microsecond=0)
        return self.run_slot(job_id, slot, JobTrigger.manual)

    def adopt_orphans(self) -> list[SlotOutcome]:
        """Re-run, to the end, the slots a dead leader left ``running``."""
        outcomes = []
        for orphan in job_runs.orphaned_runs(self.engine, runner=self.runner):
            if self.stop.is_set():
                break
            if orphan.job_id not in self.jobs:
                job_runs.finish_run(
                    self.engine, orphan.id, RunStatus.failed, error=f"job {orphan.job_id} no longer exists"
                )
                continue
            if job_runs.adopt_run(self.engine, orphan, runner=self.runner):
                log.warning(
                    "job %s slot %s was left running by %s; running it again",
                    orphan.job_id,
                    orphan.scheduled_for.isoformat(),
                    orphan.runner,
                )
                outcomes.append(self._execute(orphan.id, orphan.job_id, orphan.scheduled_for))
        return outcomes

    def catch_up(self) -> list[SlotOutcome]:
        """Run each job once for its latest slot if that slot has no run and is within the misfire grace."""
        grace = timedelta(seconds=int(self.config.get("SCHEDULER_MISFIRE_GRACE_S", 6 * 3600)))
        outcomes = []
        for spec in self.jobs.values():
            if self.stop.is_set():
                break
            trigger = parse_schedule(spec.schedule(self.config))
            now = self.clock()
            slot = latest_slot(trigger, now) if trigger else None
            if slot is None or now - slot > grace or job_runs.slot_taken(self.engine, spec.id, slot):
                continue
            previous = job_runs.last_success(self.engine, spec.id)
            if previous is not None and previous >= slot:
                continue
            log.info("job %s missed slot %s; running it once (missed slots coalesce)", spec.id, slot.isoformat())
            outcomes.append(self.run_slot(spec.id, slot, JobTrigger.catch_up))
        return outcomes

    def _execute(self, run_id: int, job_id: str, slot: datetime) -> SlotOutcome:
        spec = self.jobs[job_id]
        log.info("job %s slot %s: started", job_id, slot.isoformat())
        try:
            result = spec.body(self.context())
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            job_runs.finish_run(self.engine, run_id, RunStatus.failed, error=error, traceback=traceback.format_exc())
            log.exception("job %s slot %s: failed: %s", job_id, slot.isoformat(), error)
            return SlotOutcome(job_id, slot, RunStatus.failed, error)
        job_runs.finish_run(self.engine, run_id, result.status, detail=result.detail)
        log.info("job %s slot %s: %s: %s", job_id, slot.isoformat(), result.status.value, result.detail)
        return SlotOutcome(job_id, slot, result.status, result.detail)


class SchedulerProcess:
    """Follow until elected, then lead until stopped or the lock is lost; repeat."""

    def __init__(self, runner: JobRunner, lock: LeaderLock, *, poll_s: float = 2.0) -> None:
        self.runner = runner
        self.lock = lock
        self.poll_s = poll_s
        self.stop = runner.stop

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGINT ask for a clean stop (main thread only)."""

        def _stop(signum: int, _frame: Any) -> None:
            log.info("scheduler: %s received; stopping after the running job's current batch",
                     signal.Signals(signum).name)  # fmt: skip
            self.stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)

    def serve(self) -> None:
        """Run until the stop flag is set."""
        check_schedules(self.runner.config, tuple(self.runner.jobs.values()))
        log.info("scheduler %s: waiting for the leader lock (%s)", self.runner.runner, self.lock.description)
        while not self.stop.is_set():
            if self.lock.try_acquire():
                try:
                    self._lead()
                finally:
                    self.lock.release()
                    log.info("scheduler %s: leader lock released", self.runner.runner)
            else:
                self.stop.wait(self.poll_s)
        log.info("scheduler %s: stopped", self.runner.runner)

    def _lead(self) -> None:
        log.info("scheduler %s: elected leader", self.runner.runner)
        grace = int(self.runner.config.get("SCHEDULER_MISFIRE_GRACE_S", 6 * 3600))
        scheduler = BackgroundScheduler(
            timezone="UTC",
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
        )
        # Adoption and catch-up run first, in the scheduler's only worker thread, so slots that fall due meanwhile
        # queue behind them instead of running concurrently.
        scheduler.add_job(self._recover, id="recover", name="adopt orphaned runs, then catch up")
        for spec in self.runner.jobs.values():
            trigger = parse_schedule(spec.schedule(self.runner.config))
            if trigger is not None:
                scheduler.add_job(self.runner.run_scheduled, trigger, args=[spec.id], id=spec.id, name=spec.title)
        scheduler.start()
        try:
            while not self.stop.wait(LOCK_HEALTH_EVERY_S):
                if not self.lock.still_held():
                    log.error("scheduler %s: leadership lost; stepping down", self.runner.runner)
                    break
        finally:
            stepping_down = not self.stop.is_set()
            self.stop.set()  # running jobs stop after their current batch; queued ones do not start
            scheduler.shutdown(wait=True)
            if stepping_down:
                self.stop.clear()

    def _recover(self) -> None:
        self.runner.adopt_orphans()
        self.runner.catch_up()
