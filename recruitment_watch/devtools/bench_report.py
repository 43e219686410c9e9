"""``recruitment-watch bench report``: how long PDF reports take, end to end, and how much of it is WeasyPrint.

- Agency report: one agency given exactly 2,000 contracts, 300 findings and 50 complaints (taken from a swept
  5,000-contract demo, the smallest with 50 complaints), rendered as the web and the CLI do it:
  the report row, the render process (figures, layout, file, hash). Target: 5 s end to end.
- Ministry quarterly report over a demo of N contracts (the quarter ending today: the demo records its contracts
  today). Target at 1 M contracts: 20 s.

Each report is made twice: first while the render process starts (interpreter, app, WeasyPrint: what the first
report after a deployment or a replacement costs), then by the warm process (every other report).

Each figure is printed with the share spent outside WeasyPrint's own rendering, and the ratio against a baseline
measured in the same run: WeasyPrint laying out a one-page document in this process (the machine's floor).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select, update

from recruitment_watch.db import unit_of_work
from recruitment_watch.models import Agency, Complaint, Contract, ContractVersion, FeePayment, Finding, Report
from recruitment_watch.models.reports import ReportKind, ReportStatus
from recruitment_watch.reports import store
from recruitment_watch.reports.render import html_to_pdf
from recruitment_watch.reports.run import render_now, stop_all
from recruitment_watch.services.oversight.finding_tally import recount

AGENCY_SHAPE = {"contracts": 2_000, "findings": 300, "complaints": 50}
MINIMAL_PAGE = "<!doctype html><html lang=en><title>baseline</title><p>One page of text.</p></html>"


@dataclass(frozen=True)
class Timing:
    """One report made end to end, and its parts as the report row records them."""

    public_id: str
    total_s: float
    data_s: float
    render_s: float
    pages_bytes: int

    @property
    def outside_render(self) -> float:
        """The share of the end-to-end time not spent in WeasyPrint's layout and writing."""
        return max(0.0, 1 - self.render_s / self.total_s) if self.total_s else 0.0


def _move(session, model, column, ids, agency_id: int) -> None:
    session.execute(update(model).where(column.in_(ids)).values(agency_id=agency_id))


def shape_agency(engine: Engine) -> tuple[str, tuple[int, int, int]]:
    """Make the demo's first agency hold exactly 2,000 contracts (with their versions and fee payments), 300 findings
    and 50 complaints, taken from the whole demo; its licence number and those counts as stored."""
    with unit_of_work(engine, writing=True) as session:
        first, second = session.scalars(select(Agency.id).order_by(Agency.id).limit(2)).all()
        licence = session.scalar(select(Agency.licence_no).where(Agency.id == first))
        contracts = select(Contract.id).order_by(Contract.id).limit(AGENCY_SHAPE["contracts"]).scalar_subquery()
        others = select(Contract.id).where(Contract.agency_id == first, Contract.id.not_in(contracts))
        for model, column in ((Contract, Contract.id), (ContractVersion, ContractVersion.contract_id),
                              (FeePayment, FeePayment.contract_id)):  # fmt: skip
            _move(session, model, column, others.scalar_subquery(), second)
            _move(session, model, column, contracts, first)
        session.execute(update(Finding).where(Finding.agency_id == first).values(agency_id=second))
        findings = select(Finding.id).order_by(Finding.id).limit(AGENCY_SHAPE["findings"]).scalar_subquery()
        _move(session, Finding, Finding.id, findings, first)
        session.execute(update(Complaint).where(Complaint.respondent_agency_id == first)
                        .values(respondent_agency_id=second))  # fmt: skip
        complaints = select(Complaint.id).order_by(Complaint.id).limit(AGENCY_SHAPE["complaints"]).scalar_subquery()
        session.execute(update(Complaint).where(Complaint.id.in_(complaints)).values(respondent_agency_id=first))
        recount(session)

        def counted(model, column) -> int:
            return session.scalar(select(func.count()).select_from(model).where(column == first))

        return licence, (counted(Contract, Contract.agency_id), counted(Finding, Finding.agency_id),
                         counted(Complaint, Complaint.respondent_agency_id))  # fmt: skip


def make_report(engine: Engine, config, instance: str, asked: store.ReportRequest) -> Timing:
    """Ask for ``asked`` as the ministry console and render it in a worker, timing the whole."""
    started = time.perf_counter()
    with unit_of_work(engine, writing=True) as session:
        report_id = store.request_report(store.ministry_console(), asked, via="cli", session=session).id
    render_now(report_id, engine=engine, config=config, instance_path=instance)
    total = time.perf_counter() - started
    with unit_of_work(engine) as session:
        report = session.get(Report, report_id)
        if report.status != ReportStatus.done.value:
            raise RuntimeError(f"report {report.public_id} failed: {report.error}")
        return Timing(report.public_id, total, (report.data_ms or 0) / 1000, (report.render_ms or 0) / 1000,
                      report.size_bytes or 0)  # fmt: skip


def baseline_seconds(repeats: int = 3) -> float:
    """WeasyPrint's floor on this machine now: a one-page document, median of ``repeats``."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        html_to_pdf(MINIMAL_PAGE)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def echo_timing(label: str, timing: Timing, baseline: float, target: float, echo: Callable[[str], None]) -> None:
    echo(f"{label}: {timing.public_id} {timing.total_s:.2f} s end to end (target ≤ {target:g} s) — figures "
         f"{timing.data_s:.2f} s, WeasyPrint {timing.render_s:.2f} s, outside WeasyPrint's render "
         f"{timing.outside_render:.0%}; {timing.pages_bytes / 1024:.0f} KB; "
         f"{timing.total_s / baseline:.1f} × the one-page baseline ({baseline:.2f} s)")  # fmt: skip


def run_agency_benchmark(engine: Engine, config, instance: Path, echo: Callable[[str], None]) -> Timing:
    """The agency report of the shaped agency, in English."""
    licence, (contracts, findings, complaints) = shape_agency(engine)
    echo(f"agency {licence}: {contracts} contracts, {findings} findings, {complaints} complaints")
    baseline = baseline_seconds()
    asked = store.ReportRequest(ReportKind.agency, licence_no=licence)
    return _cold_then_warm("agency report", engine, config, instance, asked, baseline, 5, echo)


def _cold_then_warm(label: str, engine: Engine, config, instance: Path, asked: store.ReportRequest, baseline: float,
                    target: float, echo: Callable[[str], None]) -> Timing:  # fmt: skip
    """The report made while the render process starts, then by the warm process (returned)."""
    try:
        echo_timing(f"{label} (render process starting)", make_report(engine, config, str(instance), asked),
                    baseline, target, echo)  # fmt: skip
        timing = make_report(engine, config, str(instance), asked)
        echo_timing(f"{label} (warm render process)", timing, baseline, target, echo)
    finally:
        stop_all()
    return timing


def run_ministry_benchmark(engine: Engine, config, instance: Path, echo: Callable[[str], None]) -> Timing:
    """The ministry report over the quarter ending today."""
    today = date.today()
    asked = store.ReportRequest(ReportKind.ministry, period_start=today - timedelta(days=91), period_end=today)
    baseline = baseline_seconds()
    return _cold_then_warm("ministry quarterly report", engine, config, instance, asked, baseline, 20, echo)
