"""Compliance sweeps: judge every subject (or the changed ones) against the packs and record findings.

Only one sweep of a database runs at a time (``sweep_lock``). A run is registered (status ``running``) in its own
committed transaction; all its findings are then written in ONE transaction that also marks the run
``succeeded``. A sweep killed half-way therefore leaves no finding behind and no run marked successful; the next
successful run marks such orphans ``failed`` ("interrupted").

Incremental runs judge only subjects changed since the last successful run, except: criteria of a pack whose
digest changed are judged over everything, and complaints and agencies are always judged whole (SLA clocks and
12-month volumes move with time alone).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Engine, select, text, update
from sqlmodel import Session

from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks.subjects import SUBJECT_TYPES
from recruitment_watch.db import unit_of_work
from recruitment_watch.models import CheckRun
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import RunStatus
from recruitment_watch.services.criteria.pack_switches import judged_packs
from recruitment_watch.services.oversight.finding_tally import recount_changed
from recruitment_watch.services.sweeps.lock import exclusive_sweep
from recruitment_watch.services.sweeps.recording import Tally
from recruitment_watch.services.sweeps.scope import ALWAYS_WHOLE
from recruitment_watch.services.sweeps.strategies import strategy_named
from recruitment_watch.services.trust.capture import summarised
from recruitment_watch.services.trust.summaries import record_summary

# PostgreSQL: a sweep recording at least this many new findings refreshes the finding table's statistics (the
# planner would otherwise keep planning the next sweeps' per-subject lookups for a table it thinks is small).
REANALYZE_AFTER_NEW = 100_000

Judged = list[tuple[Pack, Criterion]]


class Strategy(Protocol):
    """How failures are found and recorded: set-based SQL, or the naive Python path (one subject at a time)."""

    name: str

    def judge_and_record(
        self,
        session,
        *,
        run_id: int,
        subject_type: str,
        judged: Judged,
        now: datetime,
        changed_since: datetime | None,
        repacked: frozenset[str],
    ) -> Tally: ...


def _last_success(session) -> CheckRun | None:
    return session.scalars(
        select(CheckRun).where(CheckRun.status == RunStatus.succeeded.value).order_by(CheckRun.started_at.desc())
    ).first()


def _groups(packs: list[Pack], subject_type: str, changed: set[str]) -> tuple[Judged, Judged]:
    """(criteria to judge over every subject, criteria to judge over changed subjects only)."""
    whole: Judged = []
    partial: Judged = []
    for pack in packs:
        for criterion in pack.criteria:
            if criterion.spec.subject == subject_type:
                (whole if pack.id in changed else partial).append((pack, criterion))
    return whole, partial


def start_sweep(
    engine: Engine,
    config: Mapping[str, Any] | None,
    *,
    full: bool,
    trigger: str,
    only_packs: set[str] | None = None,
    strategy: str = "sql",
) -> CheckRun:
    """The one way the CLI, API v1 and the scheduled jobs start a sweep: the named strategy (``config`` gives its
    ``SWEEP_*`` settings) under the sweep lock. Raises ``SweepInProgress`` when another sweep is running."""
    return run_sweep(engine, strategy_named(strategy, config), full=full, only_packs=only_packs, trigger=trigger)


def describe_run(run: CheckRun) -> str:
    """One line on a finished run: its id, mode, new, still open and auto-resolved findings, and its duration."""
    counts = run.counts or {}
    return (
        f"check run {run.id} ({run.mode}): {counts.get('new', 0)} new findings, {counts.get('still_open', 0)} still "
        f"open, {counts.get('auto_resolved', 0)} auto-resolved in {(run.duration_ms or 0) / 1000:.1f} s"
    )


def recent_check_runs(engine: Engine, *, limit: int) -> list[CheckRun]:
    """The latest check runs, newest first (detached: readable after the session closes)."""
    with unit_of_work(engine) as session:
        runs = list(session.scalars(select(CheckRun).order_by(CheckRun.id.desc()).limit(limit)).all())
        session.expunge_all()
        return runs


def run_sweep(
    engine: Engine,
    strategy: Strategy,
    *,
    full: bool = False,
    only_packs: set[str] | None = None,
    trigger: str = "cli",
    now: datetime | None = None,
) -> CheckRun:
    """Judge and record; returns the finished run. Raises (after recording the failure) when the sweep fails, and
    ``SweepInProgress`` (recording nothing) when another sweep of this database is running."""
    with exclusive_sweep(engine):
        return _locked_sweep(engine, strategy, full=full, only_packs=only_packs, trigger=trigger, now=now)


def _locked_sweep(
    engine: Engine, strategy: Strategy, *, full: bool, only_packs: set[str] | None, trigger: str, now: datetime | None
) -> CheckRun:
    now = now or utc_now()
    with unit_of_work(engine) as session:
        packs = judged_packs(session, only_packs)  # less the packs an admin switched off
    started = time.perf_counter()
    run, last = _open_run(engine, packs, full=full, trigger=trigger, now=now)
    try:
        with unit_of_work(engine, writing=True) as session:
            summarised(session, "sweep")  # millions of finding rows: one audit event for the run (_finish_run)
            tally = _judge_everything(session, strategy, run, packs, last, now)
            recount_changed(session, since=now)  # the dashboards' counts of the agencies this run wrote to
            _finish_run(session, run, tally, strategy, now=now, started=started)
    except BaseException as exc:
        _close(strategy)
        _record_failure(engine, run.id, exc, started=started)
        raise
    _close(strategy)
    if (run.counts or {}).get("new", 0) >= REANALYZE_AFTER_NEW and engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE finding"))  # the next sweeps' plans must know the findings are there
    return run


def _open_run(
    engine: Engine, packs: list[Pack], *, full: bool, trigger: str, now: datetime
) -> tuple[CheckRun, CheckRun | None]:
    """Record the run as running (its own transaction) and return it with the last successful run, if any."""
    with unit_of_work(engine, writing=True) as session:
        last = _last_success(session)
        incremental = not full and last is not None
        run = CheckRun(
            mode="incremental" if incremental else "full",
            trigger=trigger,
            packs=[{"id": pack.id, "version": pack.version, "digest": pack.digest} for pack in packs],
            started_at=now,
        )
        session.add(run)
    return run, last


def _judge_everything(
    session: Session, strategy: Strategy, run: CheckRun, packs: list[Pack], last: CheckRun | None, now: datetime
) -> Tally:
    """Judge each subject type: packs changed since ``last`` (or all, in a full run) over every subject, the others
    over what changed since ``last`` started."""
    tally = Tally()
    incremental = run.mode == "incremental"
    judged_by_last = {entry["id"]: entry["digest"] for entry in (last.packs if last else [])}
    repacked = frozenset(pack.id for pack in packs if judged_by_last.get(pack.id) != pack.digest)
    changed = {pack.id for pack in packs if not incremental or pack.id in repacked}
    since = last.started_at if incremental else None
    for subject_type in SUBJECT_TYPES:
        for judged, changed_since in zip(_groups(packs, subject_type, changed), (None, since), strict=True):
            if not judged:
                continue
            if changed_since is not None and subject_type in ALWAYS_WHOLE:
                changed_since = None
            tally.add(
                strategy.judge_and_record(
                    session,
                    run_id=run.id,
                    subject_type=subject_type,
                    judged=judged,
                    now=now,
                    changed_since=changed_since,
                    repacked=repacked,
                )
            )
    return tally


def _finish_run(
    session: Session, run: CheckRun, tally: Tally, strategy: Strategy, *, now: datetime, started: float
) -> None:
    """Mark runs that died before this one failed, and this one succeeded with its counts."""
    session.execute(
        update(CheckRun)
        .where(CheckRun.status == RunStatus.running.value, CheckRun.id != run.id, CheckRun.started_at <= now)
        .values(status=RunStatus.failed.value, error="interrupted: the run stopped without recording a result")
    )
    run.status = RunStatus.succeeded.value
    run.counts = {
        "new": tally.new,
        "still_open": tally.still_open,
        "auto_resolved": tally.resolved,
        "new_by_severity": tally.new_by_severity,
        "strategy": strategy.name,
    }
    run.finished_at = utc_now()
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    session.add(run)
    record_summary(session, action="sweep", object_type="check_run", object_id=run.id,
                   detail={"mode": run.mode, "trigger": run.trigger, **run.counts})  # fmt: skip


def _record_failure(engine: Engine, run_id: int, exc: BaseException, *, started: float) -> None:
    """Record the run failed with its traceback, in a transaction of its own (the sweep's was rolled back)."""
    with unit_of_work(engine, writing=True) as session:
        failed = session.get(CheckRun, run_id)
        failed.status = RunStatus.failed.value
        failed.error = "".join(traceback.format_exception(exc))[-4000:]
        failed.finished_at = utc_now()
        failed.duration_ms = int((time.perf_counter() - started) * 1000)


def _close(strategy: Strategy) -> None:
    """Let the strategy stop what it started for this sweep (worker processes)."""
    close = getattr(strategy, "close", None)
    if close is not None:
        close()
