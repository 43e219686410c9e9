"""What each person sees first after signing in, through the same scoped queries as the API: an agency its own
contracts and findings, an NGO its own complaints, inspectors and admins everything, with the last sweep."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from recruitment_watch.models import CheckRun, Finding
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, OrganisationKind
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.access.scoping import complaints_of, contracts_of, findings_of
from recruitment_watch.services.oversight.finding_tally import open_by_severity

NEWEST = 10


@dataclass(frozen=True)
class LastSweep:
    id: int
    mode: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None


@dataclass
class Dashboard:
    open_findings_by_severity: list[tuple[str, int]]
    newest_findings: list[Finding]
    contracts: int | None = None
    complaints_by_status: list[tuple[str, int]] = field(default_factory=list)
    last_sweep: LastSweep | None = None

    @property
    def open_findings(self) -> int:
        return sum(count for _, count in self.open_findings_by_severity)


def dashboard_for(actor: Actor, *, session: Session) -> Dashboard:
    """The first page's figures for ``actor``."""
    newest = session.scalars(
        findings_of(actor).where(Finding.status.in_([status.value for status in OPEN_FINDING_STATUSES]))
        .order_by(Finding.id.desc()).limit(NEWEST)
    ).all()
    board = Dashboard(
        open_findings_by_severity=open_by_severity(actor, session=session),
        newest_findings=list(newest),
    )
    if actor.organisation_kind is OrganisationKind.agency:
        board.contracts = session.scalar(select(func.count()).select_from(contracts_of(actor).subquery())) or 0
    if actor.organisation_kind is not OrganisationKind.agency:
        complaints = complaints_of(actor).subquery()
        board.complaints_by_status = [
            (status, count)
            for status, count in session.execute(
                select(complaints.c.status, func.count()).group_by(complaints.c.status).order_by(complaints.c.status)
            ).all()
        ]
    if actor.sees_everything:
        run = session.scalar(select(CheckRun).order_by(CheckRun.id.desc()).limit(1))
        if run is not None:
            board.last_sweep = LastSweep(run.id, run.mode, run.status, run.started_at, run.finished_at,
                                         run.duration_ms)  # fmt: skip
    return board
