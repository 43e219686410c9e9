"""Recording scheduled job runs: one row per (job, slot), claimed before the job starts.

Claiming inserts the row in its own transaction; the UNIQUE(job_id, scheduled_for) constraint makes a second
claim of the same slot fail, so two schedulers (even with a broken lock) can never both run it. A run left
``running`` by a process that died is *adopted* by the next leader (compare-and-set on its runner) and re-run,
so the slot is neither lost nor doubled.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from recruitment_watch.db import unit_of_work
from recruitment_watch.models import JobRun
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import JobTrigger, RunStatus


@dataclass(frozen=True)
class JobResult:
    """What a job body returns: ``succeeded`` (or ``skipped`` when it honestly had nothing it could do)."""

    detail: str
    status: RunStatus = RunStatus.succeeded


def claim_slot(engine: Engine, job_id: str, slot: datetime, *, runner: str, trigger: JobTrigger) -> int | None:
    """Record that ``runner`` runs ``job_id`` for ``slot``; None when the slot is already claimed."""
    try:
        with unit_of_work(engine) as session:
            run = JobRun(job_id=job_id, scheduled_for=slot, runner=runner, trigger=trigger.value)
            session.add(run)
            session.flush()
            return run.id
    except IntegrityError:
        return None


def finish_run(
    engine: Engine,
    run_id: int,
    status: RunStatus,
    *,
    detail: str | None = None,
    error: str | None = None,
    traceback: str | None = None,
) -> None:
    """Close a claimed run with its outcome."""
    with unit_of_work(engine) as session:
        session.execute(
            update(JobRun)
            .where(JobRun.id == run_id)
            .values(
                status=status.value,
                finished_at=utc_now(),
                detail=detail[:2000] if detail else None,
                error=error,
                traceback=traceback,
            )
        )


def _process_alive_here(runner: str) -> bool:
    """True when ``runner`` (host:pid) is a live process on this host (then its run is not an orphan)."""
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def orphaned_runs(engine: Engine, *, runner: str) -> list[JobRun]:
    """Scheduled runs still marked ``running`` whose process is gone (called by a new leader)."""
    with unit_of_work(engine) as session:
        rows = session.scalars(
            select(JobRun)
            .where(JobRun.status == RunStatus.running.value, JobRun.trigger != JobTrigger.manual.value)
            .order_by(JobRun.scheduled_for)
        ).all()
        return [row for row in rows if row.runner != runner and not _process_alive_here(row.runner)]


def adopt_run(engine: Engine, run: JobRun, *, runner: str) -> bool:
    """Take over an orphaned run (compare-and-set on its old runner); False when someone else already did."""
    with unit_of_work(engine) as session:
        result = session.execute(
            update(JobRun)
            .where(JobRun.id == run.id, JobRun.status == RunStatus.running.value, JobRun.runner == run.runner)
            .values(
                runner=runner,
                trigger=JobTrigger.takeover.value,
                attempts=JobRun.attempts + 1,
                started_at=utc_now(),
            )
        )
        return result.rowcount == 1


def last_success(engine: Engine, job_id: str) -> datetime | None:
    """The slot of the job's latest succeeded (or honestly skipped) run."""
    with unit_of_work(engine) as session:
        return session.scalar(
            select(func.max(JobRun.scheduled_for)).where(
                JobRun.job_id == job_id, JobRun.status.in_([RunStatus.succeeded.value, RunStatus.skipped.value])
            )
        )


def slot_taken(engine: Engine, job_id: str, slot: datetime) -> bool:
    """Whether any run (whatever its outcome) exists for the slot."""
    with unit_of_work(engine) as session:
        return (
            session.scalar(select(JobRun.id).where(JobRun.job_id == job_id, JobRun.scheduled_for == slot)) is not None
        )


def recent_runs(engine: Engine, *, job_ids: Sequence[str] = (), limit: int = 20, offset: int = 0) -> list[JobRun]:
    """Job history, newest slot first (optionally for some jobs only)."""
    query = select(JobRun).order_by(JobRun.scheduled_for.desc(), JobRun.id.desc()).limit(limit).offset(offset)
    if job_ids:
        query = query.where(JobRun.job_id.in_(list(job_ids)))
    with unit_of_work(engine) as session:
        return list(session.scalars(query).all())


def latest_by_job(engine: Engine) -> dict[str, JobRun]:
    """Each job's most recent run."""
    newest = select(JobRun.job_id, func.max(JobRun.scheduled_for).label("slot")).group_by(JobRun.job_id).subquery()
    query = select(JobRun).join(newest, (JobRun.job_id == newest.c.job_id) & (JobRun.scheduled_for == newest.c.slot))
    with unit_of_work(engine) as session:
        return {run.job_id: run for run in session.scalars(query).all()}


def run_history(
    session: Session, *, job_id: str | None = None, status: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[JobRun], int]:
    """One page of the job history, newest slot first, optionally of one job and one status, with the total."""
    query = select(JobRun)
    if job_id:
        query = query.where(JobRun.job_id == job_id)
    if status:
        query = query.where(JobRun.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(JobRun.scheduled_for.desc(), JobRun.id.desc()).offset(offset).limit(limit))
    return list(rows.all()), total


def job_ids_seen(session: Session) -> list[str]:
    """Every job id that has run at least once, in order."""
    return list(session.scalars(select(JobRun.job_id).distinct().order_by(JobRun.job_id)).all())
