"""Make one stored report: read its figures, render the PDF, keep the file and its fingerprint.

Runs inside the render process (``reports.worker``), never in a web request: WeasyPrint holds the whole document in
memory until it is written and does not hand all of it back, so that process is replaced after a number of reports
or past a memory mark (``reports.run``). Each step commits, so the web page asking about progress sees ``rendering``
at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Engine

from recruitment_watch.charts import bar_chart, line_chart
from recruitment_watch.db import unit_of_work
from recruitment_watch.models import Report
from recruitment_watch.models.reports import ReportKind
from recruitment_watch.reports import store
from recruitment_watch.reports.builders.agency import SEVERITY_ORDER, build_agency_report
from recruitment_watch.reports.builders.complaint import build_complaint_report
from recruitment_watch.reports.builders.ministry import SEVERITIES, build_ministry_report
from recruitment_watch.reports.render import RTL_LANGUAGES, Rendered, Stamp, render_pdf
from recruitment_watch.services.access.actor import actor_for_user

ISSUER = "recruitment_watch — labour ministry compliance monitoring"


def _charts(kind: str, data: Any, rtl: bool) -> dict[str, Any]:
    """The charts of a report, drawn in its language (the numbers are in tables beside them too)."""
    if kind == ReportKind.agency.value:
        return {
            "trend": line_chart(_("Findings first recorded, by month"), data.trend, rtl=rtl),
            "corridors": bar_chart(_("Contracts by corridor"), [(c, t) for c, _cells, t in data.corridors.rows[:12]],
                                   rtl=rtl),  # fmt: skip
        }
    if kind == ReportKind.ministry.value:
        return {
            "corridors": bar_chart(_("Contracts by corridor"), [(c, t) for c, _cells, t in data.matrix[:12]], rtl=rtl),
            "severity": bar_chart(_("Findings by severity"), [(r.label, r.value) for r in data.findings_by_severity],
                                  rtl=rtl),  # fmt: skip
        }
    return {}


def build_data(report: Report, *, session, config: Mapping[str, Any]) -> Any:
    """The report's figures, as its request's audience may see them."""
    risk_config = config.get("RISK_WEIGHTS") or None
    if report.kind == ReportKind.agency.value:
        return build_agency_report(report.agency_id, session=session, on=report.generated_at.date(),
                                   for_agency=report.parameters.get("audience") != "ministry",
                                   risk_config=risk_config)  # fmt: skip
    if report.kind == ReportKind.ministry.value:
        return build_ministry_report(report.period_start, report.period_end, session=session, risk_config=risk_config)
    reader = actor_for_user(report.generated_by_user_id, session=session) if report.generated_by_user_id else None
    return build_complaint_report(reader, report.parameters.get("reference", ""), session=session)


def template_arguments(report: Report, data: Any, config: Mapping[str, Any]) -> tuple[Stamp, dict[str, Any]]:
    """The stamp and the charts (drawn in the report's language) its template is filled with."""
    stamp = Stamp(report.public_id, report.generated_at, report.language,
                  store.verify_url(config, report.verification_token))  # fmt: skip
    with force_locale(report.language):
        charts = _charts(report.kind, data, report.language in RTL_LANGUAGES)
    severities = SEVERITY_ORDER[:4] if report.kind == ReportKind.agency.value else SEVERITIES
    return stamp, {"charts": charts, "severities": severities}


def render_report(report: Report, data: Any, config: Mapping[str, Any]) -> Rendered:
    """Render ``report`` from its figures (inside an app context)."""
    stamp, extra = template_arguments(report, data, config)
    return render_pdf(report.kind, data, stamp, author=ISSUER, extra=extra)


def _write_atomically(path: Path, pdf: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_suffix(".part")
    draft.write_bytes(pdf)
    os.replace(draft, path)


def produce_report(report_id: int, *, engine: Engine, instance_path: str, config: Mapping[str, Any]) -> Report | None:
    """Render report ``report_id`` and record the outcome (``done`` with its hash, or ``failed`` with the reason);
    None when the report was not waiting (another process took it, or it is finished)."""
    with unit_of_work(engine, writing=True) as session:
        if not store.claim(report_id, session=session):
            return None
    try:
        with unit_of_work(engine) as session:
            report = session.get(Report, report_id)
            started = time.perf_counter()
            data = build_data(report, session=session, config=config)
            built_ms = round((time.perf_counter() - started) * 1000)
            rendered = render_report(report, data, config)
            target = store.file_path(instance_path, report)
            session.rollback()  # read only
        _write_atomically(target, rendered.pdf)
    except Exception as exc:
        with unit_of_work(engine, writing=True) as session:
            store.mark_failed(session.get(Report, report_id), f"{type(exc).__name__}: {exc}", session=session)
        raise
    with unit_of_work(engine, writing=True) as session:
        report = session.get(Report, report_id)
        store.mark_done(report, rendered.pdf, data_ms=built_ms + rendered.data_ms, render_ms=rendered.render_ms,
                        session=session)  # fmt: skip
        session.flush()
        session.expunge(report)
    return report
