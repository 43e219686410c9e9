"""CLI for PDF reports: ``report agency LICENCE_NO``, ``report ministry --from --to``, ``report complaint REF``.

Each records the report (so its hash and verification page exist as for one made on the web), renders it in a
capped worker process, copies the file to ``--out`` and prints its id, SHA-256 and verification link.
"""

from __future__ import annotations

import shutil

import click
from flask import current_app
from flask.cli import with_appcontext

from recruitment_watch.cli.people import acting_person
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Report
from recruitment_watch.models.reports import ReportKind, ReportStatus
from recruitment_watch.reports import store
from recruitment_watch.reports.run import render_now
from recruitment_watch.services.errors import ServiceError

LANGUAGE = click.option("--lang", "language", type=click.Choice(store.LANGUAGES), default="en", show_default=True)
OUT = click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True,
                   help="Where to write the PDF.")  # fmt: skip


@click.group("report")
def report_group() -> None:
    """PDF compliance reports (PDF/A, verifiable by hash and QR code)."""


def _make(asked: store.ReportRequest, out: str, by: str | None) -> None:
    engine = get_engine()
    with unit_of_work(engine, writing=True) as session:
        actor = acting_person(by, session=session) if by else store.ministry_console()
        try:
            report_id = store.request_report(actor, asked, via="cli", session=session).id
        except ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
    render_now(report_id, engine=engine, config=current_app.config, instance_path=current_app.instance_path)
    with unit_of_work(engine) as session:
        report = session.get(Report, report_id)
        if report.status != ReportStatus.done.value:
            raise click.ClickException(f"report {report.public_id} failed: {report.error}")
        shutil.copyfile(store.file_path(current_app.instance_path, report), out)
        click.echo(f"report {report.public_id} written to {out} ({report.size_bytes} bytes)")
        click.echo(f"sha256 {report.sha256}")
        click.echo(f"verify at {store.verify_url(current_app.config, report.verification_token)}")


@report_group.command("agency")
@click.argument("licence_no")
@OUT
@LANGUAGE
@with_appcontext
def report_agency(licence_no: str, out: str, language: str) -> None:
    """The compliance report of the agency with licence number LICENCE_NO (as the ministry sees it)."""
    _make(store.ReportRequest(ReportKind.agency, language=language, licence_no=licence_no), out, None)


@report_group.command("ministry")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day (UTC).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day, included.")
@OUT
@LANGUAGE
@with_appcontext
def report_ministry(start, end, out: str, language: str) -> None:
    """The ministry's period report (a month or a quarter) from --from to --to."""
    asked = store.ReportRequest(ReportKind.ministry, language=language, period_start=start.date(),
                                period_end=end.date())  # fmt: skip
    _make(asked, out, None)


@report_group.command("complaint")
@click.argument("reference")
@OUT
@LANGUAGE
@click.option("--by", "email", required=True,
              help="The inspector or admin who reads it (e-mail); the worker's identity shows only for the assignee.")
@with_appcontext
def report_complaint(reference: str, out: str, language: str, email: str) -> None:
    """The case file of complaint REFERENCE."""
    _make(store.ReportRequest(ReportKind.complaint, language=language, complaint_reference=reference), out, email)

