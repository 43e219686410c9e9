"""Licence expiry: renewal warnings before the last valid day, and the status ``expired`` after it.

``licence_valid_to`` is the last day the licence is valid (the ``licence-valid-on`` check reads it the same way),
so on the next day an active or renewed licence turns ``expired`` with a licence event. Warnings go to the agency's
users once per threshold and validity period (a renewal moves ``licence_valid_to`` and re-arms them); a scheduler
that was down across two thresholds sends only the nearer one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Agency
from recruitment_watch.models.vocab import VALID_LICENCE_STATUSES, LicenceStatus, NotificationKind
from recruitment_watch.services.casework.notifications import notify, organisation_users, supervising_inspectors
from recruitment_watch.services.registry.agencies import record_licence_event


@dataclass
class LicenceTally:
    """What one licence round did."""

    warned: int = 0
    notifications: int = 0
    expired: int = 0

    def summary(self) -> str:
        """One line for the job history."""
        return f"licences near expiry: {self.warned} (warnings sent: {self.notifications}), expired: {self.expired}"


def run_licence_round(session: Session, *, today: date, warning_days: Sequence[int]) -> LicenceTally:
    """Warn and expire as of ``today``. Flushes; the caller commits."""
    thresholds = sorted({int(days) for days in warning_days if int(days) >= 0})
    horizon = today + timedelta(days=max(thresholds, default=0))
    agencies = session.scalars(
        select(Agency)
        .where(Agency.status.in_([s.value for s in VALID_LICENCE_STATUSES]), Agency.licence_valid_to <= horizon)
        .order_by(Agency.licence_valid_to, Agency.id)
    ).all()
    tally = LicenceTally()
    heads = supervising_inspectors(session)
    for agency in agencies:
        valid_to = agency.licence_valid_to
        if valid_to < today:
            _expire(session, agency, today=today, heads=heads)
            tally.expired += 1
            continue
        days_left = (valid_to - today).days
        stage = min(days for days in thresholds if days >= days_left)
        message = (
            f"Licence {agency.licence_no} ({agency.country}) of {agency.name} is valid until {valid_to:%Y-%m-%d}: "
            f"{days_left} days left. Apply to {agency.licence_authority} for renewal; recruiting after that day "
            "breaks the licence rules."
        )
        tally.warned += 1
        tally.notifications += notify(
            session,
            organisation_users(session, agency.organisation_id),
            kind=NotificationKind.licence_expiring,
            subject_type="agency",
            subject_id=agency.id,
            message=message,
            dedupe_key=f"licence:{agency.id}:{valid_to:%Y-%m-%d}:{stage}d",
        )
    session.flush()
    return tally


def _expire(session: Session, agency: Agency, *, today: date, heads: list[int]) -> None:
    valid_to = agency.licence_valid_to
    record_licence_event(
        agency.id,
        {
            "status": LicenceStatus.expired.value,
            "reason": f"licence validity ended on {valid_to:%Y-%m-%d} and no renewal was recorded",
            "decided_on": today,
        },
        session=session,
    )
    message = (
        f"Licence {agency.licence_no} ({agency.country}) of {agency.name} expired: it was valid until "
        f"{valid_to:%Y-%m-%d}. The agency may not recruit or deploy until it is renewed."
    )
    notify(
        session,
        [*organisation_users(session, agency.organisation_id), *heads],
        kind=NotificationKind.licence_expired,
        subject_type="agency",
        subject_id=agency.id,
        message=message,
        dedupe_key=f"licence:{agency.id}:{valid_to:%Y-%m-%d}:expired",
    )
