"""Records an agency may refer to: only its own. Another agency's id is answered like one that does not exist."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from recruitment_watch.models import JobOrder
from recruitment_watch.services.errors import NotFound


def agency_owned(session: Session, model: type, row_id: int | None, agency_id: int, field: str, noun: str) -> Any:
    """The agency's own row ``row_id`` of ``model`` (None when none is given). Another agency's row is refused
    exactly like one that does not exist, so the answer reveals nothing about other agencies' ids."""
    if row_id is None:
        return None
    row = session.get(model, row_id)
    if row is None or row.agency_id != agency_id:
        raise NotFound(f"{noun} {row_id} does not exist", field=field)
    return row


def own_job_order(session: Session, agency_id: int, job_order_id: int | None) -> JobOrder | None:
    """The agency's own job order ``job_order_id`` (None when none is given)."""
    return agency_owned(session, JobOrder, job_order_id, agency_id, "job_order_id", "job order")
