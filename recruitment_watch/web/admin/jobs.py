"""Admin: the scheduled jobs' history — every slot run, skipped or failed, by which process, with what it did."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from recruitment_watch.db import get_session
from recruitment_watch.models.vocab import Role, RunStatus
from recruitment_watch.services.scheduling.job_runs import job_ids_seen, run_history
from recruitment_watch.web.access import for_roles
from recruitment_watch.web.listing import csv_download, listed, wants_csv, whole_list

bp = Blueprint("admin_jobs", __name__, url_prefix="/admin/jobs")


@bp.get("")
@for_roles(Role.admin)
def index():
    """Job runs, newest first; filter by job and status; CSV of the whole history."""
    db = get_session()
    job_ids = job_ids_seen(db)
    job_id = request.args.get("job", "")
    job_id = job_id if job_id in job_ids else ""
    status = request.args.get("status", "")
    status = status if status in {s.value for s in RunStatus} else ""

    def fetch(offset: int, limit: int):
        return run_history(db, job_id=job_id or None, status=status or None, offset=offset, limit=limit)

    if wants_csv():
        header = ["id", "job", "scheduled_for", "trigger", "runner", "attempts", "status", "started_at", "finished_at",
                  "detail"]  # fmt: skip
        return csv_download("job-runs.csv", header, whole_list(fetch), lambda r: [
            r.id, r.job_id, r.scheduled_for, r.trigger, r.runner, r.attempts, r.status, r.started_at, r.finished_at,
            r.detail])  # fmt: skip
    rows, page = listed(fetch)
    return render_template("admin/jobs.html", rows=rows, page=page, job_ids=job_ids, job_id=job_id,
                           statuses=[s.value for s in RunStatus], status=status)  # fmt: skip
