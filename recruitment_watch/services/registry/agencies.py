"""Registering organisations, agencies, employers and job orders, and recording licence decisions, each with who
did it (a ministry person or key)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from recruitment_watch.models import (
    Agency,
    AgencyBranch,
    ApiKey,
    Employer,
    JobOrder,
    LicenceEvent,
    Organisation,
    SubAgent,
    User,
)
from recruitment_watch.models.base import RegisteredBy
from recruitment_watch.models.vocab import LicenceDecision, LicenceStatus, OrganisationKind
from recruitment_watch.schemas.agencies import (
    AgencyInput,
    EmployerInput,
    JobOrderInput,
    LicenceEventInput,
    OrganisationInput,
)
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import Conflict, Forbidden, NotFound
from recruitment_watch.services.registry.licence_history import GRANTING


def _ministry_only(actor: Actor, doing: str) -> None:
    """Refuse anyone but the ministry (a person or a key): it alone keeps the register and decides on licences."""
    if actor.organisation_kind is not OrganisationKind.ministry:
        raise Forbidden(f"only a ministry inspector or admin {doing}")


def _registered_by(actor: Actor | None) -> dict[str, int | None]:
    """The ``registered_by_*`` columns of a row ``actor`` registers; ``None`` (demo data, internal seeding) leaves
    who unknown."""
    if actor is None:
        return {"registered_by_user_id": None, "registered_by_key_id": None}
    _ministry_only(actor, "keeps the register")
    return {"registered_by_user_id": actor.user_id, "registered_by_key_id": actor.key_id}


def register_agency(
    data: AgencyInput | Mapping[str, Any],
    *,
    actor: Actor | None,
    session: Session,
    organisation_id: int | None = None,
) -> Agency:
    """Add a licensed agency; its first licence event records the status it was registered with, and both record
    who registered it."""
    who = _registered_by(actor)
    checked = AgencyInput.model_validate(data)
    organisation_id = organisation_id or checked.organisation_id
    if organisation_id is not None:
        _agency_organisation(session, organisation_id)
    duplicate = session.scalar(
        select(Agency.id).where(Agency.country == checked.country, Agency.licence_no == checked.licence_no)
    )
    if duplicate is not None:
        raise Conflict(f"licence {checked.licence_no} ({checked.country}) is already registered", field="licence_no")
    agency = Agency.model_validate(
        {**checked.model_dump(exclude={"branches", "sub_agents"}), "organisation_id": organisation_id, **who}
    )
    session.add(agency)
    session.flush()
    session.add_all([AgencyBranch(**branch.model_dump(), agency_id=agency.id) for branch in checked.branches])
    session.add_all([SubAgent(**sub_agent.model_dump(), agency_id=agency.id) for sub_agent in checked.sub_agents])
    session.add(
        LicenceEvent(
            agency_id=agency.id,
            decision=LicenceDecision.issued.value
            if agency.status == LicenceStatus.active.value
            else LicenceDecision(agency.status).value,
            status=agency.status,
            reason="registered in recruitment_watch",
            decided_on=checked.licence_valid_from or agency.created_at.date(),
            valid_to=checked.licence_valid_to,
            recorded_by_user_id=who["registered_by_user_id"],
            recorded_by_key_id=who["registered_by_key_id"],
        )
    )
    session.flush()
    return agency


def _agency_organisation(session: Session, organisation_id: int) -> Organisation:
    """The agency organisation ``organisation_id``, which must not act for another agency already."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} does not exist", field="organisation_id")
    if organisation.kind != OrganisationKind.agency.value:
        raise Conflict(f"organisation {organisation_id} is a {organisation.kind}, not an agency",
                       field="organisation_id")  # fmt: skip
    if session.scalar(select(Agency.id).where(Agency.organisation_id == organisation_id)) is not None:
        raise Conflict(f"organisation {organisation_id} already acts for an agency", field="organisation_id")
    return organisation


def register_organisation(
    data: OrganisationInput | Mapping[str, Any], *, actor: Actor | None, session: Session
) -> Organisation:
    """Add a ministry, NGO or agency organisation (names are unique), recording who registered it."""
    who = _registered_by(actor)
    checked = OrganisationInput.model_validate(data)
    if session.scalar(select(Organisation.id).where(Organisation.name == checked.name)) is not None:
        raise Conflict(f"an organisation named {checked.name} already exists", field="name")
    organisation = Organisation(name=checked.name, kind=checked.kind.value, country=checked.country, **who)
    session.add(organisation)
    session.flush()
    return organisation


