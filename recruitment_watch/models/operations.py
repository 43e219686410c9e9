"""Operational records: scheduled job runs, notifications and the append-only audit trail (reports: models.reports)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import JSON_TYPE, one_of, utc_now
from recruitment_watch.models.vocab import JobTrigger, NotificationKind, RunStatus


class JobRun(SQLModel, table=True):
    """One run of a scheduled job for one slot. UNIQUE(job_id, scheduled_for) makes a duplicate impossible."""

    __tablename__ = "job_run"
    __table_args__ = (
        sa.UniqueConstraint("job_id", "scheduled_for"),
        one_of("status", RunStatus),
        one_of("trigger", JobTrigger),
        sa.Index("ix_job_run_job_started", "job_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=60)
    scheduled_for: datetime
    trigger: str = Field(default=JobTrigger.schedule.value, max_length=16)
    # host:pid of the process that ran (or, after a takeover, re-ran) the slot.
    runner: str = Field(max_length=120)
    attempts: int = Field(default=1)
    status: str = Field(default=RunStatus.running.value, max_length=16, index=True)
    started_at: datetime = Field(default_factory=utc_now)
    finished_at: datetime | None = None
    # What the run did, in one line ("3 reminders, 1 escalation"; "not available: …" for a skipped slot).
    detail: str | None = Field(default=None, max_length=2000)
    error: str | None = None
    traceback: str | None = None


class Notification(SQLModel, table=True):
    """A message to one user (SLA reminder, escalation, licence warning); ``dedupe_key`` sends each once."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedupe_key"),
        one_of("kind", NotificationKind),
        sa.Index("ix_notification_user_unread", "user_id", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE")
    kind: str = Field(max_length=24)
    subject_type: str = Field(max_length=24)
    subject_id: int
    message: str = Field(max_length=1000)
    dedupe_key: str = Field(max_length=160)
    created_at: datetime = Field(default_factory=utc_now)
    read_at: datetime | None = None


class AuditEvent(SQLModel, table=True):
    """Who did what to which object, chained by hash so a deleted or edited event is detectable.

    Append-only (on PostgreSQL a trigger refuses UPDATE and DELETE, migration 0020). The actor's ids are plain
    numbers, not foreign keys: the trail outlives the users, keys and organisations it names.
    """

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utc_now, index=True)
    actor_user_id: int | None = None
    actor_key_id: int | None = None
    organisation_id: int | None = None
    actor_label: str = Field(max_length=200)
    action: str = Field(max_length=60, index=True)
    object_type: str = Field(max_length=40)
    object_id: str = Field(max_length=40)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON_TYPE)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON_TYPE)
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str = Field(max_length=64, unique=True)


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to an API POST sent with an ``Idempotency-Key``: a retry gets it back, nothing is redone.

    Written in the same transaction as what the request created, so a record exists iff its effects do.
    """

    __tablename__ = "idempotency_record"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    key: str = Field(max_length=200)
    # "POST /api/v1/contracts" and the SHA-256 of the body: the same key with another request is refused.
    endpoint: str = Field(max_length=200)
    request_sha256: str = Field(max_length=64)
    status_code: int
    body: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    created_at: datetime = Field(default_factory=utc_now, index=True)
