"""The finding tally (``finding_tally``): counts of findings per agency, criterion, severity, status, visibility and
month first seen (the risk score's window reads the month).

Counting the findings themselves takes seconds at a million contracts (millions of findings); the dashboards read
this small table instead. It is kept current where findings change: a sweep recounts the agencies whose findings it
wrote (``recount_changed``), an agency's answer moves one finding from open to answered, an inspector's disclosure
makes one visible to its agency (``move``). ``recount`` rebuilds it for some agencies, or all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import Date, and_, case, cast, delete, false, func, insert, literal, or_, select, true, update
from sqlmodel import Session

from recruitment_watch.models import Finding, FindingTally
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, Severity, SubjectType
from recruitment_watch.services.access.actor import Actor

HIDDEN = case((and_(Finding.subject_type == SubjectType.complaint.value, Finding.disclosed_at.is_(None)), true()),
              else_=false())  # fmt: skip


def _of_agencies(column, agency_ids: Iterable[int | None]):
    ids = set(agency_ids)
    named = [agency_id for agency_id in ids if agency_id is not None]
    conditions = [column.in_(named)] if named else []
    if None in ids:
        conditions.append(column.is_(None))
    return or_(*conditions) if conditions else literal(False)


def month_of_column(session: Session):
    """SQL for the first day of ``Finding.first_seen_at``'s month (UTC), as a date on either engine."""
    if session.get_bind().dialect.name == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS…' in UTC
        return func.strftime("%Y-%m-01", Finding.first_seen_at)
    return cast(func.date_trunc("month", func.timezone("UTC", Finding.first_seen_at)), Date)


def month_of(moment: datetime | None) -> date | None:
    """The first day of ``moment``'s month (UTC): the tally's ``seen_month``."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    return date(moment.year, moment.month, 1)


def recount(session: Session, agency_ids: Iterable[int | None] | None = None) -> None:
    """Count the findings of ``agency_ids`` (every agency when None) anew."""
    rows = select(Finding.agency_id, Finding.criterion_id, Finding.severity, Finding.status, HIDDEN.label("hidden"),
                  month_of_column(session).label("seen_month"))  # fmt: skip
    clear = delete(FindingTally)
    if agency_ids is not None:
        ids = list(agency_ids)
        if not ids:
            return
        rows = rows.where(_of_agencies(Finding.agency_id, ids))
        clear = clear.where(_of_agencies(FindingTally.agency_id, ids))
    row = rows.subquery()  # grouped by its columns: the same expressions on every database
    keys = (row.c.agency_id, row.c.criterion_id, row.c.severity, row.c.status, row.c.hidden, row.c.seen_month)
    session.execute(clear)
    session.execute(
        insert(FindingTally).from_select(
            ["agency_id", "criterion_id", "severity", "status", "hidden", "seen_month", "findings"],
            select(*keys, func.count()).group_by(*keys),
        )
    )


def recount_changed(session: Session, since: datetime) -> None:
    """Recount the agencies whose findings were written at or after ``since`` (a sweep's own time)."""
    changed = session.scalars(select(Finding.agency_id).where(Finding.updated_at >= since).distinct()).all()
    recount(session, changed)


def hidden(finding: Finding) -> bool:
    """Whether ``finding`` is a complaint finding its agency may not see yet (no inspector disclosed it)."""
    return finding.subject_type == SubjectType.complaint.value and finding.disclosed_at is None


def move(session: Session, finding: Finding, *, status: str | None = None, hidden: bool | None = None,
         was_status: str, was_hidden: bool) -> None:  # fmt: skip
    """One finding changed status or visibility (an answer, a disclosure): move it between counts."""
    seen = (finding.criterion_id, month_of(finding.first_seen_at))
    before = (finding.agency_id, finding.severity, was_status, was_hidden, *seen)
    after = (finding.agency_id, finding.severity, status or was_status, was_hidden if hidden is None else hidden, *seen)
    if before != after:
        _add(session, before, -1)
        _add(session, after, +1)


def _add(session: Session, key: tuple, amount: int) -> None:
    agency_id, severity, status, hidden, criterion_id, seen_month = key
    where = (_of_agencies(FindingTally.agency_id, [agency_id]), FindingTally.severity == severity,
             FindingTally.status == status, FindingTally.hidden.is_(hidden),
             FindingTally.criterion_id == criterion_id, FindingTally.seen_month == seen_month)  # fmt: skip
    changed = session.execute(
        update(FindingTally).where(*where).values(findings=FindingTally.findings + amount)
    ).rowcount
    if not changed:
        session.add(FindingTally(agency_id=agency_id, criterion_id=criterion_id, severity=severity, status=status,
                                 hidden=hidden, seen_month=seen_month, findings=max(amount, 0)))  # fmt: skip
    session.flush()


def open_by_severity(actor: Actor, *, session: Session) -> list[tuple[str, int]]:
    """Open findings (not yet remedied or closed) the actor may see, by severity, most severe first."""
    query = select(FindingTally.severity, func.sum(FindingTally.findings)).where(
        FindingTally.status.in_([status.value for status in OPEN_FINDING_STATUSES])
    )
    if not actor.sees_everything:
        if actor.agency_id is None:
            return [(level.value, 0) for level in reversed(Severity)]
        query = query.where(FindingTally.agency_id == actor.agency_id, FindingTally.hidden.is_(False))
    found = dict(session.execute(query.group_by(FindingTally.severity)).all())
    return [(level.value, int(found.get(level.value) or 0)) for level in reversed(Severity)]
