"""A licence's history as effective-dated periods, and its status on any day — in Python and in SQL alike.

Each licence event opens a period on its ``decided_on`` day that lasts until the next event (events of one day
follow each other in the order they were recorded). In a period the licence has the event's status; a granting
period (active or renewed) ends early when its ``valid_to`` passes: after that day the licence is ``expired``.
Before the first event there was no licence: ``unlicensed``.

The criteria read the status on the contract's own dates (signing, departure, payment), never today's: a contract
signed while the licence had lapsed stays a breach after a renewal, and a deployment made while the licence was
valid is not turned into one by a later suspension. ``status_on`` (the preview, the Python sweep) and
``status_on_column`` (the SQL sweep) give the same answer; tests hold them together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Subquery, and_, case, func, literal, or_, select
from sqlmodel import Session

from recruitment_watch.models import Agency, LicenceEvent
from recruitment_watch.models.vocab import VALID_LICENCE_STATUSES

GRANTING = tuple(status.value for status in VALID_LICENCE_STATUSES)
UNLICENSED = "unlicensed"
EXPIRED = "expired"


@dataclass(frozen=True)
class LicencePeriod:
    """One stretch of the licence's history: from ``starts_on`` up to (not including) ``next_starts_on``."""

    decision: str
    status: str
    starts_on: date
    next_starts_on: date | None
    valid_to: date | None
    reason: str
    legal_basis: str | None

    def covers(self, day: date) -> bool:
        """Whether ``day`` falls in this period."""
        return self.starts_on <= day and (self.next_starts_on is None or day < self.next_starts_on)

    def status_on(self, day: date) -> str:
        """The status on ``day`` (inside the period): a granting period past its validity is expired."""
        if self.status in GRANTING and self.valid_to is not None and day > self.valid_to:
            return EXPIRED
        return self.status


def periods_of(events: Sequence[LicenceEvent]) -> list[LicencePeriod]:
    """The periods the events open, oldest first."""
    ordered = sorted(events, key=lambda event: (event.decided_on, event.id or 0))
    return [
        LicencePeriod(
            decision=event.decision,
            status=event.status,
            starts_on=event.decided_on,
            next_starts_on=ordered[number + 1].decided_on if number + 1 < len(ordered) else None,
            valid_to=event.valid_to if event.status in GRANTING else None,
            reason=event.reason,
            legal_basis=event.legal_basis,
        )
        for number, event in enumerate(ordered)
    ]


def status_on(periods: Sequence[LicencePeriod], day: date | None) -> str | None:
    """The licence status on ``day`` (None when there is no day to judge)."""
    if day is None:
        return None
    for period in periods:
        if period.covers(day):
            return period.status_on(day)
    return UNLICENSED


def history_of(session: Session, agency_id: int) -> list[LicencePeriod]:
    """An agency's licence periods, oldest first."""
    events = session.scalars(select(LicenceEvent).where(LicenceEvent.agency_id == agency_id)).all()
    return periods_of(events)


def period_table() -> Subquery:
    """Every agency's licence periods as rows (agency_id, status, valid_to, starts_on, next_starts_on)."""
    event = LicenceEvent.__table__.c
    return select(
        event.agency_id,
        event.status,
        case((event.status.in_(GRANTING), event.valid_to)).label("valid_to"),
        event.decided_on.label("starts_on"),
        func.lead(event.decided_on)
        .over(partition_by=event.agency_id, order_by=(event.decided_on, event.id))
        .label("next_starts_on"),
    ).subquery("licence_period")


def period_on(periods: Subquery, agency_id: Any, day: ColumnElement) -> Any:
    """The join condition picking ``agency_id``'s period that covers ``day`` (outer-join it: none means unlicensed)."""
    return and_(
        periods.c.agency_id == agency_id,
        periods.c.starts_on <= day,
        or_(periods.c.next_starts_on.is_(None), day < periods.c.next_starts_on),
    )


def status_on_column(period: Any, day: ColumnElement) -> ColumnElement:
    """SQL twin of ``status_on`` over an outer-joined period (an alias of ``period_table``)."""
    return case(
        (day.is_(None), literal(None, sa.String)),
        (period.c.status.is_(None), literal(UNLICENSED)),
        (
            and_(period.c.status.in_(GRANTING), period.c.valid_to.is_not(None), day > period.c.valid_to),
            literal(EXPIRED),
        ),
        else_=period.c.status,
    )


def unlicensed_spans() -> sa.Select:
    """Per agency, the stretches of days on which its licence did not allow recruiting, as rows (agency_id, from_on
    inclusive, after_on exclusive, before_on exclusive; a null bound is open): before the first licence (the whole
    time line for an agency with no history), each non-granting period, and each granting period past its validity.
    """
    agency = Agency.__table__
    event = LicenceEvent.__table__.c
    first = select(func.min(event.decided_on)).where(event.agency_id == agency.c.id).scalar_subquery()
    periods = period_table()
    no_date = literal(None, sa.Date)
    before_first = select(
        agency.c.id.label("agency_id"), no_date.label("from_on"), no_date.label("after_on"), first.label("before_on")
    )
    refused = select(periods.c.agency_id, periods.c.starts_on, no_date, periods.c.next_starts_on).where(
        periods.c.status.not_in(GRANTING)
    )
    lapsed = select(periods.c.agency_id, no_date, periods.c.valid_to, periods.c.next_starts_on).where(
        periods.c.status.in_(GRANTING),
        periods.c.valid_to.is_not(None),
        or_(periods.c.next_starts_on.is_(None), periods.c.valid_to < periods.c.next_starts_on),
    )
    return sa.union_all(before_first, refused, lapsed)
