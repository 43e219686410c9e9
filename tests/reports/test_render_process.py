"""The warm render process: one process renders the reports in turn and is replaced after its share; a report past
its time limit is stopped and recorded as failed while the next one still renders; after a restart the reports left
waiting are rendered and those left half-made are marked failed."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Report
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.reports import ReportKind, ReportStatus
from recruitment_watch.reports import run, store
from tests.api.conftest import world  # noqa: F401  (the organisations: agencies A and B, NGOs, the ministry)


def _ask(app) -> int:
    with unit_of_work(get_engine(app), writing=True) as session:
        asked = store.ReportRequest(ReportKind.agency, licence_no="NP-LIC-0001")
        return store.request_report(store.ministry_console(), asked, via="cli", session=session).id


def _render(app, report_id: int) -> int:
    return run.render_now(report_id, engine=get_engine(app), config=app.config, instance_path=app.instance_path)


def _report(app, report_id: int) -> Report:
    with unit_of_work(get_engine(app)) as session:
        report = session.get(Report, report_id)
        session.expunge(report)
        return report


def _service(app) -> run.RenderService:
    return run.service_for(get_engine(app), app.config, app.instance_path)


def test_one_process_renders_the_reports_in_turn_and_is_replaced_after_its_share(app, world):  # noqa: F811
    app.config["REPORT_PROCESS_MAX_REPORTS"] = 2
    first = _ask(app)
    assert _render(app, first) == 0
    warm = _service(app).process.process.pid
    second = _ask(app)
    assert _render(app, second) == 0
    assert _service(app).process is None  # retired after its two reports: its memory went back
    third = _ask(app)
    assert _render(app, third) == 0
    assert _service(app).process.process.pid != warm
    for report_id in (first, second, third):
        report = _report(app, report_id)
        assert report.status == ReportStatus.done.value and report.error is None
        pdf = store.file_path(app.instance_path, report).read_bytes()
        assert pdf.startswith(b"%PDF") and store.fingerprint(pdf) == report.sha256
    done = _report(app, first)
    assert _render(app, first) == 1  # a finished report is not taken again
    assert (_report(app, first).sha256, _report(app, first).finished_at) == (done.sha256, done.finished_at)


def test_a_report_past_its_time_limit_is_stopped_and_the_next_one_still_renders(app, world):  # noqa: F811
    # Short enough to wait for, long enough that a loaded CI machine renders the small reports within it (the frozen
    # process never answers, whatever the limit).
    app.config["REPORT_TIME_LIMIT_S"] = 8
    assert _render(app, _ask(app)) == 0  # a new process's first report may also take its start-up time
    frozen = _service(app).process.process.pid
    os.kill(frozen, signal.SIGSTOP)  # the process stops answering, as one stuck in a huge layout would
    stuck = _ask(app)
    assert _render(app, stuck) == -9
    report = _report(app, stuck)
    assert report.status == ReportStatus.failed.value
    assert report.error == "stopped: rendering took longer than 8 s"
    after = _ask(app)
    assert _render(app, after) == 0
    assert _service(app).process.process.pid != frozen
    assert _report(app, after).status == ReportStatus.done.value


def test_after_a_restart_waiting_reports_are_rendered_and_half_made_ones_fail(app, world):  # noqa: F811
    left_waiting, left_rendering = _ask(app), _ask(app)
    long_ago = utc_now() - timedelta(hours=1)
    with unit_of_work(get_engine(app), writing=True) as session:
        session.get(Report, left_waiting).requested_at = long_ago
        rendering = session.get(Report, left_rendering)
        rendering.status, rendering.generated_at = ReportStatus.rendering.value, long_ago
    fresh = _ask(app)
    assert _render(app, fresh) == 0  # the first report asked for after the restart starts the render process
    assert _report(app, fresh).status == ReportStatus.done.value
    picked_up = _report(app, left_waiting)
    assert picked_up.status == ReportStatus.done.value and picked_up.sha256
    failed = _report(app, left_rendering)
    assert failed.status == ReportStatus.failed.value
    assert failed.error == "stopped: the process rendering it ended before it finished"
