"""Agencies answering findings about their own records (text and evidence files); an inspector later verifies the
remedy or dismisses the finding with a reason, and assigns findings to the ministry's inspectors, one or many at once.

A finding about a complaint is the ministry's until an inspector discloses it to the accused agency with words of
their choosing (``disclose_finding``); the agency then reads those words only (``as_seen_by``), never the
complaint's evidence, and may answer it like any other finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field
from sqlalchemy import func, select
from sqlmodel import Session

from recruitment_watch.models import Finding, FindingAttachment
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, FindingStatus, Role, SubjectType
from recruitment_watch.schemas.common import StrictInput
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.case_queue import ministry_inspectors
from recruitment_watch.services.casework.evidence import StoredFile
from recruitment_watch.services.errors import N_, Conflict, Forbidden, NotFound, ServiceError
from recruitment_watch.services.oversight import finding_tally

OPEN_STATUSES = frozenset(status.value for status in OPEN_FINDING_STATUSES)
MAX_REASON = 1000


class FindingResponseInput(StrictInput):
    """An agency's answer to a finding: what it did or why the finding is wrong."""

    text: str = Field(min_length=3, max_length=5000)


def respond_to_finding(actor: Actor, finding_id: int, data: FindingResponseInput, *, session: Session,
                       files: Sequence[StoredFile] = ()) -> Finding:  # fmt: skip
    """Record the agency's answer to one of its findings, with the evidence files already written to the store; only
    an open finding (or one already answered) can be answered. ``NotFound`` for a finding the actor may not see."""
    finding = scoping.finding_of(actor, finding_id, session=session)
    if finding.status not in OPEN_STATUSES:
        raise Conflict(f"finding {finding.id} is {finding.status}; only open findings take a response", field="status")
    finding.agency_response = data.text
    finding.agency_responded_at = utc_now()
    session.add_all(
        FindingAttachment(finding_id=finding.id, filename=f.filename, content_type=f.content_type,
                          size_bytes=f.size_bytes, sha256=f.sha256, storage_key=f.storage_key,
                          uploaded_by_user_id=actor.user_id, uploaded_at=finding.agency_responded_at)
        for f in files
    )  # fmt: skip
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
    require_inspector(actor, "only an inspector, signed in as themselves, can put a complaint finding to an agency")
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


def attachment_totals(session: Session, finding_id: int) -> tuple[int, int]:
    """How many files the agency's responses to a finding carry and their bytes (for the evidence limits)."""
    count, size = session.execute(
        select(func.count(FindingAttachment.id), func.coalesce(func.sum(FindingAttachment.size_bytes), 0))
        .where(FindingAttachment.finding_id == finding_id)
    ).one()  # fmt: skip
    return int(count), int(size)


def attachments_of(session: Session, finding: Finding) -> list[FindingAttachment]:
    """The files sent with the agency's responses to ``finding`` (already scoped by the caller), oldest first."""
    return list(session.scalars(select(FindingAttachment).where(FindingAttachment.finding_id == finding.id)
                                .order_by(FindingAttachment.uploaded_at, FindingAttachment.id)).all())  # fmt: skip


def attachment_of(actor: Actor, finding_id: int, attachment_id: int, *, session: Session) -> FindingAttachment:
    """One file of a finding the actor may see; ``NotFound`` otherwise (also for another finding's file)."""
    finding = scoping.finding_of(actor, finding_id, session=session)
    found = session.get(FindingAttachment, attachment_id) if attachment_id > 0 else None
    if found is None or found.finding_id != finding.id:
        raise NotFound(N_("There is no such file."), field="id")
    return found


class FindingRefused(ServiceError):
    """An action the finding cannot take in its state (verifying a closed one, dismissing without a reason, …)."""


class BulkAction(StrEnum):
    verify = "verify"
    dismiss = "dismiss"
    assign = "assign"


def require_inspector(actor: Actor, message: str = N_("Only an inspector or admin of the ministry, signed in, can "
                                                       "work on findings.")) -> None:  # fmt: skip
    """Only a ministry inspector or admin acting under their own login (never a key) decides on findings."""
    if not (actor.sees_everything and actor.user_id is not None and actor.role in (Role.inspector, Role.admin)):
        raise Forbidden(message)


def _require_open(finding: Finding) -> None:
    if finding.status not in OPEN_STATUSES:
        raise FindingRefused(N_("Finding %(id)s is already closed (%(status)s)."), field="findings",
                             params={"id": finding.id, "status": finding.status})  # fmt: skip


def _close(session: Session, finding: Finding, status: FindingStatus, now: datetime) -> None:
    was = finding.status
    finding.status = status.value
    finding.open_key = None
    finding.resolved_at = now
    session.add(finding)
    hidden = finding_tally.hidden(finding)
    finding_tally.move(session, finding, status=finding.status, was_status=was, was_hidden=hidden)


def verify_finding(actor: Actor, finding: Finding, *, session: Session, now: datetime) -> Finding:
    """The inspector confirms the agency remedied what the finding found: it closes as verified."""
    require_inspector(actor)
    _require_open(finding)
    finding.verified_by_user_id = actor.user_id
    finding.verified_at = now
    _close(session, finding, FindingStatus.verified_remediated, now)
    return finding


def dismiss_finding(actor: Actor, finding: Finding, reason: str, *, session: Session, now: datetime) -> Finding:
    """The inspector closes the finding as wrong or not applicable, saying why (the agency reads the reason)."""
    require_inspector(actor)
    _require_open(finding)
    reason = (reason or "").strip()
    if len(reason) < 3 or len(reason) > MAX_REASON:
        raise FindingRefused(N_("Say why the findings are dismissed (3 to %(max)s characters)."), field="reason",
                             params={"max": MAX_REASON})  # fmt: skip
    finding.dismissed_reason = reason
    finding.dismissed_by_user_id = actor.user_id
    _close(session, finding, FindingStatus.dismissed, now)
    return finding


def assign_finding(actor: Actor, finding: Finding, assignee_user_id: int | None, *, session: Session) -> Finding:
    """Give an open finding to one of the ministry's active inspectors (None: to nobody)."""
    require_inspector(actor)
    _require_open(finding)
    inspectors = dict(ministry_inspectors(session, actor.organisation_id))
    if assignee_user_id is not None and assignee_user_id not in inspectors:
        raise NotFound(N_("Findings can only be assigned to an active inspector of the ministry."), field="assignee")
    finding.assigned_to_user_id = assignee_user_id
    session.add(finding)
    return finding


def bulk_act(actor: Actor, finding_ids: Sequence[int], action: BulkAction, *, session: Session, now: datetime,
             reason: str = "", assignee_user_id: int | None = None) -> int:  # fmt: skip
    """Verify, dismiss (with one reason) or assign every listed finding, each found through the actor's scope; one
    that refuses refuses them all (the caller rolls back). Returns how many changed."""
    require_inspector(actor)
    if not finding_ids:
        raise FindingRefused(N_("Tick at least one finding."), field="findings")
    findings = sorted((scoping.finding_of(actor, finding_id, session=session) for finding_id in set(finding_ids)),
                      key=lambda f: f.id)  # fmt: skip
    for finding in findings:
        if action is BulkAction.verify:
            verify_finding(actor, finding, session=session, now=now)
        elif action is BulkAction.dismiss:
            dismiss_finding(actor, finding, reason, session=session, now=now)
        else:
            assign_finding(actor, finding, assignee_user_id, session=session)
    session.flush()
    return len(findings)
