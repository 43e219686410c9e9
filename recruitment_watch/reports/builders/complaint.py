"""The complaint case file's data: the case, its parties, its timeline and outcome, as the case page
(``casework.case_file``) shows them to the person reading it.

Who the worker is (name, passport, phone, address, contact) is printed only when the reader is the inspector the
case is assigned to; for everyone else those lines say "redacted". Timeline entries keep their text: the case file
is a ministry document (only ministry staff may ask for one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from recruitment_watch.models.base import unpack_list
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.case_file import case_file
from recruitment_watch.services.errors import N_, NotFound


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    kind: str
    internal: bool
    author: str
    text: str


@dataclass
class ComplaintReport:
    """Everything the case file prints."""

    reference: str
    received_at: datetime
    filed_by: str
    categories: list[str]
    indicators: list[str]
    severity: str
    language: str
    status: str
    summary: str
    agency: str | None
    employer: str | None
    contract: str | None
    worker: str | None
    assignee: str | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    ack_due_at: datetime | None
    resolve_due_at: datetime | None
    outcome: str | None
    substantiated: bool | None
    referred_to: str | None
    closing_note: str | None
    amount_recovered: str | None
    identity_shown: bool
    identity: list[tuple[str, str]]
    timeline: list[TimelineRow]


def _party(party) -> str | None:
    return f"{party.name} ({party.number})" if party is not None and party.number else (party.name if party else None)


def build_complaint_report(reader: Actor | None, reference: str, *, session: Session) -> ComplaintReport:
    """The case ``reference`` as ``reader`` may see it (``NotFound`` when there is no reader allowed to)."""
    if reader is None:
        raise NotFound(N_("There is no case %(reference)s."), params={"reference": reference})
    file = case_file(reader, reference, session=session)
    case = file.complaint
    person = file.identity
    identity = [] if person is None else [
        (label, value) for label, value in (("name", person.worker_name), ("passport", person.passport_no),
                                            ("phone", person.phone), ("address", person.address),
                                            ("contact", person.contact)) if value
    ]  # fmt: skip
    timeline = [
        TimelineRow(entry.at, entry.kind, entry.internal, entry.author or "—",
                    entry.body or (f"{entry.from_status or '—'} → {entry.to_status}" if entry.to_status else "")
                    or (entry.filename or ""))  # fmt: skip
        for entry in file.timeline
    ]
    return ComplaintReport(
        reference=case.reference, received_at=case.received_at, filed_by=case.filed_by,
        categories=unpack_list(case.categories), indicators=unpack_list(case.fl_indicators),
        severity=case.severity, language=case.language, status=case.status, summary=case.summary,
        agency=_party(file.agency), employer=_party(file.employer), contract=_party(file.contract),
        worker=_party(file.worker), assignee=file.assignee_name, acknowledged_at=case.acknowledged_at,
        resolved_at=case.resolved_at, ack_due_at=case.ack_due_at, resolve_due_at=case.resolve_due_at,
        outcome=case.outcome, substantiated=case.substantiated, referred_to=case.referred_to,
        closing_note=case.closing_note, amount_recovered=file.amount_recovered, identity_shown=person is not None,
        identity=identity, timeline=timeline,
    )  # fmt: skip
