"""What an inspector does with a case: assign it (one or many), write to the complainant or a note for colleagues,
move its status, close it with an outcome, merge a duplicate, add an internal working file.

Only a ministry inspector or admin, signed in as themselves, acts (``require_staff``); every complaint is found
through the actor's scope. Each action leaves an event in the case's history; notes, assignments and merges are
internal, messages and status changes are what the complainant sees (``complaints.visible_events``). Functions
flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from recruitment_watch import money
from recruitment_watch.models import Complaint, ComplaintAttachment, ComplaintEvent
from recruitment_watch.models.base import unpack_list, utc_now
from recruitment_watch.models.vocab import (
    OPEN_COMPLAINT_STATUSES,
    ComplaintEventKind,
    ComplaintOutcome,
    ComplaintStatus,
    Role,
)
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.attachments import attach, attachment_totals
from recruitment_watch.services.casework.case_queue import ministry_inspectors
from recruitment_watch.services.casework.evidence import EvidenceBatch, EvidenceLimits, Upload, check_all
from recruitment_watch.services.errors import N_, Conflict, Forbidden, NotFound, ServiceError

# Two complaints about the same agency sharing a category are possible duplicates when received this close together
# [INFERRED: a month covers a worker and a relative reporting the same events separately].
DUPLICATE_WINDOW = timedelta(days=30)
MAX_DUPLICATES_SHOWN = 20
MAX_TEXT = 10_000
OPEN_STATUSES = frozenset(status.value for status in OPEN_COMPLAINT_STATUSES)
DECIDED_STATUSES = frozenset({ComplaintStatus.resolved.value, ComplaintStatus.referred.value,
                              ComplaintStatus.closed.value})  # fmt: skip


class CaseRefused(ServiceError):
    """An input the case cannot take (empty message, a referral without its authority, …)."""


def require_staff(actor: Actor) -> None:
    """Only a ministry inspector or admin acting under their own login works on cases."""
    if not (actor.sees_everything and actor.user_id is not None and actor.role in (Role.inspector, Role.admin)):
        raise Forbidden(N_("Only an inspector or admin of the ministry, signed in, can work on cases."))


def case_of(actor: Actor, reference: str, *, session: Session) -> Complaint:
    """The complaint ``reference`` for a staff actor; ``NotFound`` for anyone else or an unknown reference."""
    require_staff(actor)
    found = session.scalar(scoping.complaints_of(actor).where(Complaint.reference == reference[:24]))
    if found is None:
        raise NotFound(N_("There is no case %(reference)s."), field="reference", params={"reference": reference[:24]})
    return found


def _event(session: Session, complaint: Complaint, actor: Actor, kind: ComplaintEventKind, **fields) -> ComplaintEvent:
    event = ComplaintEvent(complaint_id=complaint.id, kind=kind.value, author_user_id=actor.user_id, **fields)
    session.add(event)
    return event


def assign(actor: Actor, complaint: Complaint, assignee_user_id: int | None, *, session: Session) -> Complaint:
    """Give the case to one of the ministry's active inspectors (None: nobody); an internal event records it."""
    require_staff(actor)
    names = dict(ministry_inspectors(session, actor.organisation_id))
    if assignee_user_id is not None and assignee_user_id not in names:
        raise NotFound(N_("Cases can only be assigned to an active inspector of the ministry."), field="assignee")
    if complaint.assignee_user_id == assignee_user_id:
        return complaint
    complaint.assignee_user_id = assignee_user_id
    session.add(complaint)
    # The body is the assignee's name (empty: unassigned); pages word it in the reader's language.
    _event(session, complaint, actor, ComplaintEventKind.assignment, internal=True,
           body=names.get(assignee_user_id, ""))  # fmt: skip
    session.flush()
    return complaint


def bulk_assign(actor: Actor, complaint_ids: list[int], assignee_user_id: int | None, *, session: Session) -> int:
    """Assign every listed case (each found through the actor's scope, or nothing changes); returns how many."""
    require_staff(actor)
    if not complaint_ids:
        raise CaseRefused(N_("Tick at least one case to assign."), field="cases")
    complaints = [scoping.complaint_of(actor, complaint_id, session=session) for complaint_id in set(complaint_ids)]
    for complaint in sorted(complaints, key=lambda c: c.id):
        assign(actor, complaint, assignee_user_id, session=session)
    return len(complaints)


def _text(text: str | None) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise CaseRefused(N_("Write something first."), field="text")
    if len(cleaned) > MAX_TEXT:
        raise CaseRefused(N_("Use at most %(n)s characters."), field="text", params={"n": MAX_TEXT})
    return cleaned


