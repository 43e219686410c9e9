"""Scheduled jobs: the catalogue of jobs, their schedules, the elected scheduler process and its CLI.

The scheduler runs in its own process (``recruitment-watch scheduler run``), never inside the web app; every job
calls services and records itself in the job-run ledger (``services.scheduling.job_runs``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach the ``scheduler`` and ``jobs`` command groups to the app's CLI."""
    from recruitment_watch.jobs.commands import jobs_group, scheduler_group

    app.cli.add_command(scheduler_group)
    app.cli.add_command(jobs_group)
