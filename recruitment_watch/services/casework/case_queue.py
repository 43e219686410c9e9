"""The inspectors' complaint queue: filters (category, severity, status, SLA state, agency, corridor, assignee), one
page at a time, and the choices the filter form offers.

The SLA state is read from the due dates the hourly complaint-sla job keeps on each complaint (``ack_due_at``,
``resolve_due_at``): a clock runs until its stop field is set (acknowledged, resolved); a case whose running clock
is past due is *overdue*, one due within ``DUE_SOON`` is *due soon*, any other open case is *on track*. A case that
is no longer open has no SLA state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlmodel import Session

from recruitment_watch.models import Agency, Complaint, Organisation, User
from recruitment_watch.models.base import unpack_list
from recruitment_watch.models.vocab import OPEN_COMPLAINT_STATUSES, ComplaintCategory, OrganisationKind, Role
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import Actor

# A running clock due within this long counts as "due soon" [INFERRED: one working day of warning].
DUE_SOON = timedelta(hours=24)
UNASSIGNED = "unassigned"
CATEGORIES = tuple(category.value for category in ComplaintCategory)


class SlaState(StrEnum):
    on_track = "on_track"
    due_soon = "due_soon"
    overdue = "overdue"


@dataclass(frozen=True)
class QueueFilters:
    """What the inspector narrowed the queue to; empty values filter nothing. ``assignee`` is a user id, or
    ``UNASSIGNED``."""

    category: str = ""
    severity: str = ""
    status: str = ""
    sla_state: str = ""
    agency_id: int | None = None
    origin_country: str = ""
    destination_country: str = ""
    assignee: str = ""


@dataclass(frozen=True)
class QueueRow:
    """One complaint as the queue lists it."""

    id: int
    reference: str
    received_at: datetime
    categories: list[str]
    severity: str
    status: str
    sla_state: str | None
    next_due_at: datetime | None
    agency_name: str | None
    respondent_name: str | None
    origin_country: str | None
    destination_country: str | None
    assignee_name: str | None
    duplicate_of_id: int | None


@dataclass(frozen=True)
class QueueChoices:
    """What the filter and assignment forms offer: agencies complained about, corridors, the ministry's inspectors."""

    agencies: list[tuple[int, str]]
    origins: list[str]
    destinations: list[str]
    inspectors: list[tuple[int, str]]


def open_condition() -> ColumnElement[bool]:
    """SQL: the complaint is still open (it has an SLA state)."""
    return Complaint.status.in_([status.value for status in OPEN_COMPLAINT_STATUSES])


