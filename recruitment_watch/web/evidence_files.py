"""Evidence files on the web: the store the configuration names, and the files a form sent."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from recruitment_watch.services.casework.evidence import EvidenceLimits, EvidenceStore, Upload


def evidence_store() -> EvidenceStore:
    """The evidence folder: ``EVIDENCE_FOLDER``, or ``<instance>/evidence`` (outside every served folder)."""
    folder = current_app.config["EVIDENCE_FOLDER"] or Path(current_app.instance_path) / "evidence"
    return EvidenceStore(folder)


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
