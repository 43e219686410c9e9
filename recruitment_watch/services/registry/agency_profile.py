"""What an agency's own portal shows of the register: its licence with the history of decisions, its branches and
sub-agents, and the employers and demand letters it may name on a contract. Everything is read through the actor's
own agency; there is no agency id to pass, so there is none to tamper with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlmodel import Session

from recruitment_watch.models import Agency, AgencyBranch, Contract, Employer, JobOrder, LicenceEvent, SubAgent
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.registry.agencies import branches_and_sub_agents
from recruitment_watch.services.registry.change_requests import own_agency_id

EMPLOYER_CHOICES = 25


@dataclass(frozen=True)
class AgencyProfile:
    """The agency's register entry as its staff see it (read-only)."""

    agency: Agency
    events: list[LicenceEvent]
    branches: list[AgencyBranch]
    sub_agents: list[SubAgent]


def agency_profile(actor: Actor, *, session: Session) -> AgencyProfile:
    """The actor's agency with its licence decisions (newest first), branches and sub-agents."""
    agency_id = own_agency_id(actor)
    events = session.scalars(
        select(LicenceEvent)
        .where(LicenceEvent.agency_id == agency_id)
        .order_by(LicenceEvent.decided_on.desc(), LicenceEvent.id.desc())
    ).all()
    branches, sub_agents = branches_and_sub_agents(agency_id, session=session)
    return AgencyProfile(session.get(Agency, agency_id), list(events), branches, sub_agents)


def own_agency(actor: Actor, *, session: Session) -> Agency:
    """The actor's agency (``Forbidden`` for an organisation the ministry has not linked to one)."""
    return session.get(Agency, own_agency_id(actor))


def employer_choices(actor: Actor, *, session: Session, search: str = "", chosen: int | None = None) -> list[Employer]:
    """Employers to offer on the agency's contract form: the register's matches of ``search`` (name or registration
    number), else those of the agency's own demand letters and latest contracts; the chosen one is always kept."""
    agency_id = own_agency_id(actor)
    if search:
        pattern = f"%{search.lower()}%"
        query = select(Employer).where(or_(func.lower(Employer.name).like(pattern),
                                           func.lower(Employer.registration_no).like(pattern)))  # fmt: skip
    else:
        ordered = select(JobOrder.employer_id).where(JobOrder.agency_id == agency_id)
        recent = (select(Contract.employer_id).where(Contract.agency_id == agency_id)
                  .order_by(Contract.id.desc()).limit(200))  # fmt: skip
        query = select(Employer).where(or_(Employer.id.in_(ordered), Employer.id.in_(recent.scalar_subquery())))
    found = list(session.scalars(query.order_by(Employer.name, Employer.id).limit(EMPLOYER_CHOICES)).all())
    if chosen and all(employer.id != chosen for employer in found) and (kept := session.get(Employer, chosen)):
        found.insert(0, kept)
    return found


def own_job_orders(actor: Actor, *, session: Session) -> list[JobOrder]:
    """The agency's demand letters, newest first (a contract may name one)."""
    agency_id = own_agency_id(actor)
    return list(
        session.scalars(
            select(JobOrder).where(JobOrder.agency_id == agency_id).order_by(JobOrder.id.desc()).limit(100)
        ).all()  # fmt: skip
    )
