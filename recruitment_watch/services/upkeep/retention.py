"""Worker-data retention: after a decided complaint's period, remove what identifies the worker; keep the statistics.

A complaint is *due* once it has been decided (resolved, referred or closed) for longer than its period: the
configured days for its categories (a case with several categories takes the longest), else ``RETENTION_CLOSED_DAYS``.
Its worker's identity serves every case of that worker, so a due case is *held* while the same worker has another
case that is open or still inside its own period.

What goes: the complainant's contact, the worker's identity row (name, passport number, phone, address), the free
text people wrote (summary, messages both ways, internal notes, closing note), evidence file names, and the evidence
files themselves. What stays: the complaint row with its reference, dates, categories, indicators, severity, status,
outcome, amount recovered and respondent; the events with their kinds and status moves; the attachment rows with
type, size and SHA-256. Each changed row is stamped (``pseudonymised_at``, ``removed_at``), so the pages and reports
can say why a text is empty.

A worker who is party to a contract keeps the identity row: the agency's contract record (and its own retention
rule, e.g. two years after the end of service in the UAE) needs it; only their complaints' texts are removed.

Files are deleted after the transaction that marked their rows commits: a crash in between leaves a marked row with
its file still on disk, and the next run deletes such leftovers first. Functions flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session

from recruitment_watch.db import begin_writing, new_session, unit_of_work
from recruitment_watch.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintContact,
    ComplaintEvent,
    Contract,
    Worker,
    WorkerIdentity,
)
from recruitment_watch.models.base import unpack_list
from recruitment_watch.models.vocab import ComplaintCategory, ComplaintEventKind
from recruitment_watch.services.casework.cases import DECIDED_STATUSES
from recruitment_watch.services.casework.evidence import EvidenceStore
from recruitment_watch.services.trust.capture import summarised
from recruitment_watch.services.trust.summaries import record_summary

# Event kinds whose body is text a person wrote about the case (assignment bodies name the staff member, reminders
# and escalations are the system's own words).
WRITTEN_KINDS = (ComplaintEventKind.message_in.value, ComplaintEventKind.message_out.value,
                 ComplaintEventKind.note.value)  # fmt: skip
IN_CLAUSE = 500
# Complaints per transaction: a run stops between batches when the scheduler shuts down.
BATCH = 200


@dataclass(frozen=True)
class RetentionRules:
    """How long a decided complaint keeps its identifying data, by category (days)."""

    closed_days: int
    days_by_category: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RetentionRules:
        """The rules in ``RETENTION_CLOSED_DAYS`` and ``RETENTION_DAYS_BY_CATEGORY``; ``ValueError`` names a bad key."""
        known = {category.value for category in ComplaintCategory}
        by_category = dict(config.get("RETENTION_DAYS_BY_CATEGORY") or {})
        unknown = sorted(set(by_category) - known)
        if unknown:
            raise ValueError(f"RETENTION_DAYS_BY_CATEGORY names unknown categories {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(known))}")  # fmt: skip
        days = {name: int(value) for name, value in by_category.items()}
        closed_days = int(config.get("RETENTION_CLOSED_DAYS", 730))
        if closed_days < 0 or any(value < 0 for value in days.values()):
            raise ValueError("retention periods are whole days, 0 or more")
        return cls(closed_days, days)

    def period_for(self, categories: str) -> timedelta:
        """The period of a complaint with these (packed) categories: the longest of theirs."""
        days = [self.days_by_category.get(name, self.closed_days) for name in unpack_list(categories)]
        return timedelta(days=max(days, default=self.closed_days))

    @property
    def shortest(self) -> timedelta:
        """No complaint is due sooner than this after its decision (narrows the candidates in SQL)."""
        return timedelta(days=min([self.closed_days, *self.days_by_category.values()]))


@dataclass
class RetentionTally:
    """What one retention run did (or, in a dry run, would do)."""

    complaints: int = 0
    held: int = 0
    workers: int = 0
    contacts: int = 0
    texts: int = 0
    files: int = 0
    leftover_files: int = 0

    def add(self, other: RetentionTally) -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self, *, dry_run: bool = False) -> str:
        """One line for the job history and the command line."""
        verb = "would pseudonymise" if dry_run else "pseudonymised"
        line = (f"{verb} {self.complaints} complaint(s) and {self.workers} worker(s): {self.contacts} contact(s), "
                f"{self.texts} text(s) removed, {self.files} evidence file(s) deleted; {self.held} held while the "
                f"worker has another open or recent case")  # fmt: skip
        if self.leftover_files:
            line += f"; {self.leftover_files} file(s) left by an interrupted run deleted"
        return line


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + IN_CLAUSE] for start in range(0, len(ids), IN_CLAUSE)]


def due_complaints(session: Session, rules: RetentionRules, *, now: datetime) -> tuple[list[int], int]:
    """Ids of the complaints due for pseudonymisation as of ``now`` (ascending), and how many due ones are held."""
    candidates = session.execute(
        select(Complaint.id, Complaint.categories, Complaint.resolved_at, Complaint.worker_id)
        .where(Complaint.status.in_(sorted(DECIDED_STATUSES)), Complaint.pseudonymised_at.is_(None),
               Complaint.resolved_at.is_not(None), Complaint.resolved_at <= now - rules.shortest)
        .order_by(Complaint.id)
    ).all()  # fmt: skip
    due = [row for row in candidates if _aware(row.resolved_at) + rules.period_for(row.categories) <= now]
    due_ids = {row.id for row in due}
    workers = sorted({row.worker_id for row in due if row.worker_id is not None})
    held_workers: set[int] = set()
    for chunk in _chunks(workers):
        others = session.execute(select(Complaint.id, Complaint.worker_id).where(
            Complaint.worker_id.in_(chunk), Complaint.pseudonymised_at.is_(None))).all()  # fmt: skip
        held_workers.update(row.worker_id for row in others if row.id not in due_ids)
    kept = [row.id for row in due if row.worker_id not in held_workers]
    return kept, len(due) - len(kept)


def _forget_worker(session: Session, worker_id: int, *, now: datetime) -> int:
    """Delete the worker's identity row unless a contract still needs it; 1 when the worker was pseudonymised."""
    worker = session.get(Worker, worker_id)
    if worker is None or worker.pseudonymised_at is not None:
        return 0
    if session.scalar(select(Contract.id).where(Contract.worker_id == worker_id).limit(1)) is not None:
        return 0
    identity = session.get(WorkerIdentity, worker_id)
    if identity is not None:
        session.delete(identity)
    worker.pseudonymised_at = now
    session.add(worker)
    return 1


