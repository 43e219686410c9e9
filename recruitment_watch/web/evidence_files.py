"""Evidence files on the web: the store the configuration names, and the files a form sent."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import Response, abort, current_app, request, send_file
from sqlmodel import Session
from werkzeug.datastructures import FileStorage

from recruitment_watch.db import get_session
from recruitment_watch.services.casework import attachments, public_filing
from recruitment_watch.services.casework.evidence import (
    CleanFile,
    EvidenceLimits,
    EvidenceStore,
    StoredFile,
    Upload,
    check_all,
    evidence_batch,
)
from recruitment_watch.web.access import writing

T = TypeVar("T")


def evidence_store() -> EvidenceStore:
    """The evidence folder: ``EVIDENCE_FOLDER``, or ``<instance>/evidence`` (outside every served folder)."""
    folder = current_app.config["EVIDENCE_FOLDER"] or Path(current_app.instance_path) / "evidence"
    return EvidenceStore(folder)


def evidence_download(attachment) -> Response:
    """A stored evidence file as a download: never shown inline, never sniffed as another type, never cached; a
    file missing from the store is a 404. Read whole (a file is at most EVIDENCE_MAX_FILE_BYTES): no handle stays
    open if the client goes away."""
    path = evidence_store().path_of(attachment.storage_key)
    if not path.is_file():
        abort(404)
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, max_age=0)  # fmt: skip
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def evidence_limits() -> EvidenceLimits:
    return EvidenceLimits.from_config(current_app.config)


def uploads(files: list[FileStorage]) -> list[Upload]:
    """The files of a form field, read into memory (the request's size cap bounds them); empty inputs skipped."""
    return [Upload(storage.filename or "", storage.read()) for storage in files if storage and storage.filename]


def takes_evidence(view):
    """Mark a view whose form may carry evidence files: its body may be as large as a complaint's files
    (``web._evidence_body_limit``)."""
    view.takes_evidence = True
    return view


def commit_with_files(clean: list[CleanFile], record: Callable[[Session, list[StoredFile]], T]) -> T:
    """Write the checked files, let ``record(session, stored)`` record them in a writing transaction, and commit; the
    files are removed again if anything fails before the commit (nothing half stored)."""
    db = writing()
    with evidence_batch(evidence_store()) as batch:
        result = record(db, batch.write_all(clean))
        db.commit()
        batch.keep()
    return result


def store_reply(complaint, form) -> None:
    """The complainant's (or the filing NGO's) message and files from ``form`` (fields ``message`` and ``evidence``),
    checked against the complaint's limits. Raises the services' ``ServiceError`` (nothing stored)."""
    count, size = attachments.attachment_totals(get_session(), complaint.id)
    clean = check_all(uploads(request.files.getlist(form.evidence.name)), evidence_limits(),
                      already_files=count, already_bytes=size)  # fmt: skip
    commit_with_files(clean, lambda db, stored: public_filing.reply(db, complaint, form.message.data or "",
                                                                    files=stored))  # fmt: skip
