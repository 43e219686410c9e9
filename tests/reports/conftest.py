"""A swept demo (300 contracts) per backend, and its reports rendered once per module: WeasyPrint takes seconds a
report on two cores, so each language is rendered once and every test reads the same files."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from recruitment_watch import create_app
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Agency, Complaint, Finding, Report, User, WorkerIdentity
from recruitment_watch.models.reports import ReportKind
from recruitment_watch.reports import run, store
from recruitment_watch.reports.produce import produce_report
from recruitment_watch.services.access.actor import actor_for_user
from recruitment_watch.services.sweeps.run import start_sweep
from tests.support.database import demo_loaded

PERIOD = (date(2026, 8, 1), date(2026, 10, 31))


@dataclass
class Rendered:
    """The reports made for the module, by name, with the app and what WeasyPrint complained about."""

    app: object
    instance: Path
    agency_id: int
    licence_no: str
    complaint_reference: str
    assignee_id: int
    other_inspector_id: int
    reports: dict[str, Report] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def pdf(self, name: str) -> Path:
        return store.file_path(self.instance, self.reports[name])


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())


def _ask(session, actor, kind: ReportKind, **scope) -> int:
    return store.request_report(actor, store.ReportRequest(kind, **scope), via="cli", session=session).id


def _most_findings(session) -> int:
    by_agency = select(Finding.agency_id).where(Finding.agency_id.is_not(None)).group_by(Finding.agency_id)
    return session.scalar(by_agency.order_by(func.count().desc(), Finding.agency_id).limit(1))


def _assigned_case(session, inspector_id: int) -> str:
    """A complaint whose worker has an identity on file, assigned to ``inspector_id``."""
    with_identity = select(Complaint).join(WorkerIdentity, WorkerIdentity.worker_id == Complaint.worker_id)
    complaint = session.scalar(with_identity.order_by(Complaint.id).limit(1))
    session.execute(update(Complaint).where(Complaint.id == complaint.id).values(assignee_user_id=inspector_id))
    return complaint.reference


def _ask_for_reports(session) -> tuple[dict[str, int], dict[str, object]]:
    agency_id = _most_findings(session)
    licence = session.scalar(select(Agency.licence_no).where(Agency.id == agency_id))
    inspectors = session.scalars(select(User.id).where(User.role == "inspector").order_by(User.id)).all()
    reference = _assigned_case(session, inspectors[0])
    console = store.ministry_console()
    ids = {f"agency_{lang}": _ask(session, console, ReportKind.agency, language=lang, licence_no=licence)
           for lang in ("en", "ur", "bn")}  # fmt: skip
    ids["ministry_en"] = _ask(session, console, ReportKind.ministry, period_start=PERIOD[0], period_end=PERIOD[1])
    for name, user_id in (("case_assignee", inspectors[0]), ("case_other", inspectors[1])):
        reader = actor_for_user(user_id, session=session)
        ids[name] = _ask(session, reader, ReportKind.complaint, complaint_reference=reference)
    facts = {"agency_id": agency_id, "licence_no": licence, "complaint_reference": reference,
             "assignee_id": inspectors[0], "other_inspector_id": inspectors[1]}  # fmt: skip
    return ids, facts


@pytest.fixture(autouse=True)
def render_processes_stopped() -> Iterator[None]:
    """Each test's app has an instance folder of its own, so a render process of its own: stop it afterwards."""
    yield
    run.stop_all()


@pytest.fixture(scope="module")
def rendered(engine, database_url, tmp_path_factory) -> Iterator[Rendered]:
    """Agency reports in en, ur and bn, a ministry quarter, and a case file read by its assigned inspector and by
    another inspector, on a swept 300-contract demo; WeasyPrint's warnings collected."""
    instance = tmp_path_factory.mktemp("reports-instance")
    with demo_loaded(engine, contracts=300, seed=11):
        start_sweep(engine, {}, full=True, trigger="cli")
        patch = pytest.MonkeyPatch()
        patch.setenv("RW_INSTANCE_PATH", str(instance))
        app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": database_url})
        warnings: list[str] = []
        handler = _Collect(warnings)
        logging.getLogger("weasyprint").addHandler(handler)
        try:
            with app.app_context(), unit_of_work(get_engine(app), writing=True) as session:
                ids, facts = _ask_for_reports(session)
            made = Rendered(app, instance, warnings=warnings, **facts)
            with app.app_context():
                for name, report_id in ids.items():
                    made.reports[name] = produce_report(report_id, engine=get_engine(app), instance_path=str(instance),
                                                        config=app.config)  # fmt: skip
            yield made
        finally:
            logging.getLogger("weasyprint").removeHandler(handler)
            get_engine(app).dispose()
            patch.undo()
