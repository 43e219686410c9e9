"""CSV imports from upload to result: refuse a bad or already imported file, record the import, run it in two
passes, and find imports a dead process left behind.

Pass 1 checks every row, reading only, and writes its progress after each chunk (so the result page's bar moves
and other writers are never held up). With "all or nothing" and a bad row, it stops there: nothing is stored.
Pass 2 checks the rows again inside ONE writing transaction (what pass 1 saw may have changed meanwhile) and stores
the good ones; the import's result is written in that same transaction. A crash anywhere rolls the transaction
back, so the database is as it was, and the import is marked failed. Nothing is kept of the file but its name,
size and SHA-256: an import whose process died cannot be resumed, so it is marked failed with a clear message.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import IO

from sqlalchemy import Engine, func, or_, select, update
from sqlmodel import Session

from recruitment_watch.db import new_session, unit_of_work
from recruitment_watch.models import Agency, CsvImport
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.imports import ImportKind, ImportMode, ImportStatus
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import Actor, role_scopes
from recruitment_watch.services.contracts.csv_columns import columns_of
from recruitment_watch.services.contracts.csv_import import ContractRows, PaymentRows, RowError
from recruitment_watch.services.contracts.csv_parallel import PARALLEL_FROM_ROWS, parsed_chunks
from recruitment_watch.services.contracts.csv_reading import CsvFile, CsvRow, open_csv
from recruitment_watch.services.errors import N_, Conflict, Forbidden, NotFound, ServiceError
from recruitment_watch.services.trust.actor_context import acting
from recruitment_watch.services.trust.capture import summarised
from recruitment_watch.services.trust.summaries import record_summary

log = logging.getLogger("recruitment_watch.imports")

CHUNK_ROWS = 1_000
# Rejected rows' errors kept on the import (the counts stay exact beyond it): the page and its CSV stay usable.
MAX_ERRORS_KEPT = 5_000
ABANDONED = "The server stopped while this import was being processed; nothing was stored. Upload the file again."
STOPPED = "The import stopped on an error (%(error)s); nothing was stored. Upload the file again."
UNFINISHED = (ImportStatus.queued.value, ImportStatus.running.value)


class AlreadyImported(ServiceError):
    """The very same file was imported before (or is being imported): ``import_id`` is that import."""

    def __init__(self, import_id: int) -> None:
        super().__init__(N_("This file was already uploaded (import %(id)s): nothing is stored twice."),
                         field="file", params={"id": import_id})  # fmt: skip
        self.import_id = import_id


@dataclass(frozen=True)
class ImportLimits:
    """How large a file may be, and after how long without progress an unfinished import counts as abandoned."""

    max_bytes: int
    stale_after: timedelta

    @classmethod
    def from_config(cls, config) -> ImportLimits:
        return cls(int(config["IMPORT_MAX_FILE_BYTES"]), timedelta(minutes=int(config["IMPORT_STALE_MINUTES"])))


Progress = Callable[[str, int, int], None]  # (phase "checking" | "storing", rows done, rows in the file)


def _agency(actor: Actor) -> int:
    if actor.agency_id is None:
        raise Forbidden(N_("Only a registered agency's users can import contracts and fee payments."))
    return actor.agency_id


def fail_abandoned(*, session: Session, now: datetime, stale_after: timedelta) -> int:
    """Mark failed every queued or running import without progress for ``stale_after`` (its process died)."""
    quiet = now - stale_after
    result = session.execute(
        update(CsvImport)
        .where(CsvImport.status.in_(UNFINISHED),
               or_(CsvImport.heartbeat_at < quiet, (CsvImport.heartbeat_at.is_(None)) & (CsvImport.created_at < quiet)))
        .values(status=ImportStatus.failed.value, failure=ABANDONED, finished_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return result.rowcount or 0


def has_abandoned(*, session: Session, now: datetime, stale_after: timedelta) -> bool:
    """Whether ``fail_abandoned`` would change anything (so a page only writes when it must)."""
    quiet = now - stale_after
    last_sign = func.coalesce(CsvImport.heartbeat_at, CsvImport.created_at)
    query = select(func.count()).select_from(CsvImport).where(CsvImport.status.in_(UNFINISHED), last_sign < quiet)
    return session.scalar(query) > 0


# An all-or-nothing import with a rejected row stored nothing: the same file may be tried again (say, once the
# missing employer is registered). Rows it would store twice are skipped anyway.
_stored_nothing = (CsvImport.mode == ImportMode.all_or_nothing.value) & (CsvImport.rows_rejected > 0)


def start_import(actor: Actor, kind: str, file_name: str, data: bytes, mode: str, *, session: Session,
                 limits: ImportLimits) -> tuple[CsvImport, CsvFile]:  # fmt: skip
    """Check the file and record a queued import (flushed, not committed). ``FileRefused`` when the file cannot be
    read as the documented CSV, ``AlreadyImported`` when this agency imported (or is importing) the very same bytes
    before, unless that import failed or stored nothing because it was all or nothing."""
    agency_id = _agency(actor)
    kind, mode = ImportKind(kind).value, ImportMode(mode).value
    checked = open_csv(data, columns_of(kind), max_bytes=limits.max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    fail_abandoned(session=session, now=utc_now(), stale_after=limits.stale_after)
    earlier = session.scalar(
        select(CsvImport.id)
        .where(CsvImport.agency_id == agency_id, CsvImport.kind == kind, CsvImport.file_sha256 == digest,
               CsvImport.status != ImportStatus.failed.value, ~_stored_nothing)
        .order_by(CsvImport.id.desc()).limit(1)
    )  # fmt: skip
    if earlier is not None:
        raise AlreadyImported(earlier)
    record = CsvImport(kind=kind, agency_id=agency_id, file_name=(file_name or "upload.csv")[-200:],
                       file_sha256=digest, size_bytes=len(data), mode=mode, rows_total=checked.rows_total,
                       created_by_user_id=actor.user_id)  # fmt: skip
    session.add(record)
    session.flush()
    return record, checked


def _chunks(rows: Iterable[CsvRow]) -> Iterator[list[CsvRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        yield chunk


def _rows_for(kind: str, actor: Actor, session: Session, import_id: int) -> ContractRows | PaymentRows:
    if kind == ImportKind.payments.value:
        return PaymentRows(actor, session=session, import_id=import_id)
    return ContractRows(actor, session=session)


@dataclass
class _Tally:
    errors: list[RowError]
    duplicates: int = 0
    stored: int = 0

    @property
    def rejected(self) -> int:
        return len({error.line for error in self.errors})


class _NothingStored(Exception):
    """All or nothing, and a row failed while storing: the transaction is rolled back."""

    def __init__(self, tally: _Tally) -> None:
        super().__init__("all or nothing: a row was rejected")
        self.tally = tally


def _check_all(engine: Engine, record: CsvImport, actor: Actor, file: CsvFile, spool: IO[bytes],
               progress: Progress | None, parallel_from: int) -> _Tally:  # fmt: skip
    """Pass 1: every row checked, reading only (a large file's rows read and validated by worker processes:
    ``csv_parallel``); the good rows, ready to insert, go to ``spool`` a chunk at a time, and the progress is written
    after each chunk."""
    tally, done = _Tally([]), 0
    with new_session(engine) as session:
        rows = _rows_for(record.kind, actor, session, record.id)
        for chunk, parsed in parsed_chunks(record.kind, rows.agency_id, _chunks(file.rows()), file.rows_total,
                                           parallel_from=parallel_from):  # fmt: skip
            checked = rows.check(chunk) if parsed is None else rows.check(chunk, parsed)
            tally.errors += checked.errors
            tally.duplicates += checked.duplicates
            if checked.good:
                pickle.dump(checked.good, spool, protocol=pickle.HIGHEST_PROTOCOL)
            done += len(chunk)
            session.rollback()  # end the read transaction: the progress write must not wait behind it
            with unit_of_work(engine) as writer:
                summarised(writer, "csv import progress")  # bookkeeping; the import's result is recorded once
                writer.execute(update(CsvImport).where(CsvImport.id == record.id).values(
                    rows_done=done, heartbeat_at=utc_now(), rows_rejected=tally.rejected))  # fmt: skip
            if progress:
                progress("checking", done, file.rows_total)
    return tally


def _spooled(spool: IO[bytes]) -> Iterator[list]:
    spool.seek(0)
    while True:
        try:
            yield pickle.load(spool)  # noqa: S301 - our own pickles, written by _check_all in this process
        except EOFError:
            return


def _store_all(engine: Engine, record: CsvImport, actor: Actor, checked: _Tally, spool: IO[bytes],
               progress: Progress | None) -> None:  # fmt: skip
    """Pass 2: store the good rows, all in one writing transaction together with the import's result."""
    tally, done = _Tally(list(checked.errors), checked.duplicates), 0
    with unit_of_work(engine, writing=True) as session:
        # A bulk path, like the demo loader and the sweeps: one audit event for the import (who, which file by its
        # SHA-256, what it stored) instead of one per row, which would cost more than the import itself.
        summarised(session, "csv import")
        rows = _rows_for(record.kind, actor, session, record.id)
        for good in _spooled(spool):
            stored, refused = rows.store(good)
            tally.errors += refused
            tally.stored += stored
            done += len(good)
            if progress:
                progress("storing", done, record.rows_total)
        if tally.errors and record.mode == ImportMode.all_or_nothing.value:
            raise _NothingStored(_Tally(tally.errors, tally.duplicates))
        _finish(session, record.id, tally)
        with acting(actor):
            record_summary(session, action="csv_import", object_type="csv_import", object_id=record.id,
                           detail={"kind": record.kind, "agency_id": record.agency_id, "file_name": record.file_name,
                                   "file_sha256": record.file_sha256, "rows_stored": tally.stored,
                                   "rows_duplicate": tally.duplicates, "rows_rejected": tally.rejected})  # fmt: skip


