"""``jobs list|run|history``: what an operator sees of the scheduled jobs before the admin pages exist."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models.vocab import JobTrigger, RunStatus
from recruitment_watch.services.scheduling import job_runs
from recruitment_watch.services.sweeps.lock import exclusive_sweep
from tests.support.register import seed_small_register


def test_jobs_list_shows_every_job_with_schedule_next_slot_and_last_run(app, runner):
    app.config["SCHEDULES"] = {"sweep-full": "30 1 * * *", "retention": "off"}
    assert runner.invoke(args=["jobs", "run", "ministry-report"]).exit_code == 0
    out = runner.invoke(args=["jobs", "list"]).output
    blocks = {line.split()[0]: line for line in out.splitlines() if not line.startswith(" ")}
    assert list(blocks) == ["sweep-incremental", "sweep-full", "complaint-sla", "licence-expiry",
                            "risk-recommendations", "retention", "ministry-report"]  # fmt: skip
    assert "schedule: every 15 minutes; next: " in out
    assert "schedule: 30 1 * * * UTC; next: " in out
    assert "schedule: off (not scheduled); next: -" in out
    assert "last run: never" in out
    assert "succeeded (manual," in out and "ministry report R-" in out  # last month's report, made and stored


def test_jobs_run_sweeps_now_and_records_it_in_the_history(app, runner):
    with unit_of_work(get_engine(app)) as session:
        seed_small_register(session)
    result = runner.invoke(args=["jobs", "run", "sweep-incremental"])
    assert result.exit_code == 0, result.output
    assert re.match(r"sweep-incremental: succeeded: check run \d+ \(full\): \d+ new findings", result.output)
    history = runner.invoke(args=["jobs", "history", "--job", "sweep-incremental"]).output
    assert "sweep-incremental" in history and "succeeded (manual," in history
    assert re.search(r"check run \d+ \(full\)", history)


def test_a_scheduled_sweep_is_skipped_while_another_sweep_runs(app, runner):
    with exclusive_sweep(get_engine(app)):  # e.g. an inspector's `checks run --full`
        result = runner.invoke(args=["jobs", "run", "sweep-incremental"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sweep-incremental: skipped: another sweep is running on this database")
    history = runner.invoke(args=["jobs", "history", "--job", "sweep-incremental"]).output
    assert "skipped (manual," in history


def test_unknown_jobs_and_bad_schedules_are_refused_with_what_is_accepted(app, runner):
    unknown = runner.invoke(args=["jobs", "run", "nightly"])
    assert unknown.exit_code == 2
    assert "no job 'nightly'; known jobs: sweep-incremental, sweep-full, complaint-sla" in unknown.output
    app.config["SCHEDULES"] = {"sweep-full": "every day at two"}
    bad = runner.invoke(args=["jobs", "list"])
    assert bad.exit_code == 2
    assert "SCHEDULES['sweep-full']: schedule 'every day at two'" in bad.output
    assert "\"every 15 minutes\"" in bad.output


def test_history_shows_failures_with_their_traceback_pages_and_exports_csv(app, runner):
    engine = get_engine(app)
    for hour in range(3):
        slot = datetime(2026, 11, 25, hour, tzinfo=UTC)
        run_id = job_runs.claim_slot(engine, "complaint-sla", slot, runner="host:1", trigger=JobTrigger.schedule)
        if hour == 2:
            job_runs.finish_run(engine, run_id, RunStatus.failed, error="OperationalError: database is locked",
                                traceback='Traceback (most recent call last):\n  File "x.py", line 1\n')  # fmt: skip
        else:
            job_runs.finish_run(engine, run_id, RunStatus.succeeded, detail=f"run at {hour}")
    text = runner.invoke(args=["jobs", "history", "--traceback", "--limit", "2"]).output
    lines = text.splitlines()
    assert "2026-11-25 02:00:00 failed (schedule," in lines[0] and "OperationalError: database is locked" in lines[0]
    assert "Traceback (most recent call last):" in lines[1]
    assert "run at 1" in text and "run at 0" not in text
    assert "run at 0" in runner.invoke(args=["jobs", "history", "--limit", "2", "--page", "2"]).output
    exported = list(csv.DictReader(io.StringIO(runner.invoke(args=["jobs", "history", "--csv"]).output)))
    assert [row["status"] for row in exported] == ["failed", "succeeded", "succeeded"]
    assert exported[0]["error"] == "OperationalError: database is locked" and exported[2]["detail"] == "run at 0"


def test_the_web_app_never_starts_a_scheduler(client):
    import threading

    assert client.get("/healthz").status_code == 200
    assert [t.name for t in threading.enumerate() if t.name == "APScheduler"] == []
