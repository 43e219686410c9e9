"""Idempotent writes: the first answer to an (organisation, Idempotency-Key) is stored with the request's digest,
so a retry gets that answer back and the same key on another request is refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import IdempotencyRecord


def stored_answer(organisation_id: int, key: str, *, session: Session) -> IdempotencyRecord | None:
    """The answer stored for the organisation's ``key``, if any."""
    return session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.organisation_id == organisation_id, IdempotencyRecord.key == key
        )
    )


def remember_answer(
    organisation_id: int,
    key: str,
    *,
    endpoint: str,
    request_sha256: str,
    status_code: int,
    body: Any,
    session: Session,
) -> None:
    """Store the first answer in the request's own transaction (a concurrent twin fails on the unique key)."""
    session.add(
        IdempotencyRecord(
            organisation_id=organisation_id,
            key=key,
            endpoint=endpoint,
            request_sha256=request_sha256,
            status_code=status_code,
            body=body,
        )
    )