def running_due_before(moment: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """A running clock (stop field unset, due date known) falls due before ``moment``."""
    return or_(
        and_(Complaint.acknowledged_at.is_(None), Complaint.ack_due_at.is_not(None), Complaint.ack_due_at < moment),
        and_(Complaint.resolved_at.is_(None), Complaint.resolve_due_at.is_not(None), Complaint.resolve_due_at < moment),
    )


def sla_condition(state: SlaState, now: datetime) -> ColumnElement[bool]:
    """The SQL condition of one SLA state at ``now`` (the twin of ``sla_state_of``)."""
    overdue = running_due_before(now)
    due_soon = running_due_before(now + DUE_SOON)
    if state is SlaState.overdue:
        return and_(open_condition(), overdue)
    if state is SlaState.due_soon:
        return and_(open_condition(), ~overdue, due_soon)
    return and_(open_condition(), ~due_soon)


def running_due_dates(complaint: Complaint) -> list[datetime]:
    """The due dates of the complaint's clocks that still run."""
    if complaint.status not in {status.value for status in OPEN_COMPLAINT_STATUSES}:
        return []
    dates = []
    if complaint.acknowledged_at is None and complaint.ack_due_at is not None:
        dates.append(complaint.ack_due_at)
    if complaint.resolved_at is None and complaint.resolve_due_at is not None:
        dates.append(complaint.resolve_due_at)
    return dates


def sla_state_of(complaint: Complaint, now: datetime) -> SlaState | None:
    """The complaint's SLA state at ``now``; None for a case that is no longer open."""
    if complaint.status not in {status.value for status in OPEN_COMPLAINT_STATUSES}:
        return None
    dates = running_due_dates(complaint)
    if any(due < now for due in dates):
        return SlaState.overdue
    if any(due < now + DUE_SOON for due in dates):
        return SlaState.due_soon
    return SlaState.on_track


def _filtered(actor: Actor, filters: QueueFilters, now: datetime):
    query = scoping.complaints_of(actor, status=filters.status or None)
    if filters.category:
        query = query.where(Complaint.categories.contains(f",{filters.category},", autoescape=True))
    if filters.severity:
        query = query.where(Complaint.severity == filters.severity)
    if filters.sla_state in {state.value for state in SlaState}:
        query = query.where(sla_condition(SlaState(filters.sla_state), now))
    elif filters.sla_state:
        query = query.where(false())
    if filters.agency_id is not None:
        query = query.where(Complaint.respondent_agency_id == filters.agency_id)
    if filters.origin_country:
        query = query.where(Complaint.origin_country == filters.origin_country.upper())
    if filters.destination_country:
        query = query.where(Complaint.destination_country == filters.destination_country.upper())
    if filters.assignee == UNASSIGNED:
        query = query.where(Complaint.assignee_user_id.is_(None))
    elif filters.assignee:
        assignee = int(filters.assignee) if filters.assignee.isdigit() else 0
        query = query.where(Complaint.assignee_user_id == assignee)
    return query


def case_queue(
    actor: Actor, filters: QueueFilters, *, session: Session, now: datetime, offset: int = 0, limit: int = 50
) -> tuple[list[QueueRow], int]:
    """One page of the complaints the actor may see, newest first, and how many match in all."""
    query = _filtered(actor, filters, now)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = (
        query.add_columns(Agency.name, User.full_name)
        .outerjoin(Agency, Agency.id == Complaint.respondent_agency_id)
        .outerjoin(User, User.id == Complaint.assignee_user_id)
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
        .offset(offset)
        .limit(limit)
    )
    rows = []
    for complaint, agency_name, assignee_name in session.execute(page).all():
        dates = running_due_dates(complaint)
        state = sla_state_of(complaint, now)
        rows.append(
            QueueRow(
                id=complaint.id,
                reference=complaint.reference,
                received_at=complaint.received_at,
                categories=unpack_list(complaint.categories),
                severity=complaint.severity,
                status=complaint.status,
                sla_state=state.value if state else None,
                next_due_at=min(dates) if dates else None,
                agency_name=agency_name,
                respondent_name=complaint.respondent_name,
                origin_country=complaint.origin_country,
                destination_country=complaint.destination_country,
                assignee_name=assignee_name,
                duplicate_of_id=complaint.duplicate_of_id,
            )
        )
    return rows, total


def ministry_inspectors(session: Session, organisation_id: int) -> list[tuple[int, str]]:
    """The active inspectors of the ministry ``organisation_id``, by name: the people a case may be assigned to."""
    rows = session.execute(
        select(User.id, User.full_name)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(
            User.organisation_id == organisation_id,
            Organisation.kind == OrganisationKind.ministry.value,
            User.role == Role.inspector.value,
            User.is_active.is_(True),
        )
        .order_by(User.full_name, User.id)
    ).all()
    return [(row.id, row.full_name) for row in rows]


def queue_choices(actor: Actor, *, session: Session) -> QueueChoices:
    """The agencies complained about, the corridors seen and the inspectors, for the filter and assignment forms."""
    scoped = scoping.complaints_of(actor).subquery()
    agencies = session.execute(
        select(Agency.id, Agency.name).where(Agency.id.in_(select(scoped.c.respondent_agency_id))).order_by(Agency.name)
    ).all()

    def countries(column) -> list[str]:
        return list(session.scalars(select(column).where(column.is_not(None)).distinct().order_by(column)).all())

    return QueueChoices(
        agencies=[(row.id, row.name) for row in agencies],
        origins=countries(scoped.c.origin_country),
        destinations=countries(scoped.c.destination_country),
        inspectors=ministry_inspectors(session, actor.organisation_id) if actor.sees_everything else [],
    )
