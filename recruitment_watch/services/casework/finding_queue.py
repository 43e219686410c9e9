"""The findings queue: filters (pack, criterion, severity, status, agency, corridor, first-seen dates, assignee), three
orders (newest, most severe, soonest due) and keyset pages, for inspectors (every finding) and agencies (their own).

A page never counts or skips rows (no OFFSET): it continues after the last row's sort key and id, so page 500 costs
what page 1 costs, at millions of findings. An order is a list of *segments* walked in turn, each an index range:
"most severe" is critical, then high, … (``ix_finding_severity_seen`` per severity), "soonest due" is the findings
with a due date by date, then those without one by id — no CASE expression and no NULL ordering rule of one engine
or the other. The cursor handed to the page is opaque (base64 of the segment, the key and the direction).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, true, tuple_
from sqlmodel import Session

from recruitment_watch.models import Agency, Complaint, Contract, ContractVersion, FeePayment, Finding, User
from recruitment_watch.models.vocab import FindingStatus, Severity, SubjectType
from recruitment_watch.schemas.common import MAX_ID
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.case_queue import UNASSIGNED, ministry_inspectors
from recruitment_watch.services.casework.findings import as_seen_by
from recruitment_watch.services.criteria.packs import active_packs

PAGE_SIZE = 50
EXPORT_BATCH = 1000


class QueueOrder(StrEnum):
    newest = "newest"
    severity = "severity"
    due = "due"


@dataclass(frozen=True)
class FindingFilters:
    """What the reader narrowed the queue to; empty values filter nothing. ``assignee`` is a user id or
    ``UNASSIGNED`` (inspectors only); ``seen_from`` / ``seen_to`` are whole UTC days, both included."""

    pack_id: str = ""
    criterion_id: str = ""
    severity: str = ""
    status: str = ""
    agency_id: int | None = None
    origin_country: str = ""
    destination_country: str = ""
    seen_from: date | None = None
    seen_to: date | None = None
    assignee: str = ""
    order: QueueOrder = QueueOrder.newest


@dataclass(frozen=True)
class FindingRow:
    """One finding as the queue and its exports list it (as the reader may see it)."""

    id: int
    pack_id: str
    criterion_id: str
    severity: str
    status: str
    message: str
    citation: str
    subject_type: str
    subject_id: int
    agency_id: int | None
    agency_name: str | None
    first_seen_at: datetime
    due_on: date | None
    assignee_name: str | None


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and the cursors of the pages around it (None at either end)."""

    rows: list[FindingRow]
    next_cursor: str | None
    previous_cursor: str | None


@dataclass(frozen=True)
class QueueChoices:
    """What the filter and assignment forms offer (agencies and inspectors for the ministry only)."""

    packs: list[str]
    criteria: list[tuple[str, str]]
    agencies: list[tuple[int, str]]
    inspectors: list[tuple[int, str]]


@dataclass(frozen=True)
class _Segment:
    condition: ColumnElement[bool]
    keys: tuple[Any, ...]  # columns, the last one Finding.id


@dataclass(frozen=True)
class _Order:
    segments: tuple[_Segment, ...]
    descending: bool


def _orders() -> dict[QueueOrder, _Order]:
    seen = (Finding.first_seen_at, Finding.id)
    return {
        QueueOrder.newest: _Order((_Segment(true(), seen),), descending=True),
        QueueOrder.severity: _Order(tuple(_Segment(Finding.severity == level.value, seen)
                                          for level in reversed(Severity)), descending=True),  # fmt: skip
        QueueOrder.due: _Order((_Segment(Finding.due_on.is_not(None), (Finding.due_on, Finding.id)),
                                _Segment(Finding.due_on.is_(None), (Finding.id,))), descending=False),  # fmt: skip
    }


@dataclass(frozen=True)
class _Position:
    """Where a page starts: after (``forward``) or before the row at ``key`` in segment ``segment``."""

    segment: int
    key: tuple[Any, ...]
    forward: bool


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.astimezone(UTC).isoformat() if value.tzinfo else value.replace(tzinfo=UTC).isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"}:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and set(value) == {"d"}:
        return date.fromisoformat(value["d"])
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    raise ValueError("not a cursor value")