def record_licence_event(
    agency_id: int, data: LicenceEventInput | Mapping[str, Any], *, session: Session, user_id: int | None = None
) -> LicenceEvent:
    """Record a licence decision in the agency's history.

    A renewal or reinstatement without ``valid_to`` keeps the licence's current expiry (stored on the event, so each
    period of the history carries its own). The agency's current columns follow the latest decision; a back-dated
    one only fills in the history.
    """
    checked = LicenceEventInput.model_validate(data)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"agency {agency_id} does not exist", field="agency_id")
    event = LicenceEvent.model_validate({**checked.model_dump(), "agency_id": agency_id})
    event.recorded_by_user_id = user_id
    if event.status in GRANTING and event.valid_to is None:
        event.valid_to = agency.licence_valid_to
    latest = session.scalar(select(func.max(LicenceEvent.decided_on)).where(LicenceEvent.agency_id == agency_id))
    if latest is None or checked.decided_on >= latest:  # a back-dated decision does not overrule a later one
        agency.status = event.status
        if event.status in GRANTING and event.valid_to is not None:
            agency.licence_valid_to = event.valid_to
    session.add_all([event, agency])
    session.flush()
    return event


def register_employer(data: EmployerInput | Mapping[str, Any], *, actor: Actor | None, session: Session) -> Employer:
    """Add a foreign employer (unique by country and registration number), recording who registered it."""
    who = _registered_by(actor)
    checked = EmployerInput.model_validate(data)
    duplicate = session.scalar(
        select(Employer.id).where(
            Employer.country == checked.country, Employer.registration_no == checked.registration_no
        )
    )
    if duplicate is not None:
        raise Conflict(
            f"employer {checked.registration_no} ({checked.country}) is already registered", field="registration_no"
        )
    employer = Employer.model_validate({**checked.model_dump(), **who})
    session.add(employer)
    session.flush()
    return employer


def decide_licence(
    actor: Actor, agency_id: int, data: LicenceEventInput | Mapping[str, Any], *, session: Session
) -> LicenceEvent:
    """A licensing decision taken by the ministry (a person, or a ministry key), recorded with who took it."""
    _ministry_only(actor, "decides on licences")
    event = record_licence_event(agency_id, data, session=session, user_id=actor.user_id)
    event.recorded_by_key_id = actor.key_id
    session.add(event)
    session.flush()
    return event


def register_job_order(data: JobOrderInput | Mapping[str, Any], *, actor: Actor | None, session: Session) -> JobOrder:
    """Add a demand letter of an existing employer to an existing agency, recording who registered it."""
    who = _registered_by(actor)
    checked = JobOrderInput.model_validate(data)
    for model, row_id, field in (
        (Employer, checked.employer_id, "employer_id"),
        (Agency, checked.agency_id, "agency_id"),
    ):
        if session.get(model, row_id) is None:
            raise NotFound(f"{model.__tablename__} {row_id} does not exist", field=field)
    order = JobOrder.model_validate({**checked.model_dump(), **who})
    session.add(order)
    session.flush()
    return order


def branches_and_sub_agents(agency_id: int, *, session: Session) -> tuple[list[AgencyBranch], list[SubAgent]]:
    """An agency's branches and declared sub-agents, in the order registered."""
    branches = session.scalars(
        select(AgencyBranch).where(AgencyBranch.agency_id == agency_id).order_by(AgencyBranch.id)
    )
    sub_agents = session.scalars(select(SubAgent).where(SubAgent.agency_id == agency_id).order_by(SubAgent.id))
    return list(branches), list(sub_agents)


def who_registered(row: RegisteredBy, *, session: Session) -> str:
    """How the console names who registered ``row``: the person's e-mail, ``API key <prefix>``, or ``not recorded``
    (rows registered before who was recorded, demo data)."""
    if row.registered_by_user_id is not None:
        return session.get(User, row.registered_by_user_id).email
    if row.registered_by_key_id is not None:
        return f"API key {session.get(ApiKey, row.registered_by_key_id).prefix}"
    return "not recorded"
