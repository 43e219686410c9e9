"""Complaint SLA clocks: due dates, reminders before and after a deadline, escalation of overdue critical cases.

The clocks are the pack's own ``sla-overdue`` criteria (complaint-sla: CMP-001 acknowledgement, CMP-002
resolve-or-refer), judged by the same evaluator as the sweeps, so a deadline here and a finding there never
disagree and the hours live in the pack, not in code. An open complaint whose clock is overdue and which fails an
escalation criterion (CMP-003: critical severity, violence, confinement or debt bondage, not escalated) is
escalated to the assignee's supervisor, or to the supervising inspectors when nobody is assigned.

Reminders go to the assignee (or the supervising inspectors for an unassigned case): one "due soon" per clock
when the configured fraction of its allowance is left, then one "overdue" per clock per overdue day. A case that
is resolved, referred or closed gets nothing more. Messages name the complaint by reference and never the
complainant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.checks.evaluator import judge, prepare_subject
from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.models import Complaint, ComplaintEvent, User
from recruitment_watch.models.vocab import (
    OPEN_COMPLAINT_STATUSES,
    ComplaintEventKind,
    NotificationKind,
)
from recruitment_watch.services.casework.notifications import notify, supervising_inspectors
from recruitment_watch.services.criteria.subject_loader import complaint_subject

# Which complaint column holds each clock's due date, by the field that stops the clock.
DUE_COLUMNS = {"complaint.acknowledged_at": "ack_due_at", "complaint.resolved_at": "resolve_due_at"}
CLOCK_NAMES = {"complaint.acknowledged_at": "acknowledgement", "complaint.resolved_at": "resolution"}


@dataclass
class SlaTally:
    """What one SLA round did."""

    checked: int = 0
    due_dates_set: int = 0
    reminders: int = 0
    escalations: int = 0
    escalated_ids: list[int] = field(default_factory=list)

    def add(self, other: SlaTally) -> None:
        """Fold another batch's tally into this one."""
        self.checked += other.checked
        self.due_dates_set += other.due_dates_set
        self.reminders += other.reminders
        self.escalations += other.escalations
        self.escalated_ids.extend(other.escalated_ids)

    def summary(self) -> str:
        """One line for the job history."""
        return (
            f"open complaints checked: {self.checked}, due dates set: {self.due_dates_set}, "
            f"reminders: {self.reminders}, escalations: {self.escalations}"
        )


@dataclass(frozen=True)
class SlaRules:
    """The clocks and escalation criteria taken from the active packs, and the reminder lead."""

    clocks: tuple[Criterion, ...]
    escalation: tuple[Criterion, ...]
    reminder_fraction: float

    @classmethod
    def from_packs(cls, packs: Iterable[Pack], *, escalation_ids: Iterable[str], reminder_fraction: float) -> SlaRules:
        """Every complaint ``sla-overdue`` criterion is a clock; the named criteria decide escalation."""
        wanted = set(escalation_ids)
        criteria = [c for pack in packs for c in pack.criteria if c.spec.subject == "complaint"]
        return cls(
            clocks=tuple(c for c in criteria if c.check.key == "sla-overdue"),
            escalation=tuple(c for c in criteria if c.id in wanted),
            reminder_fraction=reminder_fraction,
        )


def open_complaint_ids(session: Session) -> list[int]:
    """Ids of every complaint whose case is still open, oldest first."""
    return list(
        session.scalars(
            select(Complaint.id)
            .where(Complaint.status.in_([status.value for status in OPEN_COMPLAINT_STATUSES]))
            .order_by(Complaint.id)
        ).all()
    )


def run_sla_round(session: Session, complaint_ids: Iterable[int], *, rules: SlaRules, now: datetime) -> SlaTally:
    """Apply the clocks to the given complaints (closed ones are skipped). Flushes; the caller commits."""
    tally = SlaTally()
    heads = supervising_inspectors(session)
    complaints = session.scalars(
        select(Complaint)
        .where(Complaint.id.in_(list(complaint_ids)), Complaint.status.in_([s.value for s in OPEN_COMPLAINT_STATUSES]))
        .order_by(Complaint.id)
    ).all()
    for complaint in complaints:
        tally.checked += 1
        _apply_clocks(session, complaint, rules=rules, now=now, heads=heads, tally=tally)
    session.flush()
    return tally


