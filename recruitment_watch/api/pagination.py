"""Cursor pagination in (updated_at, id) order: stable while rows change, and an incremental-sync feed.

A client stores the last page's ``next_cursor`` (or the newest ``updated_at`` it saw) and asks again later: rows
changed since then come after it, because every change moves ``updated_at`` forward.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlmodel import Session

from recruitment_watch.api.models import PageQuery
from recruitment_watch.api.problems import ApiProblem
from recruitment_watch.schemas.common import MAX_ID
from recruitment_watch.services.errors import FieldError

CURSOR_PATTERN = r"^[0-9]{1,16}-[0-9]{1,18}$"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(updated_at: datetime, row_id: int) -> str:
    """A cursor after (updated_at, id): ``<microseconds since 1970>-<id>``; any string of that shape is a position."""
    micros = (aware(updated_at) - EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{row_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (updated_at, id) a cursor points after; a 422 problem naming ``query:cursor`` when it is not one."""
    micros, _, row_id = cursor.partition("-")
    if not (micros.isdigit() and row_id.isdigit()):
        raise ApiProblem(
            422,
            "validation-error",
            "the cursor is not one this API gave out",
            errors=[FieldError("query:cursor", "use next_cursor from a previous page")],
        )
    # ids never exceed MAX_ID, so "after a larger id" is "after MAX_ID" (and PostgreSQL's integer cannot take more)
    return EPOCH + timedelta(microseconds=int(micros)), min(int(row_id), MAX_ID)


def aware(moment: datetime) -> datetime:
    """Treat a naive instant as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def page(session: Session, query: Select, model: Any, params: PageQuery) -> tuple[list[Any], str | None]:
    """One page of ``query`` (already scoped and filtered) and the cursor of the next page, if any."""
    if params.updated_since is not None:
        query = query.where(model.updated_at >= aware(params.updated_since))
    if params.cursor:
        after, after_id = decode_cursor(params.cursor)
        query = query.where(or_(model.updated_at > after, and_(model.updated_at == after, model.id > after_id)))
    rows = list(session.scalars(query.order_by(model.updated_at, model.id).limit(params.limit + 1)).all())
    if len(rows) <= params.limit:
        return rows, None
    rows = rows[: params.limit]
    return rows, encode_cursor(rows[-1].updated_at, rows[-1].id)