def encode_cursor(position: _Position) -> str:
    payload = {"s": position.segment, "k": [_encode_value(v) for v in position.key], "f": position.forward}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order: _Order) -> _Position | None:
    """The position a cursor names, or None when it is not one this order gave out (the first page is shown)."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor[:400] + "=" * (-len(cursor[:400]) % 4)))
        segment, forward = payload["s"], payload["f"]
        key = tuple(_decode_value(v) for v in payload["k"])
        if not (isinstance(segment, int) and 0 <= segment < len(order.segments) and isinstance(forward, bool)):
            return None
        if len(key) != len(order.segments[segment].keys):
            return None
        return _Position(segment, key, forward)
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
        return None


def _in_corridor(origin: str, destination: str) -> ColumnElement[bool]:
    """Findings whose subject (a contract version, a fee payment of a contract, a complaint) is in the corridor."""

    def corridor(model) -> list[ColumnElement[bool]]:
        named = [(model.origin_country, origin), (model.destination_country, destination)]
        return [column == value for column, value in named if value]

    versions = select(ContractVersion.id).join(Contract, Contract.id == ContractVersion.contract_id)
    payments = select(FeePayment.id).join(Contract, Contract.id == FeePayment.contract_id)
    complaints = select(Complaint.id)
    return or_(
        and_(Finding.subject_type == SubjectType.contract_version.value,
             Finding.subject_id.in_(versions.where(*corridor(Contract)))),
        and_(Finding.subject_type == SubjectType.fee_payment.value,
             Finding.subject_id.in_(payments.where(*corridor(Contract)))),
        and_(Finding.subject_type == SubjectType.complaint.value,
             Finding.subject_id.in_(complaints.where(*corridor(Complaint)))),
    )  # fmt: skip


def filtered(actor: Actor, filters: FindingFilters) -> Select:
    """The findings the actor may see, narrowed by ``filters`` (unordered)."""
    query = scoping.findings_of(actor, status=filters.status or None, severity=filters.severity or None)
    if filters.pack_id:
        query = query.where(Finding.pack_id == filters.pack_id)
    if filters.criterion_id:
        query = query.where(Finding.criterion_id == filters.criterion_id)
    if filters.agency_id is not None:
        query = query.where(Finding.agency_id == filters.agency_id)
    if filters.origin_country or filters.destination_country:
        query = query.where(_in_corridor(filters.origin_country.upper(), filters.destination_country.upper()))
    if filters.seen_from is not None:
        query = query.where(Finding.first_seen_at >= datetime.combine(filters.seen_from, time(), UTC))
    if filters.seen_to is not None:
        query = query.where(Finding.first_seen_at < datetime.combine(filters.seen_to + timedelta(days=1), time(), UTC))
    if actor.sees_everything and filters.assignee == UNASSIGNED:
        query = query.where(Finding.assigned_to_user_id.is_(None))
    elif actor.sees_everything and filters.assignee:
        assignee = int(filters.assignee) if filters.assignee.isdigit() and len(filters.assignee) < 16 else 0
        query = query.where(Finding.assigned_to_user_id == assignee)
    return query


def _segment_rows(query: Select, segment: _Segment, descending: bool, after: tuple | None, limit: int,
                  session: Session) -> list[Finding]:  # fmt: skip
    """Up to ``limit`` findings of one segment in ``descending`` order of its keys, after the key ``after``."""
    query = query.where(segment.condition)
    if after is not None:
        keys = tuple_(*segment.keys)
        query = query.where(keys < tuple_(*after) if descending else keys > tuple_(*after))
    order = [key.desc() if descending else key.asc() for key in segment.keys]
    return list(session.scalars(query.order_by(*order).limit(limit)).all())


def _key(finding: Finding, segment: _Segment) -> tuple:
    return tuple(getattr(finding, key.key) for key in segment.keys)


def _walk(query: Select, order: _Order, position: _Position | None, limit: int,
          session: Session) -> list[tuple[int, Finding]]:  # fmt: skip
    """Up to ``limit`` (segment, finding) in reading order, from ``position`` (the start when None) forwards, or
    backwards (then returned nearest first)."""
    forward = position is None or position.forward
    indexes = range(len(order.segments)) if forward else range(position.segment, -1, -1)
    if forward and position is not None:
        indexes = range(position.segment, len(order.segments))
    found: list[tuple[int, Finding]] = []
    for index in indexes:
        segment = order.segments[index]
        after = position.key if position is not None and index == position.segment else None
        descending = order.descending == forward
        rows = _segment_rows(query, segment, descending, after, limit - len(found), session)
        found.extend((index, row) for row in rows)
        if len(found) >= limit:
            break
    return found


def finding_queue(actor: Actor, filters: FindingFilters, *, session: Session, cursor: str = "",
                  limit: int = PAGE_SIZE) -> QueuePage:  # fmt: skip
    """One page of the findings the actor may see, in the filters' order, starting at ``cursor`` (a next or
    previous cursor of an earlier page; the first page when empty or not a cursor)."""
    order = _orders()[filters.order]
    position = decode_cursor(cursor, order) if cursor else None
    found = _walk(filtered(actor, filters), order, position, limit + 1, session)
    more = len(found) > limit
    found = found[:limit]
    backwards = position is not None and not position.forward
    if backwards:
        found.reverse()
    if not found:
        return QueuePage([], None, None)
    first, last = found[0], found[-1]
    after_last = _Position(last[0], _key(last[1], order.segments[last[0]]), forward=True)
    before_first = _Position(first[0], _key(first[1], order.segments[first[0]]), forward=False)
    has_next = more if not backwards else True
    has_previous = (position is not None) if not backwards else more
    return QueuePage(
        rows=_rows(actor, [finding for _, finding in found], session),
        next_cursor=encode_cursor(after_last) if has_next else None,
        previous_cursor=encode_cursor(before_first) if has_previous else None,
    )


def every_row(actor: Actor, filters: FindingFilters, *, session: Session) -> Iterator[FindingRow]:
    """Every finding the filters select, in order, a batch at a time (for exports that stream)."""
    cursor = ""
    while True:
        page = finding_queue(actor, filters, session=session, cursor=cursor, limit=EXPORT_BATCH)
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _rows(actor: Actor, findings: Sequence[Finding], session: Session) -> list[FindingRow]:
    """The findings as rows, with agency and assignee names looked up once per page (never joined into the keyset
    query, so its plan stays an index range)."""
    agency_ids = {f.agency_id for f in findings if f.agency_id is not None}
    user_ids = {f.assigned_to_user_id for f in findings if f.assigned_to_user_id is not None}
    agencies = dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))).all()) \
        if agency_ids else {}  # fmt: skip
    people = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids))).all()) \
        if user_ids and actor.sees_everything else {}  # fmt: skip
    rows = []
    for finding in findings:
        seen = as_seen_by(actor, finding)
        rows.append(FindingRow(
            id=finding.id, pack_id=finding.pack_id, criterion_id=finding.criterion_id, severity=finding.severity,
            status=finding.status, message=seen["message"], citation=finding.citation,
            subject_type=finding.subject_type, subject_id=finding.subject_id, agency_id=finding.agency_id,
            agency_name=agencies.get(finding.agency_id), first_seen_at=finding.first_seen_at, due_on=finding.due_on,
            assignee_name=people.get(finding.assigned_to_user_id),
        ))  # fmt: skip
    return rows


def queue_choices(actor: Actor, *, session: Session) -> QueueChoices:
    """The packs and criteria (from the packs, not the findings: no scan), and for the ministry the agencies and
    its inspectors."""
    packs = active_packs()
    criteria = sorted({(c.id, c.spec.title) for pack in packs for c in pack.criteria})
    agencies: list[tuple[int, str]] = []
    inspectors: list[tuple[int, str]] = []
    if actor.sees_everything:
        agencies = [(row.id, row.name) for row in session.execute(select(Agency.id, Agency.name)
                                                                  .order_by(Agency.name, Agency.id)).all()]  # fmt: skip
        inspectors = ministry_inspectors(session, actor.organisation_id)
    return QueueChoices(sorted(pack.id for pack in packs), criteria, agencies, inspectors)


STATUSES = tuple(status.value for status in FindingStatus)
SEVERITIES = tuple(level.value for level in reversed(Severity))
