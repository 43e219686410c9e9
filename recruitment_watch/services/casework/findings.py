"""Agencies answering findings about their own records; an inspector later verifies or dismisses the answer.

A finding about a complaint is the ministry's until an inspector discloses it to the accused agency with words of
their choosing (``disclose_finding``); the agency then reads those words only (``as_seen_by``), never the
complaint's evidence, and may answer it like any other finding.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlmodel import Session

from recruitment_watch.models import Finding
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, FindingStatus, Role, SubjectType
from recruitment_watch.schemas.common import StrictInput
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import Conflict, Forbidden
from recruitment_watch.services.oversight import finding_tally


class FindingResponseInput(StrictInput):
    """An agency's answer to a finding: what it did or why the finding is wrong."""

    text: str = Field(min_length=3, max_length=5000)


def respond_to_finding(actor: Actor, finding_id: int, data: FindingResponseInput, *, session: Session) -> Finding:
    """Record the agency's answer to one of its findings; only an open finding (or one already answered) can be
    answered. ``NotFound`` for a finding the actor may not see."""
    finding = scoping.finding_of(actor, finding_id, session=session)
    if finding.status not in {status.value for status in OPEN_FINDING_STATUSES}:
        raise Conflict(f"finding {finding.id} is {finding.status}; only open findings take a response", field="status")
    finding.agency_response = data.text
    finding.agency_responded_at = utc_now()
    was = finding.status
    finding.status = FindingStatus.agency_responded.value
    session.add(finding)
    hidden = finding_tally.hidden(finding)
    finding_tally.move(session, finding, status=finding.status, was_status=was, was_hidden=hidden)
    session.flush()
    return finding


class DisclosureInput(StrictInput):
    """What the inspector puts to the agency: no complainant identity, no complainant words without consent."""

    text: str = Field(min_length=10, max_length=2000)


def disclose_finding(actor: Actor, finding_id: int, data: DisclosureInput, *, session: Session) -> Finding:
    """Put a complaint finding to its agency, in the inspector's words. Only a ministry person (an inspector or
    admin acting under their own login) decides; disclosing again replaces the words."""
    if not (actor.sees_everything and actor.user_id is not None and actor.role in (Role.inspector, Role.admin)):
        raise Forbidden("only an inspector, signed in as themselves, can put a complaint finding to an agency")
    finding = scoping.finding_of(actor, finding_id, session=session)
    if finding.subject_type != SubjectType.complaint.value:
        raise Conflict(f"finding {finding.id} is not about a complaint; the agency already sees it", field="id")
    was_hidden = finding_tally.hidden(finding)
    finding.disclosed_at = utc_now()
    finding.disclosed_by_user_id = actor.user_id
    finding.disclosed_text = data.text
    finding_tally.move(session, finding, hidden=False, was_status=finding.status, was_hidden=was_hidden)
    session.add(finding)
    session.flush()
    return finding


def as_seen_by(actor: Actor, finding: Finding) -> dict[str, Any]:
    """The finding's columns as ``actor`` may read them: for an agency, a disclosed complaint finding carries the
    inspector's words as its message and no evidence."""
    seen = {column.name: getattr(finding, column.name) for column in Finding.__table__.columns}
    if not actor.sees_everything and finding.subject_type == SubjectType.complaint.value:
        seen.update(message=finding.disclosed_text or "", evidence={})
    return seen
