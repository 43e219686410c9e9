"""The scheduled jobs: a registry in code (nothing pickled, nothing user-editable) and their thin bodies.

Each body takes a ``JobContext`` and calls services; it returns a ``JobResult`` whose detail the job history
shows. Long jobs work in batches and stop between batches when ``ctx.stopping()`` (SIGTERM, lost leadership).
Schedules are defaults here and configurable by job id in ``SCHEDULES`` (see ``recruitment_watch.jobs.schedules``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from recruitment_watch.db import unit_of_work
from recruitment_watch.jobs.schedules import parse_schedule
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import RunStatus
from recruitment_watch.services.scheduling.job_runs import JobResult

SLA_BATCH = 200


class JobInterrupted(RuntimeError):
    """A job stopped between batches because the scheduler is shutting down; the next slot carries on."""


@dataclass
class JobContext:
    """What a job body may use: the database, the configuration, the clock and the stop signal."""

    engine: Engine
    config: Mapping[str, Any]
    stop: threading.Event = field(default_factory=threading.Event)
    clock: Callable[[], datetime] = utc_now

    def now(self) -> datetime:
        """The current time (a test may freeze it)."""
        return self.clock()

    def stopping(self) -> bool:
        """True once the scheduler was asked to stop: finish the current batch, then return."""
        return self.stop.is_set()


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job."""

    id: str
    title: str
    default_schedule: str
    body: Callable[[JobContext], JobResult]

    def schedule(self, config: Mapping[str, Any]) -> str:
        """The schedule in force: the configured one for this id, else the default."""
        return str((config.get("SCHEDULES") or {}).get(self.id, self.default_schedule))


def _sweep(ctx: JobContext, *, full: bool) -> JobResult:
    from recruitment_watch.services.sweeps.lock import SweepInProgress
    from recruitment_watch.services.sweeps.run import describe_run, start_sweep

    try:
        run = start_sweep(ctx.engine, ctx.config, full=full, trigger="scheduler")
    except SweepInProgress as exc:  # a manual sweep is running; the next slot catches up on what changed
        return JobResult(str(exc), RunStatus.skipped)
    return JobResult(describe_run(run))


def sweep_incremental(ctx: JobContext) -> JobResult:
    """Judge what changed since the last successful sweep."""
    return _sweep(ctx, full=False)


def sweep_full(ctx: JobContext) -> JobResult:
    """Judge everything."""
    return _sweep(ctx, full=True)


def complaint_sla(ctx: JobContext) -> JobResult:
    """Set due dates, send SLA reminders and escalate overdue critical complaints, in batches."""
    from recruitment_watch.services.casework.sla import SlaRules, SlaTally, open_complaint_ids, run_sla_round
    from recruitment_watch.services.criteria.packs import active_packs

    rules = SlaRules.from_packs(
        active_packs(),
        escalation_ids=ctx.config.get("SLA_ESCALATION_CRITERIA") or (),
        reminder_fraction=float(ctx.config.get("SLA_REMINDER_FRACTION", 0.25)),
    )
    with unit_of_work(ctx.engine) as session:
        ids = open_complaint_ids(session)
    total = SlaTally()
    now = ctx.now()
    for start in range(0, len(ids), SLA_BATCH):
        if ctx.stopping():
            raise JobInterrupted(f"stopped by shutdown after {start} of {len(ids)} open complaints ({total.summary()})")
        with unit_of_work(ctx.engine) as session:
            total.add(run_sla_round(session, ids[start : start + SLA_BATCH], rules=rules, now=now))
    return JobResult(total.summary())


def licence_expiry(ctx: JobContext) -> JobResult:
    """Warn agencies 60/30/7 days before their licence's last valid day; expire it the day after."""
    from recruitment_watch.services.registry.licence_expiry import run_licence_round

    with unit_of_work(ctx.engine) as session:
        tally = run_licence_round(
            session, today=ctx.now().date(), warning_days=ctx.config.get("LICENCE_WARNING_DAYS") or (60, 30, 7)
        )
    return JobResult(tally.summary())


