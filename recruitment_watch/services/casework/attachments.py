"""Evidence files recorded against a complaint: the rows for files already in the evidence store, the totals the
per-complaint limits are checked against, and which files the complainant and the filing NGO see listed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from recruitment_watch.models import Complaint, ComplaintAttachment
from recruitment_watch.services.casework.evidence import StoredFile


def attach(session: Session, complaint: Complaint, files: list[StoredFile], *, now: datetime,
           internal: bool = False, user_id: int | None = None) -> list[ComplaintAttachment]:  # fmt: skip
    """Record files already written to the evidence store against the complaint."""
    rows = [
        ComplaintAttachment(
            complaint_id=complaint.id,
            filename=f.filename,
            content_type=f.content_type,
            size_bytes=f.size_bytes,
            sha256=f.sha256,
            storage_key=f.storage_key,
            internal=internal,
            uploaded_by_user_id=user_id,
            uploaded_at=now,
        )  # fmt: skip
        for f in files
    ]
    session.add_all(rows)
    session.flush()
    return rows


def attachment_totals(session: Session, complaint_id: int, *, internal: bool | None = None) -> tuple[int, int]:
    """How many files a complaint carries and their bytes (for the per-complaint limits); ``internal`` counts only
    the inspectors' working files (True) or only the complainant's evidence (False)."""
    query = select(func.count(ComplaintAttachment.id), func.coalesce(func.sum(ComplaintAttachment.size_bytes), 0))
    query = query.where(ComplaintAttachment.complaint_id == complaint_id)
    if internal is not None:
        query = query.where(ComplaintAttachment.internal.is_(internal))
    count, size = session.execute(query).one()
    return int(count), int(size)


def visible_attachments(session: Session, complaint_id: int) -> list[ComplaintAttachment]:
    """The files the complainant and the filing NGO see listed (never an inspector's internal working file)."""
    return list(session.scalars(
        select(ComplaintAttachment).where(ComplaintAttachment.complaint_id == complaint_id,
                                          ComplaintAttachment.internal.is_(False))
        .order_by(ComplaintAttachment.uploaded_at, ComplaintAttachment.id)
    ).all())  # fmt: skip