def add_message(actor: Actor, complaint: Complaint, text: str, *, session: Session) -> ComplaintEvent:
    """A message to the complainant (they, and the NGO filing for them, see it)."""
    require_staff(actor)
    event = _event(session, complaint, actor, ComplaintEventKind.message_out, internal=False, body=_text(text))
    session.flush()
    return event


def add_note(actor: Actor, complaint: Complaint, text: str, *, session: Session) -> ComplaintEvent:
    """An internal note for the ministry's staff only (never shown to the complainant or the NGO)."""
    require_staff(actor)
    event = _event(session, complaint, actor, ComplaintEventKind.note, internal=True, body=_text(text))
    session.flush()
    return event


def _move(actor: Actor, complaint: Complaint, to_status: str, *, session: Session, now: datetime) -> None:
    """Set the status and the moments it implies; reopening a decided case undoes its decision."""
    was = complaint.status
    moment = max(now, complaint.received_at)
    if to_status != ComplaintStatus.received.value and complaint.acknowledged_at is None:
        complaint.acknowledged_at = moment
    if to_status == ComplaintStatus.under_investigation.value and complaint.investigation_started_at is None:
        complaint.investigation_started_at = moment
    if to_status in DECIDED_STATUSES and complaint.resolved_at is None:
        complaint.resolved_at = moment
    if to_status in OPEN_STATUSES and was in DECIDED_STATUSES:
        complaint.resolved_at = None
        complaint.outcome = None
        complaint.substantiated = None
    complaint.status = to_status
    session.add(complaint)
    _event(session, complaint, actor, ComplaintEventKind.status_change, internal=False, from_status=was,
           to_status=to_status)  # fmt: skip


def change_status(actor: Actor, complaint: Complaint, to_status: str, *, session: Session, now: datetime) -> Complaint:
    """Move the case to ``to_status`` (a ``ComplaintStatus``): acknowledging, investigating and deciding stamp
    their moments (SLA clocks stop); reopening clears the resolution and the outcome."""
    require_staff(actor)
    if to_status not in {status.value for status in ComplaintStatus}:
        raise CaseRefused(N_("Choose one of the statuses offered."), field="status")
    if to_status == complaint.status:
        raise Conflict(N_("The case already has this status."), field="status")
    _move(actor, complaint, to_status, session=session, now=now)
    session.flush()
    return complaint


@dataclass(frozen=True)
class Decision:
    """How the inspector closes the case. ``amount_recovered`` is in the currency's units (e.g. 1500.50)."""

    outcome: str
    referred_to: str = ""
    amount_recovered: str = ""
    currency: str = ""
    closing_note: str = ""


def _recovered_minor(decision: Decision) -> tuple[int | None, str | None]:
    amount, currency = decision.amount_recovered.strip(), decision.currency.strip().upper()
    if not amount:
        return None, None
    if currency not in money.SUPPORTED_CURRENCIES:
        raise CaseRefused(N_("Choose the currency of the amount recovered."), field="currency")
    try:
        value = Decimal(amount.replace(",", ""))
    except InvalidOperation:
        value = Decimal(-1)
    minor = value * 10 ** money.exponent(currency) if value.is_finite() else Decimal(-1)
    if minor < 0 or minor != minor.to_integral_value() or minor > 10**15:
        raise CaseRefused(N_("Write the amount recovered as a number, e.g. 15000.50."), field="amount_recovered")
    return int(minor), currency


def close_case(actor: Actor, complaint: Complaint, decision: Decision, *, session: Session, now: datetime) -> Complaint:
    """Record the outcome (a referral names its authority), what was recovered for the worker and a closing note;
    the case becomes ``referred`` or ``closed``. A substantiated case is evidence against the respondent: the next
    sweep turns it into a finding (complaint-sla CMP-010)."""
    require_staff(actor)
    if complaint.status not in OPEN_STATUSES:
        raise Conflict(N_("The case is already decided; reopen it (change its status) to decide again."),
                       field="outcome")  # fmt: skip
    if decision.outcome not in {outcome.value for outcome in ComplaintOutcome}:
        raise CaseRefused(N_("Choose the outcome."), field="outcome")
    referred_to = decision.referred_to.strip()
    if decision.outcome == ComplaintOutcome.referred.value and not referred_to:
        raise CaseRefused(N_("Say which authority the case was referred to."), field="referred_to")
    if len(referred_to) > 200 or len(decision.closing_note.strip()) > 2000:
        raise CaseRefused(N_("Use at most %(n)s characters."), field="closing_note", params={"n": 2000})
    minor, currency = _recovered_minor(decision)
    complaint.outcome = decision.outcome
    complaint.substantiated = {ComplaintOutcome.substantiated.value: True,
                               ComplaintOutcome.not_substantiated.value: False}.get(decision.outcome)  # fmt: skip
    complaint.referred_to = referred_to or None
    complaint.amount_recovered_minor, complaint.amount_recovered_currency = minor, currency
    complaint.closing_note = decision.closing_note.strip() or None
    referred = decision.outcome == ComplaintOutcome.referred.value
    _move(actor, complaint, (ComplaintStatus.referred if referred else ComplaintStatus.closed).value, session=session,
          now=now)  # fmt: skip
    session.flush()
    return complaint


