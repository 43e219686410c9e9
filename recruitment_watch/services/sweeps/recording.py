"""Recording a sweep's verdicts as findings: upsert by (criterion, subject), never a duplicate, auto-resolve.

A sweep hands over, per subject type, the criteria it judged, the subjects it judged (all, or the changed ones) and
the stream of failures. Open findings that fail again are kept (last seen, pack snapshot refreshed when the pack
changed); new failures become findings; open findings whose subject now passes are auto-resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, insert, select, text, update
from sqlmodel import Session

from recruitment_watch.models import Finding
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, FindingStatus

# Days an agency has to answer a new finding, by severity [INFERRED]. An advisory (a rule not yet binding) asks no
# answer: it has no due date.
RESPONSE_DAYS = {"critical": 7, "high": 14, "medium": 30, "low": 60}
_CHUNK = 5_000


def response_due(severity: str, now: datetime) -> date | None:
    """The day an agency must answer a finding of ``severity`` raised at ``now`` (None for an advisory)."""
    if severity == "advisory":
        return None
    return (now + timedelta(days=RESPONSE_DAYS.get(severity, 30))).date()


@dataclass(frozen=True)
class Failure:
    """One criterion failed by one subject, ready to be recorded."""

    criterion_id: str
    pack_id: str
    pack_version: str
    pack_digest: str
    subject_id: int
    agency_id: int | None
    severity: str
    message: str
    citation: str
    evidence: dict[str, Any]


@dataclass
class Tally:
    """What recording did, for the check run's counts."""

    new: int = 0
    still_open: int = 0
    resolved: int = 0
    new_by_severity: dict[str, int] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        self.new += other.new
        self.still_open += other.still_open
        self.resolved += other.resolved
        for severity, count in other.new_by_severity.items():
            self.new_by_severity[severity] = self.new_by_severity.get(severity, 0) + count


def open_key(criterion_id: str, subject_type: str, subject_id: int) -> str:
    """The key that makes a second open finding for the same criterion and subject impossible."""
    return f"{criterion_id}|{subject_type}|{subject_id}"


@dataclass(frozen=True)
class Candidate:
    """A failure as a strategy first reports it: cheap to produce; ``render`` turns it into a ``Failure`` only
    when it becomes a new finding (or refreshes one judged under another pack version)."""

    criterion_id: str
    subject_id: int
    pack_digest: str
    payload: Any


Renderer = Callable[[Candidate], Failure]

_SEEN_TABLE = "sweep_seen"


def _reset_seen(session: Session) -> None:
    """A per-connection scratch table of the keys this group of criteria failed (bounded memory on 10⁶ rows)."""
    session.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_SEEN_TABLE} (k VARCHAR(120) PRIMARY KEY)"))
    session.execute(text(f"DELETE FROM {_SEEN_TABLE}"))


def record_failures(
    session: Session,
    *,
    run_id: int,
    subject_type: str,
    criteria: dict[str, str],
    scope: Select | None,
    candidates: Iterable[Candidate],
    render: Renderer,
    now: datetime,
) -> Tally:
    """Upsert findings for ``candidates``; auto-resolve open findings of ``criteria`` (id → pack digest) in
    ``scope`` (a SELECT of subject ids, or None for every subject) that did not fail this time.

    Work is done in batches: look up which keys are already open (unique index on ``open_key``), render and insert
    only the new ones, and note every failing key in a scratch table; one UPDATE then resolves the rest. An open
    finding is, by construction, still failing as of the latest successful run; ``last_seen_at`` changes only
    when its content does.
    """
    _reset_seen(session)
    tally = Tally()
    batch: list[Candidate] = []
    for candidate in candidates:
        batch.append(candidate)
        if len(batch) >= _CHUNK:
            _record_batch(session, batch, subject_type, run_id, render, now, tally)
            batch = []
    if batch:
        _record_batch(session, batch, subject_type, run_id, render, now, tally)
    in_scope = [Finding.subject_type == subject_type, Finding.criterion_id.in_(criteria)]
    if scope is not None:
        in_scope.append(Finding.subject_id.in_(scope))
    seen = text(f"SELECT k FROM {_SEEN_TABLE}").columns(k=Finding.open_key.type)
    tally.resolved = auto_resolve(
        session,
        [Finding.status.in_(OPEN_FINDING_STATUSES), *in_scope, Finding.open_key.not_in(seen.subquery().select())],
        run_id=run_id,
        now=now,
    )
    session.flush()
    return tally


