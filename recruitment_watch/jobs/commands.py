"""CLI for the scheduler and its jobs: ``scheduler run`` and ``jobs list|run|history`` (added by ``jobs.init_app``)."""

from __future__ import annotations

import csv
import logging
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from recruitment_watch.db import get_engine
from recruitment_watch.jobs.catalogue import JOBS, check_schedules, job_named
from recruitment_watch.jobs.scheduler import JobRunner, SchedulerProcess
from recruitment_watch.jobs.schedules import describe, next_slot, parse_schedule
from recruitment_watch.leader import leader_lock_for
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import RunStatus
from recruitment_watch.services.scheduling import job_runs


def _checked_config() -> dict:
    config = dict(current_app.config)
    try:
        check_schedules(config)
    except ValueError as exc:  # ScheduleError is one
        raise click.UsageError(str(exc)) from exc
    return config


@click.group("scheduler")
def scheduler_group() -> None:
    """The scheduler process (run it apart from the web server; any number may run, one leads)."""


@scheduler_group.command("run")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), default="INFO",
              show_default=True)  # fmt: skip
@with_appcontext
def scheduler_run(log_level: str) -> None:
    """Wait for the leader lock, then run every job on its schedule until SIGTERM/SIGINT."""
    logging.basicConfig(
        level=getattr(logging, log_level), stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, getattr(logging, log_level)))
    config = _checked_config()
    engine = get_engine()
    lock = leader_lock_for(str(engine.url.render_as_string(hide_password=False)), current_app.instance_path)
    process = SchedulerProcess(JobRunner(engine, config), lock, poll_s=float(config["SCHEDULER_LOCK_POLL_S"]))
    process.install_signal_handlers()
    process.serve()


@click.group("jobs")
def jobs_group() -> None:
    """Scheduled jobs: list them with their last run, run one now, read the history."""


@jobs_group.command("list")
@with_appcontext
def jobs_list() -> None:
    """Every job with its schedule, next slot and last run."""
    config = _checked_config()
    latest = job_runs.latest_by_job(get_engine())
    now = utc_now()
    for spec in JOBS:
        schedule = spec.schedule(config)
        trigger = parse_schedule(schedule)
        upcoming = next_slot(trigger, now) if trigger else None
        click.echo(f"{spec.id:<18} {spec.title}")
        when = f"{upcoming:%Y-%m-%d %H:%M} UTC" if upcoming else "-"
        click.echo(f"{'':<18} schedule: {describe(schedule)}; next: {when}")
        run = latest.get(spec.id)
        click.echo(f"{'':<18} last run: {_run_line(run) if run else 'never'}")


def _took(run) -> str:
    if run.finished_at is None:
        return "-"
    return f"{(run.finished_at - run.started_at).total_seconds():.1f} s"


def _run_line(run) -> str:
    outcome = run.detail or ""
    if run.error:
        outcome = run.error.strip().splitlines()[-1]
    return f"{run.scheduled_for:%Y-%m-%d %H:%M:%S} {run.status} ({run.trigger}, {_took(run)}) {outcome}".rstrip()


@jobs_group.command("run")
@click.argument("name")
@with_appcontext
def jobs_run(name: str) -> None:
    """Run job NAME once now, recorded in the job history like a scheduled run."""
    config = _checked_config()
    try:
        job_named(name)
    except KeyError as exc:
        raise click.UsageError(exc.args[0]) from exc
    outcome = JobRunner(get_engine(), config).run_now(name)
    if not outcome.ran:
        click.echo(f"{name}: a run for {outcome.slot:%Y-%m-%d %H:%M:%S} UTC already exists; try again in a second")
        raise click.exceptions.Exit(1)
    click.echo(f"{name}: {outcome.status.value}: {outcome.detail}")
    if outcome.status is RunStatus.failed:
        click.echo("the traceback is kept in the job history: recruitment-watch jobs history --job " + name, err=True)
        raise click.exceptions.Exit(1)


@jobs_group.command("history")
@click.option("--job", "job_ids", multiple=True, help="Only this job (repeatable).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of --limit runs.")
@click.option("--traceback", "show_traceback", is_flag=True, help="Print the traceback of failed runs.")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV (every column) to stdout instead.")
@with_appcontext
def jobs_history(job_ids: tuple[str, ...], limit: int, page: int, show_traceback: bool, as_csv: bool) -> None:
    """The latest job runs, newest slot first: status, duration, trigger, runner, detail or error."""
    runs = job_runs.recent_runs(get_engine(), job_ids=job_ids, limit=limit, offset=(page - 1) * limit)
    if as_csv:
        columns = ["id", "job_id", "scheduled_for", "trigger", "runner", "attempts", "status", "started_at",
                   "finished_at", "detail", "error"]  # fmt: skip
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for run in runs:
            writer.writerow([getattr(run, column) for column in columns])
        return
    if not runs:
        click.echo("no job runs yet")
        return
    for run in runs:
        click.echo(f"{run.id:>6} {run.job_id:<18} {_run_line(run)} [{run.runner}, attempt {run.attempts}]")
        if show_traceback and run.traceback:
            click.echo("       " + run.traceback.rstrip().replace("\n", "\n       "))
