"""The report rows: asking for a report (scope checked here, once, for the web, the CLI and the job alike), reading
them in the actor's scope, recording the rendering's progress, and checking a file against a stored fingerprint.

Who may ask for what: an agency for its own agency's report only; the ministry (inspectors, admins, and the console
or the scheduler acting for it) for any agency, the ministry period report and a complaint's case file. Another
organisation's report is reported as not existing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, false, func, select, update
from sqlmodel import Session

from recruitment_watch.models import Agency, Complaint, Report
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.reports import ReportKind, ReportStatus
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import N_, NotFound, ServiceError

LANGUAGES = ("en", "ur", "ar", "bn", "ne")
REPORTS_FOLDER = "reports"  # inside the instance folder, never served as static files
LONGEST_PERIOD_DAYS = 400  # a ministry report covers a month or a quarter; a year at most
PUBLIC_ID_PREFIX = "R-"
MAX_IN_PROGRESS = 2  # reports one person may have waiting or rendering at once (each is a process of its own)


@dataclass(frozen=True)
class ReportRequest:
    """What is asked for: a kind and its scope (a licence number, a period, or a complaint reference)."""

    kind: ReportKind
    language: str = "en"
    licence_no: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    complaint_reference: str | None = None


def verify_url(config: Mapping[str, Any], token: str) -> str:
    """The short public link printed under a report's QR code: ``<PUBLIC_BASE_URL>/reports/verify/<token>``."""
    return f"{str(config.get('PUBLIC_BASE_URL') or '').rstrip('/')}/reports/verify/{token}"


def ministry_console() -> Actor:
    """The ministry acting at the console or through the scheduler (no person: nobody's case identity is shown)."""
    return Actor(organisation_id=0, organisation_kind=OrganisationKind.ministry, organisation_name="ministry console",
                 role=Role.inspector, scopes=frozenset())  # fmt: skip


def last_month(today: date) -> tuple[date, date]:
    """The first and last day of the month before ``today``'s (the monthly ministry report's period)."""
    last = date.fromordinal(date(today.year, today.month, 1).toordinal() - 1)
    return date(last.year, last.month, 1), last


def public_id_for(report_id: int, requested_at: datetime) -> str:
    """``R-2026-000123``: the year it was asked for and the row id."""
    return f"{PUBLIC_ID_PREFIX}{requested_at.year}-{report_id:06d}"


def _ministry(actor: Actor) -> bool:
    return actor.sees_everything and actor.role in (Role.inspector, Role.admin)


def _agency_for(actor: Actor, licence_no: str | None, session: Session) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.licence_no == (licence_no or "")[:64]))
    if agency is None or not (_ministry(actor) or agency.id == actor.agency_id):
        raise NotFound(N_("There is no agency with licence number %(licence)s."), field="licence_no",
                       params={"licence": (licence_no or "")[:64]})  # fmt: skip
    return agency


def _checked_period(start: date | None, end: date | None) -> tuple[date, date]:
    if start is None or end is None or end < start or (end - start).days > LONGEST_PERIOD_DAYS:
        raise ServiceError(N_("Give a period of at most a year whose end is not before its start."), field="period")
    return start, end


def _in_progress(user_id: int, session: Session) -> int:
    working = (ReportStatus.queued.value, ReportStatus.rendering.value)
    return session.scalar(select(func.count()).select_from(Report).where(
        Report.generated_by_user_id == user_id, Report.status.in_(working)))  # fmt: skip


def request_report(actor: Actor, asked: ReportRequest, *, via: str, session: Session) -> Report:
    """Record a queued report after checking that ``actor`` may have it; the caller starts the rendering."""
    if actor.user_id is not None and _in_progress(actor.user_id, session) >= MAX_IN_PROGRESS:
        raise ServiceError(N_("Wait until your reports being made are ready before asking for another."))
    if asked.language not in LANGUAGES:
        raise ServiceError(N_("Reports are made in English, Urdu, Arabic, Bengali or Nepali."), field="language")
    now = utc_now()
    report = Report(kind=asked.kind.value, language=asked.language, requested_via=via, requested_at=now,
                    generated_at=now, generated_by_user_id=actor.user_id,
                    verification_token=secrets.token_urlsafe(24),
                    parameters={"audience": "ministry" if _ministry(actor) else "agency"})  # fmt: skip
    if asked.kind is ReportKind.agency:
        agency = _agency_for(actor, asked.licence_no, session)
        report.agency_id = agency.id
        report.parameters["licence_no"] = agency.licence_no
    elif not _ministry(actor):
        raise NotFound(N_("There is no such report."))
    elif asked.kind is ReportKind.ministry:
        report.period_start, report.period_end = _checked_period(asked.period_start, asked.period_end)
    else:
        reference = (asked.complaint_reference or "")[:24]
        complaint = session.scalar(select(Complaint).where(Complaint.reference == reference))
        if complaint is None:
            raise NotFound(N_("There is no case %(reference)s."), field="reference", params={"reference": reference})
        report.complaint_id = complaint.id
        report.parameters["reference"] = complaint.reference
    session.add(report)
    session.flush()
    report.public_id = public_id_for(report.id, now)
    session.flush()
    return report


