"""A scheduler process for the takeover tests: the real SchedulerProcess, lock and JobRunner, plus one slow job.

Usage: python scheduler_process.py DATABASE_URL INSTANCE_PATH LOG_FILE

The ``tick`` job runs every 2 seconds and takes 0.8 s, so a kill -9 can land in the middle of a slot. Every
execution appends ``start <pid>`` and ``end <pid>`` lines to LOG_FILE, so the test counts executions apart from
what the job history records. The real jobs are all switched off.
"""

from __future__ import annotations

import logging
import os
import sys
import time

from recruitment_watch import create_app
from recruitment_watch.db import get_engine
from recruitment_watch.jobs.catalogue import JOBS, JobContext, JobSpec
from recruitment_watch.jobs.scheduler import JobRunner, SchedulerProcess
from recruitment_watch.leader import leader_lock_for
from recruitment_watch.services.scheduling.job_runs import JobResult


def main() -> None:
    url, instance, log_file = sys.argv[1:4]

    def tick(_ctx: JobContext) -> JobResult:
        with open(log_file, "a") as log:
            log.write(f"start {os.getpid()}\n")
        time.sleep(0.8)
        with open(log_file, "a") as log:
            log.write(f"end {os.getpid()}\n")
        return JobResult(f"ticked by {os.getpid()}")

    schedules = {spec.id: "off" for spec in JOBS} | {"tick": "every 2 seconds"}
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test", "SCHEDULES": schedules})
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(process)d %(levelname)s %(message)s")
    with app.app_context():
        jobs = (*JOBS, JobSpec("tick", "A slow test job", "every 2 seconds", tick))
        runner = JobRunner(get_engine(app), app.config, jobs=jobs)
        process = SchedulerProcess(runner, leader_lock_for(url, instance), poll_s=0.5)
        process.install_signal_handlers()
        print("ready", flush=True)
        process.serve()


if __name__ == "__main__":
    main()
