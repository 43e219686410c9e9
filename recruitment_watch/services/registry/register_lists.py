"""The register as lists for the admins' pages: organisations (with how many people act for each) and agencies."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlmodel import Session

from recruitment_watch.models import Agency, Organisation, User


def organisation_page(
    session: Session, *, search: str | None = None, kind: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[tuple[Organisation, int]], int]:
    """Organisations by name with their number of users; one page and the total."""
    people = select(User.organisation_id, func.count().label("people")).group_by(User.organisation_id).subquery()
    query = select(Organisation, func.coalesce(people.c.people, 0)).outerjoin(
        people, people.c.organisation_id == Organisation.id
    )
    if search:
        query = query.where(func.lower(Organisation.name).like(f"%{search.strip().lower()}%"))
    if kind:
        query = query.where(Organisation.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Organisation.name).offset(offset).limit(limit)).all()
    return [(organisation, count) for organisation, count in rows], total


def agency_page(
    session: Session, *, search: str | None = None, status: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[Agency], int]:
    """Agencies by name; ``search`` matches name or licence number. One page and the total."""
    query = select(Agency)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(Agency.name).like(pattern), func.lower(Agency.licence_no).like(pattern)))
    if status:
        query = query.where(Agency.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return list(session.scalars(query.order_by(Agency.name, Agency.id).offset(offset).limit(limit)).all()), total
