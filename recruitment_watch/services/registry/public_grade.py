"""The compliance grade the public licence verification shows, kept per process and recomputed only when what it
depends on changed.

Anyone may verify a licence without a key, so computing an agency's risk score on every request (0.5 s for an agency
with 16,000 contracts) would let anyone load the server. The grade is remembered under a *basis*: the latest
successful check run, the newest change to any finding (agency answers, inspector disclosures), complaint and
contract, the agency's latest licence event, and the day (the score counts deployments of the last 12 months).
Rows deleted behind the services' back (a test wiping its database) must clear ``MEMORY``.
Each part is one index lookup, so a remembered grade is answered in about a millisecond, and every process (each
gunicorn worker) agrees on when its copy is stale without writing anything during a GET.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from recruitment_watch.checks.risk import RiskWeights
from recruitment_watch.models import CheckRun, Complaint, Contract, Finding, LicenceEvent
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, RunStatus
from recruitment_watch.services.access.scoping import shown_to_agencies
from recruitment_watch.services.oversight.risk import assess_agency

# Grades remembered per process: one per agency is enough (a new basis replaces the old one).
REMEMBERED_AGENCIES = 10_000


@dataclass(frozen=True)
class PublicGrade:
    grade: str
    risk_points: float
    open_findings: dict[str, int]


class GradeMemory:
    """A bounded, thread-safe map agency id → (basis, grade)."""

    def __init__(self, size: int = REMEMBERED_AGENCIES) -> None:
        self._entries: OrderedDict[int, tuple[tuple, PublicGrade]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, agency_id: int, basis: tuple) -> PublicGrade | None:
        with self._lock:
            found = self._entries.get(agency_id)
            if found is None or found[0] != basis:
                return None
            self._entries.move_to_end(agency_id)
            return found[1]

    def put(self, agency_id: int, basis: tuple, grade: PublicGrade) -> None:
        with self._lock:
            self._entries[agency_id] = (basis, grade)
            self._entries.move_to_end(agency_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


MEMORY = GradeMemory()


def basis_of(agency_id: int, on: date, *, session: Session) -> tuple:
    """What the agency's public grade depends on, read with index lookups only."""
    last_run = session.scalar(select(func.max(CheckRun.id)).where(CheckRun.status == RunStatus.succeeded.value))
    finding_change = session.scalar(select(func.max(Finding.updated_at)))
    complaint_change = session.scalar(select(func.max(Complaint.updated_at)))
    contract_change = session.scalar(select(func.max(Contract.updated_at)))
    licence_event = session.scalar(select(func.max(LicenceEvent.id)).where(LicenceEvent.agency_id == agency_id))
    return (str(session.get_bind().url), last_run, finding_change, complaint_change, contract_change, licence_event, on)


def compute_grade(agency_id: int, *, on: date, weights: RiskWeights, session: Session) -> PublicGrade:
    """The grade from scratch: the risk score and the open findings by severity, both from what the public may know
    of (an undisclosed complaint finding counts in neither)."""
    risk = assess_agency(agency_id, session=session, on=on, weights=weights, public=True)
    open_counts = dict(
        session.execute(
            select(Finding.severity, func.count())
            .where(Finding.agency_id == agency_id, Finding.status.in_(OPEN_FINDING_STATUSES), shown_to_agencies())
            .group_by(Finding.severity)
        ).all()
    )
    return PublicGrade(risk.score.band, risk.score.points, open_counts)


def public_grade(
    agency_id: int, *, on: date, weights: RiskWeights, session: Session, memory: GradeMemory = MEMORY
) -> PublicGrade:
    """The agency's public grade: remembered while its basis holds, computed anew otherwise."""
    basis = basis_of(agency_id, on, session=session) + (weights.model_dump_json(),)
    remembered = memory.get(agency_id, basis)
    if remembered is not None:
        return remembered
    grade = compute_grade(agency_id, on=on, weights=weights, session=session)
    memory.put(agency_id, basis, grade)
    return grade