def _finish(session: Session, import_id: int, tally: _Tally, failure: str | None = None) -> None:
    errors = sorted(tally.errors, key=lambda error: error.line)[:MAX_ERRORS_KEPT]
    session.execute(update(CsvImport).where(CsvImport.id == import_id).values(
        status=ImportStatus.failed.value if failure else ImportStatus.done.value, failure=failure,
        rows_stored=tally.stored, rows_duplicate=tally.duplicates, rows_rejected=tally.rejected,
        errors=[error.as_json() for error in errors], finished_at=utc_now(), heartbeat_at=utc_now()))  # fmt: skip


def _claim(engine: Engine, import_id: int) -> CsvImport | None:
    """Mark a queued import running (None when another worker took it or it was given up)."""
    with unit_of_work(engine) as session:
        now = utc_now()
        claimed = session.execute(update(CsvImport).where(
            CsvImport.id == import_id, CsvImport.status == ImportStatus.queued.value).values(
            status=ImportStatus.running.value, started_at=now, heartbeat_at=now)).rowcount  # fmt: skip
        return session.get(CsvImport, import_id) if claimed else None


def run_import(engine: Engine, import_id: int, actor: Actor, file: CsvFile, *, progress: Progress | None = None,
               parallel_from: int = PARALLEL_FROM_ROWS) -> CsvImport:  # fmt: skip
    """Process a queued import to its end (done, or failed with the reason) and return its final state. Contract
    files of at least ``parallel_from`` rows are read and validated in worker processes."""
    record = _claim(engine, import_id)
    if record is not None:
        try:
            with tempfile.TemporaryFile(prefix="rw-import-") as spool:
                tally = _check_all(engine, record, actor, file, spool, progress, parallel_from)
                if tally.errors and record.mode == ImportMode.all_or_nothing.value:
                    with unit_of_work(engine) as session:
                        _finish(session, import_id, tally)
                else:
                    _store_all(engine, record, actor, tally, spool, progress)
        except _NothingStored as stopped:
            with unit_of_work(engine) as session:
                _finish(session, import_id, stopped.tally)
        except Exception as exc:  # the transaction was rolled back: record why, keep the process alive
            log.exception("import %s failed", import_id)
            reason = str(exc) if isinstance(exc, ServiceError) else STOPPED % {"error": type(exc).__name__}
            with unit_of_work(engine) as session:
                _finish(session, import_id, _Tally([]), failure=reason[:1000])
    with new_session(engine) as session:
        return session.get(CsvImport, import_id)


