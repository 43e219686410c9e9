"""An agency asks the ministry to change its register entry: the agency cannot edit its licence, branches or
sub-agents itself (the ministry keeps the register), so it sends a request that every active ministry inspector
finds among their notifications, and keeps the list of what it sent."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Agency, ChangeRequest, Organisation, User
from recruitment_watch.models.vocab import NotificationKind, OrganisationKind, Role
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.notifications import notify
from recruitment_watch.services.errors import Forbidden, ServiceError

MAX_MESSAGE = 2000
SHOWN_REQUESTS = 20


def own_agency_id(actor: Actor) -> int:
    """The actor's agency; anyone else (or an agency organisation the ministry has not linked yet) is refused."""
    if actor.agency_id is None:
        raise Forbidden("this organisation has no registered agency; ask the ministry to link it")
    return actor.agency_id


def ministry_inspectors(session: Session) -> list[int]:
    """Every active ministry inspector: the register is the whole inspectorate's, not one supervisor's."""
    return list(
        session.scalars(
            select(User.id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(
                Organisation.kind == OrganisationKind.ministry.value,
                User.role == Role.inspector.value,
                User.is_active.is_(True),
            )  # fmt: skip
            .order_by(User.id)
        ).all()
    )


def send_change_request(actor: Actor, message: str, *, session: Session) -> ChangeRequest:
    """Record the agency's request and notify the ministry's inspectors of it (once each)."""
    agency_id = own_agency_id(actor)
    text = (message or "").strip()
    if not text:
        raise ServiceError("Say what should change.", field="message")
    if len(text) > MAX_MESSAGE:
        raise ServiceError("Use at most %(count)s characters.", field="message", params={"count": MAX_MESSAGE})
    request = ChangeRequest(agency_id=agency_id, sent_by_user_id=actor.user_id, message=text)
    session.add(request)
    session.flush()
    agency = session.get(Agency, agency_id)
    notify(session, ministry_inspectors(session), kind=NotificationKind.change_request, subject_type="agency",
           subject_id=agency_id, message=f"{agency.name} ({agency.licence_no}) asks for a change: {text}",
           dedupe_key=f"change_request:{request.id}")  # fmt: skip
    return request


def sent_requests(actor: Actor, *, session: Session, limit: int = SHOWN_REQUESTS) -> list[ChangeRequest]:
    """The agency's own requests, newest first."""
    agency_id = own_agency_id(actor)
    return list(
        session.scalars(
            select(ChangeRequest)
            .where(ChangeRequest.agency_id == agency_id)
            .order_by(ChangeRequest.sent_at.desc(), ChangeRequest.id.desc())
            .limit(limit)
        ).all()
    )
