"""Render stored reports off the request path, in one warm render process per app process (``reports.worker``).

The process is started on the first report this app process is asked for (the web app lazily, the scheduler process
on its first report job) and then takes report ids over a pipe, one at a time, from a queue a daemon thread here
works through. The caps stay per report: the render process caps its address space and, before each report, its
CPU time; this side kills it when a report passes ``REPORT_TIME_LIMIT_S`` and starts another for the next one. It
retires itself after ``REPORT_PROCESS_MAX_REPORTS`` reports or past ``REPORT_PROCESS_MEMORY_MARK_MB`` of peak memory
(WeasyPrint does not hand all its memory back), and is stopped after ``REPORT_PROCESS_IDLE_S`` without work.

Whatever stops the render process, the report row says so: a killed process cannot record its own failure, so this
side does. A restart loses the in-memory queue, so the first report asked for after it first picks up the reports
left waiting (queued) and marks those left half-rendered past the time limit as failed. A report is taken with a
conditional update (``store.claim``), so a report offered twice is rendered once.

``render_now`` waits (the CLI, the scheduled job, the benchmark); ``render_in_background`` returns at once (the web:
the page then shows the progress).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from recruitment_watch.db import unit_of_work
from recruitment_watch.models import Report
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.reports import ReportStatus
from recruitment_watch.reports import store

log = logging.getLogger(__name__)

TIME_LIMIT_S = 300  # a report still rendering after this is killed and marked failed
MEMORY_LIMIT_MB = 2048  # WeasyPrint needs about 4.5 MB per page; 2 GB is a few hundred pages
MAX_REPORTS = 25  # reports one render process makes before it is replaced
MEMORY_MARK_MB = 700  # peak memory past which the render process is replaced after its report
IDLE_S = 600  # a render process without work for this long is stopped (its memory goes back)
ORPHAN_GRACE_S = 30  # a report queued longer than this when a process starts was left by a stopped process
START_GRACE_S = 120  # starting the render process (interpreter, app, WeasyPrint) is not counted in a report's limit


@dataclass(frozen=True)
class Limits:
    """The caps a report renders under, and when its render process is replaced (``REPORT_*`` in config)."""

    seconds: int = TIME_LIMIT_S
    memory_mb: int = MEMORY_LIMIT_MB
    max_reports: int = MAX_REPORTS
    memory_mark_mb: int = MEMORY_MARK_MB
    idle_s: int = IDLE_S

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        def setting(name: str, default: int) -> int:
            return int(config.get(name) or default)

        return cls(setting("REPORT_TIME_LIMIT_S", TIME_LIMIT_S), setting("REPORT_MEMORY_LIMIT_MB", MEMORY_LIMIT_MB),
                   setting("REPORT_PROCESS_MAX_REPORTS", MAX_REPORTS),
                   setting("REPORT_PROCESS_MEMORY_MARK_MB", MEMORY_MARK_MB),
                   setting("REPORT_PROCESS_IDLE_S", IDLE_S))  # fmt: skip


def worker_environment(config: Mapping[str, Any], instance_path: str | None) -> dict[str, str]:
    """This process's environment plus what the render process's app must share with ours (database, instance)."""
    env = dict(os.environ)
    env["RW_DATABASE_URL"] = str(config["DATABASE_URL"])
    if instance_path:
        env["RW_INSTANCE_PATH"] = str(instance_path)
    if config.get("TESTING"):
        env["RW_TESTING"] = "true"
    if config.get("PUBLIC_BASE_URL"):
        env["RW_PUBLIC_BASE_URL"] = str(config["PUBLIC_BASE_URL"])
    if config.get("RISK_WEIGHTS"):
        env["RW_RISK_WEIGHTS"] = json.dumps(config["RISK_WEIGHTS"])
    return env


def _command(limits: Limits) -> list[str]:
    return [sys.executable, "-m", "recruitment_watch.reports.worker", "--memory-mb", str(limits.memory_mb),
            "--cpu-seconds", str(limits.seconds), "--max-reports", str(limits.max_reports),
            "--memory-mark-mb", str(limits.memory_mark_mb)]  # fmt: skip


def record_if_lost(engine: Engine, report_id: int, reason: str) -> None:
    """Mark the report failed when its render process ended without saying how it went (killed, out of memory)."""
    with unit_of_work(engine, writing=True) as session:
        report = session.get(Report, report_id)
        if report is not None and report.status in (ReportStatus.queued.value, ReportStatus.rendering.value):
            store.mark_failed(report, reason, session=session)


def recover(engine: Engine, limits: Limits) -> list[int]:
    """After a restart: mark the reports left rendering past the time limit failed, and return those left queued."""
    now = utc_now()
    with unit_of_work(engine, writing=True) as session:
        for report in store.rendering_since(now - timedelta(seconds=limits.seconds + START_GRACE_S), session=session):
            store.mark_failed(report, "stopped: the process rendering it ended before it finished", session=session)
        return store.waiting_since(now - timedelta(seconds=ORPHAN_GRACE_S), session=session)


class RenderProcess:
    """One warm render process: send a report id, wait for its answer within the time limit."""

    def __init__(self, config: Mapping[str, Any], instance_path: str | None, limits: Limits) -> None:
        self.limits = limits
        self.process = subprocess.Popen(_command(limits), env=worker_environment(config, instance_path),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        encoding="utf-8", bufsize=1)  # fmt: skip
        self.answers: queue.Queue[str] = queue.Queue()
        self.served = 0
        threading.Thread(target=self._read, name="report-answers", daemon=True).start()

    def _read(self) -> None:
        with self.process.stdout:
            for line in self.process.stdout:
                self.answers.put(line.strip())
        self.answers.put("")  # the process ended

    def alive(self) -> bool:
        return self.process.poll() is None

    def render(self, report_id: int) -> tuple[int, bool]:
        """Render ``report_id``: (0 done, 1 failed or skipped, -9 killed at the time limit or the process's exit
        status), and whether this process is finished (retired, died or killed)."""
        limit = self.limits.seconds + (START_GRACE_S if self.served == 0 else 0)
        self.served += 1
        try:
            self.process.stdin.write(f"{report_id}\n")
            self.process.stdin.flush()
            answer = self.answers.get(timeout=limit)
        except (BrokenPipeError, OSError):
            answer = ""
        except queue.Empty:
            self.stop(at_once=True)
            return -9, True
        if not answer:
            return self.process.wait() or -1, True  # died: recorded as lost by the service
        words = answer.split()
        if len(words) < 2 or words[0] != str(report_id):  # not the protocol: do not trust this process any more
            self.stop(at_once=True)
            return -1, True
        return (0 if words[1] == "done" else 1), "retiring" in words

    def stop(self, *, at_once: bool = False) -> None:
        """End the process: close its input (it finishes and exits), or kill it."""
        if not at_once and self.alive():
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.alive():
            self.process.kill()
        self.process.wait()
        with contextlib.suppress(OSError):  # a broken pipe: the process is gone, the pipe closes all the same
            self.process.stdin.close()


class RenderService:
    """The queue of reports this app process asked for and the render process working through it."""

    def __init__(self, engine: Engine, config: Mapping[str, Any], instance_path: str | None) -> None:
        self.engine, self.config, self.instance_path = engine, dict(config), instance_path
        self.limits = Limits.from_config(config)
        self.jobs: queue.Queue[tuple[int, Future] | None] = queue.Queue()
        self.process: RenderProcess | None = None
        self.thread = threading.Thread(target=self._work, name="report-renderer", daemon=True)

    def start(self) -> None:
        """Start working, first offering the reports a stopped process left waiting."""
        for report_id in recover(self.engine, self.limits):
            self.submit(report_id)
        self.thread.start()

    def submit(self, report_id: int) -> Future:
        future: Future = Future()
        self.jobs.put((report_id, future))
        return future

    def _work(self) -> None:
        while True:
            try:
                job = self.jobs.get(timeout=self.limits.idle_s)
            except queue.Empty:
                self._stop_process()
                continue
            if job is None:
                self._stop_process()
                self.jobs.task_done()
                return
            report_id, future = job
            try:
                future.set_result(self._render(report_id))
            except Exception as exc:  # the queue must go on whatever one report does
                log.exception("report %s could not be rendered", report_id)
                future.set_exception(exc)
            finally:
                self.jobs.task_done()

    def _render(self, report_id: int) -> int:
        if self.process is None or not self.process.alive():
            self.process = RenderProcess(self.config, self.instance_path, self.limits)
        status, finished = self.process.render(report_id)
        if finished:
            self._stop_process()
        if status == -9:
            record_if_lost(self.engine, report_id, f"stopped: rendering took longer than {self.limits.seconds} s")
        elif status not in (0, 1):
            record_if_lost(self.engine, report_id, f"the render process exited with status {status} "
                                                   "(past its memory or CPU cap, or killed)")  # fmt: skip
        return status

    def _stop_process(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def close(self, wait_s: float = 15) -> None:
        """Stop after the report being rendered (the queue is picked up again by the next process to start);
        kill the render process if that takes longer than ``wait_s``."""
        while True:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job[1].cancel()  # the report stays queued in the database
            self.jobs.task_done()
        self.jobs.put(None)
        if self.thread.is_alive():
            self.thread.join(wait_s)
        if self.process is not None:
            self.process.stop(at_once=True)


_SERVICES: dict[tuple, RenderService] = {}
_LOCK = threading.Lock()


def service_for(engine: Engine, config: Mapping[str, Any], instance_path: str | None) -> RenderService:
    """This process's render service for the database and instance in ``config``, started on first use."""
    key = (str(config["DATABASE_URL"]), str(instance_path), Limits.from_config(config),
           json.dumps(worker_environment(config, instance_path), sort_keys=True))  # fmt: skip
    with _LOCK:
        found = _SERVICES.get(key)
        if found is None:
            found = _SERVICES[key] = RenderService(engine, config, instance_path)
            found.start()
        return found


def render_now(report_id: int, *, engine: Engine, config: Mapping[str, Any], instance_path: str | None = None) -> int:
    """Render in the warm render process and wait for it: 0 done, 1 failed, another number when the process was
    killed or died (the report row then says why)."""
    return service_for(engine, config, instance_path).submit(report_id).result()


def render_in_background(
    report_id: int, *, engine: Engine, config: Mapping[str, Any], instance_path: str | None = None
) -> Future:
    """Queue the report for the warm render process and return at once (the web page then shows the progress)."""
    return service_for(engine, config, instance_path).submit(report_id)


def pending() -> int:
    """Reports queued or rendering in this process's services (the tests wait for none)."""
    return sum(service.jobs.unfinished_tasks for service in list(_SERVICES.values()))


@atexit.register
def stop_all() -> None:
    """Stop every render process this process started (each finishes the reports already queued)."""
    with _LOCK:
        services = list(_SERVICES.values())
        _SERVICES.clear()
    for service in services:
        service.close()
