"""People's accounts: users, their server-side login sessions, and organisations' API keys."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import Timestamped, one_of, utc_now
from recruitment_watch.models.vocab import Role


class User(Timestamped, table=True):
    """A person who logs in. Staff (admin, inspector) also enrol a TOTP secret."""

    __tablename__ = "app_user"
    __table_args__ = (one_of("role", Role),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    email: str = Field(max_length=254, unique=True)
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=16)
    password_hash: str = Field(max_length=255)
    totp_secret: str | None = Field(default=None, max_length=64)
    is_active: bool = Field(default=True)
    # The inspector an overdue critical complaint escalates to (an inspector with none is a supervisor).
    supervisor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    last_login_at: datetime | None = None


class UserSession(SQLModel, table=True):
    """A server-side login session, so an admin (or the user) can revoke it at once."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    revoked_at: datetime | None = None


class ApiKey(SQLModel, table=True):
    """An organisation's API key: only a hash is stored; the key is shown once when issued."""

    __tablename__ = "api_key"
    __table_args__ = (sa.UniqueConstraint("prefix"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=128)
    scopes: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utc_now)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
