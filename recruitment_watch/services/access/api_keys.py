"""API keys per organisation: issued once in clear, stored as a SHA-256 hash, scoped, revocable, last use kept.

A key reads ``rwk_<prefix>_<secret>``. The prefix (public, unique) finds the row; the hash of the whole key is
compared in constant time. Keys are 256-bit random, so a fast hash is enough (no password stretching needed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from recruitment_watch.db import SQLITE_BEGIN_IMMEDIATE
from recruitment_watch.models import Agency, ApiKey, Organisation
from recruitment_watch.models.base import pack_list, unpack_list, utc_now
from recruitment_watch.models.vocab import ApiScope, OrganisationKind
from recruitment_watch.services.access.actor import ALLOWED_SCOPES, KEY_ROLE, Actor
from recruitment_watch.services.accounts.security_events import EventKind, record
from recruitment_watch.services.errors import Conflict, NotFound

KEY_PREFIX = "rwk"
# last_used_at is written at most this often per key, so busy clients do not turn reads into writes.
LAST_USED_RESOLUTION = timedelta(seconds=60)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def parse_scopes(text: str | Iterable[str], kind: OrganisationKind) -> list[str]:
    """Validate scope names for an organisation kind; ``Conflict`` names the first one not allowed."""
    names = [part.strip() for part in (text.split(",") if isinstance(text, str) else text) if part.strip()]
    allowed = ALLOWED_SCOPES[kind]
    if not names:
        return sorted(scope.value for scope in allowed)
    for name in names:
        if name not in {scope.value for scope in ApiScope}:
            known = ", ".join(sorted(scope.value for scope in ApiScope))
            raise Conflict(f"unknown scope {name!r}; known scopes: {known}", field="scopes")
        if ApiScope(name) not in allowed:
            permitted = ", ".join(sorted(scope.value for scope in allowed))
            raise Conflict(
                f"a {kind.value} organisation cannot hold scope {name}; allowed: {permitted}", field="scopes"
            )
    return sorted(set(names))


def issue_key(
    organisation: Organisation, *, name: str, scopes: str | Iterable[str], session: Session,
    issued_by_user_id: int | None = None,
) -> tuple[ApiKey, str]:  # fmt: skip
    """Create a key; returns the row and the key in clear (shown once, never stored). Recorded as a security event
    naming the person who issued it (None from the console)."""
    kind = OrganisationKind(organisation.kind)
    chosen = parse_scopes(scopes, kind)
    prefix = secrets.token_hex(6)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        organisation_id=organisation.id,
        name=name.strip() or "api key",
        prefix=prefix,
        key_hash=_digest(raw),
        scopes=pack_list(chosen),
        issued_by_user_id=issued_by_user_id,
    )
    session.add(key)
    session.flush()
    record(session, EventKind.key_issued, actor_user_id=issued_by_user_id,
           detail=f"key {prefix} ({key.name}) for {organisation.name}: {', '.join(chosen)}")  # fmt: skip
    return key, raw


def authenticate(raw: str, *, session: Session) -> Actor | None:
    """The actor behind a presented key, or None (unknown, malformed, revoked). Records the last use."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    found = session.execute(
        select(ApiKey, Organisation, Agency.id)
        .join(Organisation, Organisation.id == ApiKey.organisation_id)
        .outerjoin(Agency, Agency.organisation_id == Organisation.id)
        .where(ApiKey.prefix == parts[1])
    ).first()
    if found is None:
        return None
    key, organisation, agency_id = found
    if not hmac.compare_digest(key.key_hash, _digest(raw.strip())) or key.revoked_at is not None:
        return None
    now = utc_now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        _touch(session, key.id, now)
    kind = OrganisationKind(organisation.kind)
    return Actor(
        organisation_id=organisation.id,
        organisation_kind=kind,
        organisation_name=organisation.name,
        role=KEY_ROLE[kind],
        scopes=frozenset(unpack_list(key.scopes)),
        key_id=key.id,
        key_prefix=key.prefix,
        agency_id=agency_id,
    )


def _touch(session: Session, key_id: int, now: datetime) -> None:
    """Record the key's use in a short transaction of its own (never inside the request's)."""
    with session.get_bind().connect().execution_options(**{SQLITE_BEGIN_IMMEDIATE: True}) as connection:
        connection.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now))
        connection.commit()


def organisation_named(name: str, *, session: Session) -> Organisation:
    """The organisation called exactly ``name``; ``NotFound`` lists some that exist."""
    found = session.scalar(select(Organisation).where(Organisation.name == name.strip()))
    if found is None:
        names = ", ".join(session.scalars(select(Organisation.name).order_by(Organisation.name).limit(20)).all())
        raise NotFound(f"no organisation named {name!r}; organisations include: {names or 'none yet'}", field="org")
    return found


def revoke_key(prefix: str, *, session: Session, revoked_by_user_id: int | None = None) -> ApiKey:
    """Revoke a key by its prefix; effective on the next request. Recorded as a security event."""
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix.strip()))
    if key is None:
        raise NotFound(f"no API key with prefix {prefix}", field="prefix")
    if key.revoked_at is None:
        key.revoked_at = utc_now()
        session.add(key)
        record(session, EventKind.key_revoked, actor_user_id=revoked_by_user_id, detail=f"key {key.prefix}")
        session.flush()
    return key


def list_keys(session: Session, organisation_id: int | None = None) -> list[tuple[ApiKey, str]]:
    """Keys with their organisation's name, newest first."""
    query = select(ApiKey, Organisation.name).join(Organisation, Organisation.id == ApiKey.organisation_id)
    if organisation_id is not None:
        query = query.where(ApiKey.organisation_id == organisation_id)
    return [(key, name) for key, name in session.execute(query.order_by(ApiKey.id.desc())).all()]


def key_page(session: Session, *, search: str | None = None, offset: int = 0, limit: int = 50
             ) -> tuple[list[tuple[ApiKey, str]], int]:  # fmt: skip
    """One page of keys with their organisation's name, newest first; ``search`` matches name, prefix or
    organisation. Returns the page and the total."""
    query = select(ApiKey, Organisation.name).join(Organisation, Organisation.id == ApiKey.organisation_id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(ApiKey.name).like(pattern) | ApiKey.prefix.like(pattern)
            | func.lower(Organisation.name).like(pattern)
        )  # fmt: skip
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(ApiKey.id.desc()).offset(offset).limit(limit)).all()
    return [(key, name) for key, name in rows], total