def _blank_texts(session: Session, complaint: Complaint) -> int:
    events = session.scalars(select(ComplaintEvent).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind.in_(WRITTEN_KINDS),
        ComplaintEvent.body != "")).all()  # fmt: skip
    for event in events:
        event.body = ""
        session.add(event)
    complaint.summary = ""
    complaint.closing_note = None
    return len(events)


def _mark_files(session: Session, complaint: Complaint, *, now: datetime) -> list[str]:
    """Stamp the complaint's attachments removed (their names go too); the storage keys to delete after commit."""
    rows = session.scalars(select(ComplaintAttachment).where(
        ComplaintAttachment.complaint_id == complaint.id, ComplaintAttachment.removed_at.is_(None))).all()  # fmt: skip
    for row in rows:
        row.removed_at = now
        row.filename = f"file-{row.id}"
        session.add(row)
    return [row.storage_key for row in rows]


def pseudonymise(session: Session, complaint_ids: list[int], *, now: datetime) -> tuple[RetentionTally, list[str]]:
    """Remove the identifying data of these complaints and of their workers. Returns the tally and the storage keys
    of the evidence files to delete once the transaction has committed. Flushes; the caller commits."""
    tally, keys = RetentionTally(), []
    for complaint in session.scalars(select(Complaint).where(Complaint.id.in_(complaint_ids)).order_by(Complaint.id)):
        contact = session.get(ComplaintContact, complaint.id)
        if contact is not None:
            session.delete(contact)
            tally.contacts += 1
        tally.texts += _blank_texts(session, complaint)
        keys.extend(_mark_files(session, complaint, now=now))
        if complaint.worker_id is not None:
            tally.workers += _forget_worker(session, complaint.worker_id, now=now)
        complaint.pseudonymised_at = now
        session.add(complaint)
        tally.complaints += 1
    tally.files = len(keys)
    session.flush()
    return tally, keys