def possible_duplicates(actor: Actor, complaint: Complaint, *, session: Session) -> list[Complaint]:
    """Other cases that may report the same events: the same worker, or the same respondent agency with a shared
    category received within ``DUPLICATE_WINDOW``. Shown for an inspector to merge; never merged automatically."""
    require_staff(actor)
    alike = []
    if complaint.worker_id is not None:
        alike.append(Complaint.worker_id == complaint.worker_id)
    categories = unpack_list(complaint.categories)
    if complaint.respondent_agency_id is not None and categories:
        alike.append(and_(
            Complaint.respondent_agency_id == complaint.respondent_agency_id,
            or_(*(Complaint.categories.contains(f",{category},", autoescape=True) for category in categories)),
            Complaint.received_at.between(complaint.received_at - DUPLICATE_WINDOW,
                                          complaint.received_at + DUPLICATE_WINDOW),
        ))  # fmt: skip
    if not alike:
        return []
    query = (
        scoping.complaints_of(actor)
        .where(Complaint.id != complaint.id, Complaint.duplicate_of_id.is_(None), or_(*alike))
        .order_by(Complaint.received_at, Complaint.id)
        .limit(MAX_DUPLICATES_SHOWN)
    )
    return list(session.scalars(query).all())


def merge_into(actor: Actor, complaint: Complaint, target_id: int, *, confirmed: bool, session: Session,
               now: datetime | None = None) -> Complaint:  # fmt: skip
    """Mark ``complaint`` a duplicate of one of its listed possible duplicates, after the inspector confirmed; an
    internal note on both cases says so, and the duplicate is closed (its SLA clocks stop; the work goes on in the
    case it was merged into)."""
    require_staff(actor)
    if not confirmed:
        raise CaseRefused(N_("Tick the box to confirm the merge."), field="confirm")
    if complaint.duplicate_of_id is not None:
        raise Conflict(N_("This case is already merged into another."), field="target")
    target = next((c for c in possible_duplicates(actor, complaint, session=session) if c.id == target_id), None)
    if target is None:
        raise NotFound(N_("Choose one of the possible duplicates listed."), field="target")
    complaint.duplicate_of_id = target.id
    session.add(complaint)
    _event(session, complaint, actor, ComplaintEventKind.note, internal=True,
           body=f"Merged into {target.reference} as a duplicate.")  # fmt: skip
    _event(session, target, actor, ComplaintEventKind.note, internal=True,
           body=f"{complaint.reference} was merged into this case as a duplicate.")  # fmt: skip
    if complaint.status != ComplaintStatus.closed.value:
        _move(actor, complaint, ComplaintStatus.closed.value, session=session, now=now or utc_now())
    complaint.closing_note = complaint.closing_note or f"Merged into {target.reference} as a duplicate."
    session.flush()
    return complaint


def add_working_files(
    actor: Actor, complaint: Complaint, uploads: list[Upload], *, limits: EvidenceLimits, batch: EvidenceBatch,
    session: Session,
) -> list[ComplaintAttachment]:  # fmt: skip
    """Check and store an inspector's internal working files (the ministry's own limits per case apply to them)."""
    require_staff(actor)
    count, size = attachment_totals(session, complaint.id, internal=True)
    clean = check_all(uploads, limits, already_files=count, already_bytes=size)
    if not clean:
        raise CaseRefused(N_("Choose a file to upload."), field="files")
    return attach(session, complaint, batch.write_all(clean), now=utc_now(), internal=True, user_id=actor.user_id)


def attachment_of(actor: Actor, complaint: Complaint, attachment_id: int, *, session: Session) -> ComplaintAttachment:
    """One file of the case, for staff; ``NotFound`` otherwise."""
    require_staff(actor)
    found = session.scalar(
        select(ComplaintAttachment).where(
            ComplaintAttachment.id == attachment_id, ComplaintAttachment.complaint_id == complaint.id
        )
    )
    if found is None:
        raise NotFound(N_("There is no such file in this case."), field="attachment_id")
    return found
