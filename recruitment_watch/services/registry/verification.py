"""Public licence verification: what anyone may learn about a licence before paying an agency anything.

API v1 (``GET /api/v1/agencies/verify``) answers with it today; the public web page will show the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.checks.risk import RiskWeights
from recruitment_watch.models import Agency, LicenceEvent
from recruitment_watch.models.vocab import SANCTION_STATUSES, VALID_LICENCE_STATUSES
from recruitment_watch.services.errors import NotFound, ServiceError
from recruitment_watch.services.registry.licence_history import history_of
from recruitment_watch.services.registry.public_grade import PublicGrade, public_grade


class AmbiguousLicence(ServiceError):
    """The licence number is held in several countries; the issuing country must be given."""


@dataclass(frozen=True)
class Sanction:
    status: str
    decided_on: date
    reason: str
    legal_basis: str | None


@dataclass(frozen=True)
class HistoryEntry:
    """One period of the licence's history: the decision, the status it left, from when until when (inclusive;
    ``until`` is None for the current period) and, for a granting decision, the validity end."""

    decision: str
    status: str
    since: date
    until: date | None
    valid_to: date | None
    reason: str
    legal_basis: str | None


@dataclass(frozen=True)
class LicenceFacts:
    """The public facts about one licence, as of the day asked about (``valid_today`` is for that day)."""

    licence_no: str
    country: str
    agency_name: str
    licence_authority: str
    status: str
    licence_valid_from: date | None
    licence_valid_to: date | None
    valid_today: bool
    sanctions: list[Sanction]
    history: list[HistoryEntry]
    compliance: PublicGrade


def licence_valid_on(agency: Agency, day: date) -> bool:
    """Whether the agency's licence, as recorded now, lets it recruit on ``day`` (status and validity dates)."""
    if agency.status not in {status.value for status in VALID_LICENCE_STATUSES}:
        return False
    starts_ok = agency.licence_valid_from is None or agency.licence_valid_from <= day
    return starts_ok and agency.licence_valid_to is not None and day <= agency.licence_valid_to


def holder_of(licence_no: str, country: str | None, *, session: Session) -> Agency:
    """The agency holding ``licence_no`` (in ``country`` when given); ``NotFound`` or ``AmbiguousLicence``."""
    selection = select(Agency).where(Agency.licence_no == licence_no.strip())
    if country:
        selection = selection.where(Agency.country == country)
    matches = session.scalars(selection.limit(2)).all()
    if not matches:
        raise NotFound(f"no agency holds licence {licence_no}", field="licence_no")
    if len(matches) > 1:
        raise AmbiguousLicence(f"licence {licence_no} exists in several countries", field="country")
    return matches[0]


def verify_licence(
    licence_no: str, country: str | None, *, on: date, weights: RiskWeights, session: Session
) -> LicenceFacts:
    """Status, validity, sanctions and compliance grade of the licence ``licence_no``. Records nothing."""
    agency = holder_of(licence_no, country, session=session)
    sanctions = session.scalars(
        select(LicenceEvent)
        .where(LicenceEvent.agency_id == agency.id, LicenceEvent.status.in_([s.value for s in SANCTION_STATUSES]))
        .order_by(LicenceEvent.decided_on.desc())
    ).all()
    return LicenceFacts(
        licence_no=agency.licence_no,
        country=agency.country,
        agency_name=agency.name,
        licence_authority=agency.licence_authority,
        status=agency.status,
        licence_valid_from=agency.licence_valid_from,
        licence_valid_to=agency.licence_valid_to,
        valid_today=licence_valid_on(agency, on),
        sanctions=[Sanction(e.status, e.decided_on, e.reason, e.legal_basis) for e in sanctions],
        history=[
            HistoryEntry(
                decision=period.decision,
                status=period.status,
                since=period.starts_on,
                until=period.next_starts_on - timedelta(days=1) if period.next_starts_on else None,
                valid_to=period.valid_to,
                reason=period.reason,
                legal_basis=period.legal_basis,
            )
            for period in reversed(history_of(session, agency.id))
            if period.next_starts_on is None or period.next_starts_on > period.starts_on
        ],
        compliance=public_grade(agency.id, on=on, weights=weights, session=session),
    )