def _apply_clocks(
    session: Session, complaint: Complaint, *, rules: SlaRules, now: datetime, heads: list[int], tally: SlaTally
) -> None:
    subject = prepare_subject("complaint", complaint_subject(complaint, now), now=now)
    reminded_to = [complaint.assignee_user_id] if complaint.assignee_user_id else heads
    overdue_clocks: list[str] = []
    for clock in rules.clocks:
        verdict = judge(clock, subject, on=now.date())
        if verdict.outcome == "not_applicable":
            continue
        evidence = verdict.evidence
        due = datetime.fromisoformat(evidence["due_at"])
        column = DUE_COLUMNS.get(clock.params.stop)
        if column and getattr(complaint, column) != due:
            setattr(complaint, column, due)
            tally.due_dates_set += 1
        if not evidence["clock_running"]:
            continue
        name = CLOCK_NAMES.get(clock.params.stop, clock.spec.title)
        if verdict.failed:
            overdue_clocks.append(name)
            days_over = int((now - due) / timedelta(days=1))
            message = (
                f"Complaint {complaint.reference} ({complaint.severity}): {name} overdue since "
                f"{due:%Y-%m-%d %H:%M} UTC; target {evidence['allowed_hours']} h ({clock.id})."
            )
            key = f"sla:{complaint.id}:{clock.id}:overdue:{days_over}"
            tally.reminders += _remind(session, complaint, reminded_to, NotificationKind.sla_overdue, message, key)
        elif now >= due - timedelta(hours=evidence["allowed_hours"] * rules.reminder_fraction):
            hours_left = max(0, round((due - now) / timedelta(hours=1)))
            message = (
                f"Complaint {complaint.reference} ({complaint.severity}): {name} due "
                f"{due:%Y-%m-%d %H:%M} UTC, {hours_left} h left ({clock.id})."
            )
            key = f"sla:{complaint.id}:{clock.id}:due_soon"
            tally.reminders += _remind(session, complaint, reminded_to, NotificationKind.sla_due_soon, message, key)
    if overdue_clocks and complaint.escalated_at is None:
        reasons = [c.spec.title for c in rules.escalation if judge(c, subject, on=now.date()).failed]
        if reasons:
            _escalate(session, complaint, overdue_clocks, reasons, now=now, heads=heads)
            tally.escalations += 1
            tally.escalated_ids.append(complaint.id)


def set_due_dates(complaint: Complaint, clocks: Iterable[Criterion], *, now: datetime) -> None:
    """Set the complaint's due dates from the clocks (a new complaint shows them at once, before the hourly job)."""
    subject = prepare_subject("complaint", complaint_subject(complaint, now), now=now)
    for clock in clocks:
        verdict = judge(clock, subject, on=now.date())
        column = DUE_COLUMNS.get(clock.params.stop)
        if verdict.outcome != "not_applicable" and column:
            setattr(complaint, column, datetime.fromisoformat(verdict.evidence["due_at"]))


def _remind(
    session: Session, complaint: Complaint, user_ids: list[int], kind: NotificationKind, message: str, key: str
) -> int:
    sent = notify(
        session, user_ids, kind=kind, subject_type="complaint", subject_id=complaint.id, message=message, dedupe_key=key
    )
    if sent:
        session.add(
            ComplaintEvent(
                complaint_id=complaint.id, kind=ComplaintEventKind.reminder.value, internal=True, body=message
            )
        )
    return sent


def escalation_targets(session: Session, complaint: Complaint, heads: list[int]) -> list[int]:
    """The assignee's active supervisor; otherwise the supervising inspectors."""
    if complaint.assignee_user_id is not None:
        assignee = session.get(User, complaint.assignee_user_id)
        if assignee is not None and assignee.supervisor_user_id is not None:
            supervisor = session.get(User, assignee.supervisor_user_id)
            if supervisor is not None and supervisor.is_active:
                return [supervisor.id]
    return heads


def _escalate(
    session: Session,
    complaint: Complaint,
    overdue_clocks: list[str],
    reasons: list[str],
    *,
    now: datetime,
    heads: list[int],
) -> None:
    targets = escalation_targets(session, complaint, heads)
    names = (
        ", ".join(session.scalars(select(User.full_name).where(User.id.in_(targets)).order_by(User.id)).all())
        or "nobody (no supervising inspector is registered)"
    )
    message = (
        f"Complaint {complaint.reference} escalated: {' and '.join(overdue_clocks)} overdue; "
        f"{'; '.join(reasons)}. Escalated to {names}."
    )
    complaint.escalated_at = now
    session.add(complaint)
    session.add(
        ComplaintEvent(complaint_id=complaint.id, kind=ComplaintEventKind.escalation.value, internal=True, body=message)
    )
    notify(
        session,
        targets,
        kind=NotificationKind.sla_escalated,
        subject_type="complaint",
        subject_id=complaint.id,
        message=message,
        dedupe_key=f"sla:{complaint.id}:escalated",
    )