def leftover_keys(session: Session, store: EvidenceStore) -> list[str]:
    """Storage keys of files marked removed that are still on disk (a run interrupted between commit and deletion)."""
    keys = session.scalars(select(ComplaintAttachment.storage_key).where(ComplaintAttachment.removed_at.is_not(None)))
    return [key for key in keys if store.path_of(key).exists()]


def delete_files(store: EvidenceStore, keys: list[str]) -> int:
    """Delete the files from the evidence store; returns how many were there."""
    deleted = 0
    for key in keys:
        path = store.path_of(key)
        if path.exists():
            path.unlink()
            deleted += 1
    return deleted


@dataclass
class RetentionRun:
    """A run's outcome: the tally, the references of the complaints it handled, and whether it stopped early."""

    tally: RetentionTally
    references: list[str]
    dry_run: bool
    stopped: bool = False

    def summary(self) -> str:
        line = self.tally.summary(dry_run=self.dry_run)
        return line + ("; stopped by shutdown, the next run carries on" if self.stopped else "")


def _batch(engine: Engine, ids: list[int], *, now: datetime, store: EvidenceStore,
           dry_run: bool) -> tuple[RetentionTally, list[str]]:  # fmt: skip
    """Pseudonymise one batch in its own transaction (rolled back in a dry run), then delete its files."""
    if dry_run:
        session = new_session(engine)
        try:
            begin_writing(session)  # the flush writes (then rolls back): take the SQLite write lock first
            summarised(session, "retention dry run")
            tally, _keys = pseudonymise(session, ids, now=now)
            references = sorted(session.scalars(select(Complaint.reference).where(Complaint.id.in_(ids))))
        finally:
            session.rollback()
            session.close()
        return tally, references
    with unit_of_work(engine, writing=True) as session:
        # One summarising audit event for the batch instead of one per row: a row's before-image would keep a copy
        # of the very text being removed.
        summarised(session, "retention")
        tally, keys = pseudonymise(session, ids, now=now)
        references = sorted(session.scalars(select(Complaint.reference).where(Complaint.id.in_(ids))))
        detail = {"complaints": references, "workers": tally.workers, "contacts": tally.contacts,
                  "texts": tally.texts, "files": tally.files}  # fmt: skip
        record_summary(session, action="retention", object_type="retention_run",
                       object_id=now.isoformat(timespec="seconds"), detail=detail)  # fmt: skip
    tally.files = delete_files(store, keys)
    return tally, references


def run_retention(engine: Engine, config: Mapping[str, Any], *, now: datetime, dry_run: bool = False,
                  stopping=lambda: False) -> RetentionRun:  # fmt: skip
    """Apply the retention rule as of ``now`` in batches (each its own transaction); ``dry_run`` changes nothing.
    ``stopping()`` is asked between batches."""
    rules = RetentionRules.from_config(config)
    store = EvidenceStore(config["EVIDENCE_FOLDER"])
    run = RetentionRun(RetentionTally(), [], dry_run)
    if not dry_run:
        with unit_of_work(engine) as session:
            run.tally.leftover_files = delete_files(store, leftover_keys(session, store))
    with unit_of_work(engine) as session:
        ids, run.tally.held = due_complaints(session, rules, now=now)
    for start in range(0, len(ids), BATCH):
        if stopping():
            run.stopped = True
            break
        tally, references = _batch(engine, ids[start : start + BATCH], now=now, store=store, dry_run=dry_run)
        run.tally.add(tally)
        run.references.extend(references)
    return run
