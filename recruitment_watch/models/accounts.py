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
    # Empty until the person sets a password through their invitation link (an empty hash never verifies).
    password_hash: str = Field(max_length=255)
    # The TOTP secret, set when enrolment starts; it guards logins once ``totp_confirmed_at`` is set.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_confirmed_at: datetime | None = None
    # The newest 30-second TOTP time step accepted: a code of that step or an earlier one is refused (no replay).
    totp_last_step: int | None = Field(default=None, sa_type=sa.BigInteger)
    is_active: bool = Field(default=True)
    # The inspector an overdue critical complaint escalates to (an inspector with none is a supervisor).
    supervisor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    last_login_at: datetime | None = None
    # Consecutive failed logins, and the time the account is locked until after too many of them.
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = None
    # The language the person chose for the web pages (en, ur, ar, bn, ne, hi); None follows the browser.
    locale: str | None = Field(default=None, max_length=8)


class UserSession(SQLModel, table=True):
    """A server-side login session, so an admin (or the user) can revoke it at once."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utc_now)
    last_seen_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    revoked_at: datetime | None = None
    # Why it ended: logout, revoked by the user or an admin, the account disabled, password or 2FA changed.
    revoked_reason: str | None = Field(default=None, max_length=40)
    ip: str | None = Field(default=None, max_length=45)
    user_agent: str | None = Field(default=None, max_length=200)


class RecoveryCode(SQLModel, table=True):
    """A one-time second-factor recovery code, stored hashed (Argon2id) like a password."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utc_now)
    used_at: datetime | None = None


class Invitation(SQLModel, table=True):
    """A one-time link an admin hands to a new user (or to one whose password is reset) to set a password."""

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    used_at: datetime | None = None


class SecurityEvent(SQLModel, table=True):
    """A login, a failure, a lockout, a 2FA change, a revoked session, an issued or revoked key: when, who, outcome."""

    __tablename__ = "security_event"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utc_now, index=True)
    kind: str = Field(max_length=40, index=True)
    outcome: str = Field(max_length=16)
    # Whom it concerns, and who did it when that is someone else (an admin revoking a session, issuing a key).
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # The address typed at a failed login for an unknown account (never the password).
    email: str | None = Field(default=None, max_length=254)
    ip: str | None = Field(default=None, max_length=45)
    detail: str | None = Field(default=None, max_length=300)


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
    issued_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
