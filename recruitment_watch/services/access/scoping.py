"""What an actor may see: every query for an organisation's records starts here (deny by default).

Agency actors (keys and users) see their own agency's contracts, fee payments and findings; NGO actors the
complaints they filed; ministry actors everything. A record outside the actor's scope is reported as not existing
(HTTP 404), so ids of other organisations' records reveal nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlmodel import Session

from recruitment_watch.models import Complaint, Contract, FeePayment, Finding
from recruitment_watch.models.vocab import OrganisationKind, SubjectType
from recruitment_watch.schemas.common import MAX_ID
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import NotFound


def _agency_scoped(query: Select, column: Any, actor: Actor) -> Select:
    if actor.sees_everything:
        return query
    if actor.organisation_kind is OrganisationKind.agency and actor.agency_id is not None:
        return query.where(column == actor.agency_id)
    return query.where(false())


def contracts_of(actor: Actor) -> Select:
    """Contracts the actor may read."""
    return _agency_scoped(select(Contract), Contract.agency_id, actor)


def tallied_contracts_of(actor: Actor, tally: Any) -> Select:
    """The sum of a contract tally's counts (``ContractTally``, ``ContractDayTally``) over the agencies whose
    contracts the actor may read."""
    return _agency_scoped(select(func.coalesce(func.sum(tally.contracts), 0)), tally.agency_id, actor)


def payments_of(actor: Actor) -> Select:
    """Fee payments the actor may read."""
    return _agency_scoped(select(FeePayment), FeePayment.agency_id, actor)


def shown_to_agencies() -> ColumnElement[bool]:
    """Findings an agency (or the public) may know of: all but complaint findings no inspector has disclosed."""
    return or_(Finding.subject_type != SubjectType.complaint.value, Finding.disclosed_at.is_not(None))


def findings_of(actor: Actor, *, status: str | None = None, severity: str | None = None) -> Select:
    """Findings the actor may read, optionally of one status and one severity.

    An agency never sees a finding about a complaint until an inspector has disclosed it (casework.findings): the
    accused agency must not learn that a worker complained, nor about what (a retaliation risk).
    """
    query = _agency_scoped(select(Finding), Finding.agency_id, actor)
    if not actor.sees_everything:
        query = query.where(shown_to_agencies())
    if status:
        query = query.where(Finding.status == status)
    if severity:
        query = query.where(Finding.severity == severity)
    return query


def complaints_of(actor: Actor, *, status: str | None = None) -> Select:
    """Complaints the actor may read (the NGO's own filings, or all for the ministry), optionally of one status."""
    query = select(Complaint)
    if status:
        query = query.where(Complaint.status == status)
    if actor.sees_everything:
        return query
    if actor.organisation_kind is OrganisationKind.ngo:
        return query.where(Complaint.filing_organisation_id == actor.organisation_id)
    return query.where(false())


def one_of_theirs(session: Session, query: Select, model: type, row_id: int, noun: str) -> Any:
    """The row ``row_id`` if the scoped ``query`` yields it; ``NotFound`` otherwise (also for others' rows)."""
    row = session.scalar(query.where(model.id == row_id)) if 0 < row_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"{noun} {row_id} does not exist", field="id")
    return row


def contract_of(actor: Actor, contract_id: int, *, session: Session) -> Contract:
    """One contract the actor may read; ``NotFound`` otherwise."""
    return one_of_theirs(session, contracts_of(actor), Contract, contract_id, "contract")


def payment_of(actor: Actor, payment_id: int, *, session: Session) -> FeePayment:
    """One fee payment the actor may read; ``NotFound`` otherwise."""
    return one_of_theirs(session, payments_of(actor), FeePayment, payment_id, "fee payment")


def finding_of(actor: Actor, finding_id: int, *, session: Session) -> Finding:
    """One finding the actor may read; ``NotFound`` otherwise."""
    return one_of_theirs(session, findings_of(actor), Finding, finding_id, "finding")


def complaint_of(actor: Actor, complaint_id: int, *, session: Session) -> Complaint:
    """One complaint the actor may read; ``NotFound`` otherwise."""
    return one_of_theirs(session, complaints_of(actor), Complaint, complaint_id, "complaint")