def risk_recommendations(ctx: JobContext) -> JobResult:
    """Rank the agencies and raise a recommendation (queue + notification) for each new band crossing."""
    from recruitment_watch.services.oversight.recommendations import raise_recommendations
    from recruitment_watch.services.oversight.risk import weights_from

    with unit_of_work(ctx.engine) as session:
        raised = raise_recommendations(session=session, on=ctx.now().date(),
                                       weights=weights_from(ctx.config.get("RISK_WEIGHTS")))  # fmt: skip
        kinds = [row.kind for row in raised]
    return JobResult(f"{len(kinds)} risk recommendation(s) raised ({kinds.count('suspension_recommendation')} "
                     f"suspension review, {kinds.count('watchlist')} watchlist)")  # fmt: skip


def retention(ctx: JobContext) -> JobResult:
    """Pseudonymise the worker data of complaints decided longer ago than their retention period and delete their
    evidence files, keeping the statistics (``services.upkeep.retention``)."""
    from recruitment_watch.services.upkeep.retention import run_retention

    run = run_retention(ctx.engine, ctx.config, now=ctx.now(), stopping=ctx.stopping)
    if run.stopped:
        raise JobInterrupted(run.summary())
    return JobResult(run.summary())


def ministry_report(ctx: JobContext) -> JobResult:
    """Produce and store last month's ministry period report (rendered in a capped worker process)."""
    from recruitment_watch.models import Report
    from recruitment_watch.models.reports import ReportKind, ReportStatus
    from recruitment_watch.reports import store
    from recruitment_watch.reports.run import render_now

    start, end = store.last_month(ctx.now().date())
    asked = store.ReportRequest(ReportKind.ministry, period_start=start, period_end=end)
    with unit_of_work(ctx.engine, writing=True) as session:
        report_id = store.request_report(store.ministry_console(), asked, via="job", session=session).id
    render_now(report_id, engine=ctx.engine, config=ctx.config)
    with unit_of_work(ctx.engine) as session:
        report = session.get(Report, report_id)
        if report.status != ReportStatus.done.value:
            raise RuntimeError(f"ministry report {report.public_id} for {start}–{end} failed: {report.error}")
        return JobResult(f"ministry report {report.public_id} for {start}–{end}: {report.size_bytes} bytes, "
                         f"sha256 {report.sha256}")  # fmt: skip


JOBS: tuple[JobSpec, ...] = (
    JobSpec("sweep-incremental", "Compliance sweep of what changed", "every 15 minutes", sweep_incremental),
    JobSpec("sweep-full", "Full compliance sweep", "0 2 * * *", sweep_full),
    JobSpec("complaint-sla", "Complaint SLA reminders and escalation", "every 1 hour", complaint_sla),
    JobSpec("licence-expiry", "Licence expiry warnings and expiry", "15 0 * * *", licence_expiry),
    JobSpec("risk-recommendations", "Risk recommendations for band crossings", "30 3 * * *", risk_recommendations),
    JobSpec("retention", "Worker-data retention and pseudonymisation", "0 3 * * *", retention),
    JobSpec("ministry-report", "Monthly ministry report", "0 4 1 * *", ministry_report),
)


def job_named(name: str, jobs: tuple[JobSpec, ...] = JOBS) -> JobSpec:
    """The job with id ``name``; ``KeyError`` lists the known ids."""
    for spec in jobs:
        if spec.id == name:
            return spec
    raise KeyError(f"no job {name!r}; known jobs: {', '.join(spec.id for spec in jobs)}")


def check_schedules(config: Mapping[str, Any], jobs: tuple[JobSpec, ...] = JOBS) -> None:
    """Raise ``ValueError`` naming the job when SCHEDULES names an unknown job or holds an unreadable schedule."""
    known = {spec.id for spec in jobs}
    unknown = sorted(set(config.get("SCHEDULES") or {}) - known)
    if unknown:
        raise ValueError(f"SCHEDULES names unknown jobs {', '.join(unknown)}; known jobs: {', '.join(sorted(known))}")
    for spec in jobs:
        try:
            parse_schedule(spec.schedule(config))
        except ValueError as exc:
            raise ValueError(f"SCHEDULES[{spec.id!r}]: {exc}") from exc