def imports_of(actor: Actor, *, session: Session, offset: int = 0, limit: int = 50) -> tuple[list[CsvImport], int]:
    """The imports the actor may see, newest first: an agency its own, the ministry all, anyone else none."""
    query = select(CsvImport)
    if not actor.sees_everything:
        query = query.where(CsvImport.agency_id == (actor.agency_id or -1))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(CsvImport.id.desc()).offset(offset).limit(limit))
    return list(rows), total or 0


def import_of(actor: Actor, import_id: int, *, session: Session) -> CsvImport:
    """One import the actor may see; another agency's answers ``NotFound`` exactly like one that does not exist."""
    record = session.get(CsvImport, import_id)
    if record is None or not (actor.sees_everything or record.agency_id == actor.agency_id):
        raise NotFound(N_("import %(id)s does not exist"), params={"id": import_id})
    return record


def importing_as_agency(licence_no: str, *, session: Session) -> Actor:
    """The actor an operator at the console imports for: the agency holding ``licence_no`` (``NotFound`` when none
    does, ``Conflict`` when agencies of several countries hold that number)."""
    found = list(session.scalars(select(Agency).where(Agency.licence_no == licence_no.strip())))
    if not found:
        raise NotFound(N_("no agency holds licence %(licence)s"), params={"licence": licence_no})
    if len(found) > 1:
        raise Conflict(N_("agencies of several countries hold licence %(licence)s"), params={"licence": licence_no})
    agency = found[0]
    return Actor(organisation_id=agency.organisation_id or 0, organisation_kind=OrganisationKind.agency,
                 organisation_name=agency.name, role=Role.agency, scopes=role_scopes(Role.agency),
                 agency_id=agency.id)  # fmt: skip