def _record_batch(
    session: Session,
    batch: list[Candidate],
    subject_type: str,
    run_id: int,
    render: Renderer,
    now: datetime,
    tally: Tally,
) -> None:
    keys = [open_key(candidate.criterion_id, subject_type, candidate.subject_id) for candidate in batch]
    existing = dict(
        session.execute(select(Finding.open_key, Finding.pack_digest).where(Finding.open_key.in_(keys))).all()
    )
    new_rows = []
    for key, candidate in zip(keys, batch, strict=True):
        digest = existing.get(key)
        if digest is None:
            failure = render(candidate)
            tally.new += 1
            tally.new_by_severity[failure.severity] = tally.new_by_severity.get(failure.severity, 0) + 1
            new_rows.append(new_finding_row(failure, subject_type, key, run_id, now))
        else:
            tally.still_open += 1
            if digest != candidate.pack_digest:
                refresh_snapshot(session, render(candidate), key, run_id, now)
    if new_rows:
        session.execute(insert(Finding), new_rows)
    session.execute(text(f"INSERT INTO {_SEEN_TABLE} (k) VALUES (:k)"), [{"k": key} for key in keys])


def new_finding_row(failure: Failure, subject_type: str, key: str, run_id: int, now: datetime) -> dict[str, Any]:
    due = response_due(failure.severity, now)
    return {
        "criterion_id": failure.criterion_id,
        "pack_id": failure.pack_id,
        "pack_version": failure.pack_version,
        "pack_digest": failure.pack_digest,
        "subject_type": subject_type,
        "subject_id": failure.subject_id,
        "agency_id": failure.agency_id,
        "severity": failure.severity,
        "message": failure.message[:2000],
        "citation": failure.citation[:500],
        "evidence": failure.evidence,
        "status": FindingStatus.open.value,
        "open_key": key,
        "first_seen_at": now,
        "last_seen_at": now,
        "due_on": due,
        "last_check_run_id": run_id,
        "updated_at": now,
    }


def auto_resolve(session: Session, where: list, *, run_id: int, now: datetime) -> int:
    """Close the open findings matching ``where`` as auto-resolved (their subject passes now); returns how many."""
    result = session.execute(
        update(Finding)
        .where(*where)
        .values(
            status=FindingStatus.auto_resolved.value,
            open_key=None,
            resolved_at=now,
            updated_at=now,
            last_check_run_id=run_id,
        )  # fmt: skip
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def refresh_snapshot(session: Session, failure: Failure, key: str, run_id: int, now: datetime) -> None:
    """A new pack version judged an open finding again: it now stands under that version's wording."""
    session.execute(
        update(Finding)
        .where(Finding.open_key == key)
        .values(
            pack_version=failure.pack_version,
            pack_digest=failure.pack_digest,
            severity=failure.severity,
            message=failure.message[:2000],
            citation=failure.citation[:500],
            evidence=failure.evidence,
            last_check_run_id=run_id,
            last_seen_at=now,
            updated_at=now,
        )  # fmt: skip
    )


def failure_of(
    pack: Any, spec: Any, *, subject_id: int, agency_id: int | None, message: str, evidence: dict
) -> Failure:
    """A failure of criterion ``spec`` of ``pack``, worded ``message`` (both strategies build them here)."""
    return Failure(
        criterion_id=spec.id,
        pack_id=pack.id,
        pack_version=pack.version,
        pack_digest=pack.digest,
        subject_id=subject_id,
        agency_id=agency_id,
        severity=spec.severity,
        message=message,
        citation=f"{spec.citation.instrument}, {spec.citation.article}",
        evidence=evidence,
    )