def reports_of(actor: Actor) -> Select:
    """The reports ``actor`` may list and download: an agency its own agency's reports, the ministry all."""
    query = select(Report)
    if _ministry(actor):
        return query
    if actor.organisation_kind is OrganisationKind.agency and actor.agency_id is not None:
        return query.where(Report.kind == ReportKind.agency.value, Report.agency_id == actor.agency_id)
    return query.where(false())


@dataclass(frozen=True)
class ReportRow:
    """A report as the list shows it."""

    public_id: str
    kind: str
    language: str
    status: str
    scope: str  # the agency's name, the period, or the complaint reference
    requested_at: datetime
    size_bytes: int | None


def list_reports(actor: Actor, *, session: Session, offset: int, limit: int) -> tuple[list[ReportRow], int]:
    """One page of the reports ``actor`` may see, newest first, and how many there are."""
    query = reports_of(actor)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    found = session.execute(
        query.add_columns(Agency.name).outerjoin(Agency, Agency.id == Report.agency_id)
        .order_by(Report.id.desc()).offset(offset).limit(limit)
    ).all()  # fmt: skip
    return [
        ReportRow(report.public_id or "", report.kind, report.language, report.status, scope_of(report, name),
                  report.requested_at or report.generated_at, report.size_bytes)  # fmt: skip
        for report, name in found
    ], int(total or 0)


def scope_of(report: Report, agency_name: str | None = None) -> str:
    """What the report covers, in a few words (the public verification page shows it too)."""
    if report.kind == ReportKind.agency.value:
        return f"{agency_name or ''} ({report.parameters.get('licence_no', '')})".strip()
    if report.kind == ReportKind.ministry.value:
        return f"{report.period_start} – {report.period_end}"
    return str(report.parameters.get("reference", ""))


def report_of(actor: Actor, public_id: str, *, session: Session) -> Report:
    """One report ``actor`` may see, by its public id; ``NotFound`` otherwise (also for others' reports)."""
    found = session.scalar(reports_of(actor).where(Report.public_id == public_id[:24]))
    if found is None:
        raise NotFound(N_("There is no report %(report)s."), params={"report": public_id[:24]})
    return found


def report_by_token(token: str, *, session: Session) -> Report | None:
    """The finished report a verification token names (None for an unknown token or an unfinished report)."""
    if not token or len(token) > 64:
        return None
    return session.scalar(
        select(Report).where(Report.verification_token == token, Report.status == ReportStatus.done.value)
    )


def fingerprint(data: bytes) -> str:
    """The SHA-256 a report's file is known by."""
    return hashlib.sha256(data).hexdigest()


def file_matches(report: Report, data: bytes) -> bool:
    """Whether ``data`` is exactly the file this report produced (one changed byte makes it unknown)."""
    return report.sha256 is not None and secrets.compare_digest(fingerprint(data), report.sha256)


def file_path(instance_path: str | Path, report: Report) -> Path:
    """Where the report's file is (or will be) kept."""
    return Path(instance_path) / (report.storage_key or f"{REPORTS_FOLDER}/{report.public_id}.pdf")


def claim(report_id: int, *, session: Session) -> bool:
    """Take a queued report for rendering (its figures are read as of now, the time every page prints); False when
    it is not waiting any more. One conditional UPDATE, so two processes offered the same report (a report picked up
    again after a restart) never both render it."""
    taken = session.execute(
        update(Report).where(Report.id == report_id, Report.status == ReportStatus.queued.value)
        .values(status=ReportStatus.rendering.value, generated_at=utc_now(), error=None)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return taken.rowcount == 1


def waiting_since(before: datetime, *, session: Session) -> list[int]:
    """Queued reports asked for before ``before``: their process may have stopped before starting them."""
    return list(session.scalars(select(Report.id).where(
        Report.status == ReportStatus.queued.value, Report.requested_at < before).order_by(Report.id)))  # fmt: skip


def rendering_since(before: datetime, *, session: Session) -> list[Report]:
    """Reports taken for rendering before ``before``: past the time limit, their process is gone."""
    return list(session.scalars(select(Report).where(
        Report.status == ReportStatus.rendering.value, Report.generated_at < before).order_by(Report.id)))  # fmt: skip


def mark_done(report: Report, pdf: bytes, *, data_ms: int, render_ms: int, session: Session) -> None:
    """Record the finished file's fingerprint, size and timings (the file is already in place)."""
    report.status = ReportStatus.done.value
    report.sha256 = fingerprint(pdf)
    report.size_bytes = len(pdf)
    report.storage_key = f"{REPORTS_FOLDER}/{report.public_id}.pdf"
    report.data_ms, report.render_ms = data_ms, render_ms
    report.finished_at = utc_now()
    session.flush()


def mark_failed(report: Report, reason: str, *, session: Session) -> None:
    """Record why the report could not be made (time limit, memory cap, an error)."""
    report.status = ReportStatus.failed.value
    report.error = reason[:2000]
    report.finished_at = utc_now()
    session.flush()
