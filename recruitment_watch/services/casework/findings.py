"""Agencies answering findings about their own records; an inspector later verifies or dismisses the answer."""

from __future__ import annotations

from pydantic import Field
from sqlmodel import Session

from recruitment_watch.models import Finding
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, FindingStatus
from recruitment_watch.schemas.common import StrictInput
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import Conflict


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
    finding.status = FindingStatus.agency_responded.value
    session.add(finding)
    session.flush()
    return finding
