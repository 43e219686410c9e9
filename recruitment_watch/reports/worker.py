"""``python -m recruitment_watch.reports.worker [--memory-mb N] [--cpu-seconds N] [--max-reports N]
[--memory-mark-mb N]``: the warm render process ``reports.run`` keeps. It reads report ids, one a line, on its standard
input and answers each on its standard output (``<id> done|failed|skipped``, then `` retiring`` when it is about to
exit); anything else it prints goes to standard error, so no library can garble the answers.

Why a warm process: a fresh interpreter building the whole app and importing WeasyPrint took 4.4 s of CPU before
the first figure was read, almost the 5 s a report may take. This process pays that once, and builds only what a
report needs (config, database engine, templates, translations, the ``term`` and ``number`` filters) instead of
``create_app``. The caps stay per report: the address space is capped once, before WeasyPrint is imported; the CPU
time is capped afresh before each report (what this process has used so far plus ``--cpu-seconds``); the parent
kills the process when a report passes its wall-clock limit. WeasyPrint does not hand all its memory back, so the
process retires after ``--max-reports`` reports or once its peak memory passes ``--memory-mark-mb``, and the parent
starts another for the next report.

The app is configured from the environment as any other process of this instance (``RW_DATABASE_URL``,
``RW_INSTANCE_PATH`` …), which the parent passes on.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sys
from typing import IO

WARM_UP_PAGE = '<!doctype html><html lang="en"><link rel="stylesheet" href="static/reports.css"><p>1 ·</p></html>'


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space: past it an allocation fails instead of exhausting the machine."""
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def limit_cpu_from_now(cpu_seconds: int) -> None:
    """Allow the next report ``cpu_seconds`` of CPU time on top of what this process has used (the soft limit only:
    past it the kernel ends the process with SIGXCPU, and the parent records the report as failed)."""
    if cpu_seconds <= 0:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(used.ru_utime + used.ru_stime) + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def peak_memory_mb() -> float:
    """The most memory this process has held so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report_app():
    """The smallest app a report renders in: config as ``create_app`` reads it, the database engine, the templates
    with the translations and the filters the report templates use. No blueprints, API, CLI or scheduler."""
    from flask import Flask
    from flask_babel import Babel

    from recruitment_watch.config import DEFAULTS, default_database_url, from_environment
    from recruitment_watch.db import ENGINE_KEY, make_engine
    from recruitment_watch.paths import shipped_dir
    from recruitment_watch.web import vocabulary
    from recruitment_watch.web.i18n import page_number

    app = Flask("recruitment_watch", instance_path=os.environ.get("RW_INSTANCE_PATH") or None,
                instance_relative_config=True, template_folder=str(shipped_dir("templates")))  # fmt: skip
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment(os.environ))
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = default_database_url(app.instance_path)
    Babel(app)
    vocabulary.init_app(app)
    app.add_template_filter(page_number, "number")
    app.extensions[ENGINE_KEY] = make_engine(app.config["DATABASE_URL"],
                                             busy_timeout_s=int(app.config["SQLITE_BUSY_TIMEOUT_S"]))  # fmt: skip
    return app


def warm_up() -> None:
    """Load WeasyPrint, fontconfig and the report stylesheet's Latin fonts before the first report is asked for."""
    from recruitment_watch.reports.render import html_to_pdf

    html_to_pdf(WARM_UP_PAGE)


def render_one(app, report_id: int) -> str:
    """Render one report; ``done``, ``failed`` (the reason is on the report row) or ``skipped`` (not waiting)."""
    from recruitment_watch.db import ENGINE_KEY
    from recruitment_watch.reports.produce import produce_report

    engine = app.extensions[ENGINE_KEY]
    try:
        with app.app_context():
            made = produce_report(report_id, engine=engine, instance_path=app.instance_path, config=app.config)
    except Exception as exc:  # recorded on the report row by produce_report
        print(f"report {report_id} failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return "failed"
    finally:
        engine.dispose()  # no connection held while idle (a test database can then be dropped)
    return "skipped" if made is None else "done"


def serve(app, answers: IO[str], *, cpu_seconds: int, max_reports: int, memory_mark_mb: int) -> int:
    """Answer report ids from standard input until it closes or this process has done its share."""
    served = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        limit_cpu_from_now(cpu_seconds)
        outcome = render_one(app, int(line))
        served += 1
        retiring = served >= max_reports > 0 or peak_memory_mb() > memory_mark_mb > 0
        answers.write(f"{int(line)} {outcome}{' retiring' if retiring else ''}\n")
        answers.flush()
        if retiring:
            break
    return 0


def main(argv: list[str] | None = None) -> int:
    """Start, warm up, then render the reports the parent sends."""
    parser = argparse.ArgumentParser(prog="python -m recruitment_watch.reports.worker")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--cpu-seconds", type=int, default=0)
    parser.add_argument("--max-reports", type=int, default=0)
    parser.add_argument("--memory-mark-mb", type=int, default=0)
    args = parser.parse_args(argv)
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to standard error, never into the answers
    limit_memory(args.memory_mb)
    app = report_app()
    with app.app_context():
        warm_up()
    return serve(app, answers, cpu_seconds=args.cpu_seconds, max_reports=args.max_reports,
                 memory_mark_mb=args.memory_mark_mb)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
