"""Configuration: documented defaults, then the instance folder, then ``RW_*`` environment variables.

Precedence, lowest first: ``DEFAULTS`` < ``<instance>/config.py`` < ``RW_<KEY>`` environment variables < the mapping
passed to ``create_app`` (tests). Every key has a comment; nothing here is read at import time.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

DEV_SECRET_KEY = "dev-not-secret"

DEFAULTS: dict[str, Any] = {
    # Signs session cookies and CSRF tokens. Empty: a random key is made once and kept in <instance>/secret_key
    # (mode 0600). The published development value ``dev-not-secret`` is refused outside testing/debug.
    "SECRET_KEY": "",
    # SQLAlchemy URL. Empty means the embedded default: SQLite file ``recruitment_watch.sqlite3`` in the instance
    # folder. PostgreSQL: ``postgresql+psycopg://user:pass@host/dbname``.
    "DATABASE_URL": "",
    # SQLite: seconds a writer waits for the database lock before failing (PRAGMA busy_timeout).
    "SQLITE_BUSY_TIMEOUT_S": 30,
    # Log SQL statements (very verbose; for debugging only).
    "DATABASE_ECHO": False,
    # Rows per transaction when the demo generator bulk-loads data.
    "DEMO_CHUNK_SIZE": 10_000,
    # Password given to every demo login (printed by ``recruitment-watch demo``). Demo data only.
    "DEMO_PASSWORD": "demo-password-2026",
    # Agency risk weights and thresholds (see checks.risk.RiskWeights); empty = the documented defaults:
    # low 1, medium 2, high 4, critical 8 points per open finding; watchlist at 12, suspension review at 24.
    "RISK_WEIGHTS": {},
    # Set by tests; relaxes the secret-key refusal.
    "TESTING": False,
    # Set by ``flask --debug``; relaxes the secret-key refusal.
    "DEBUG": False,
}

ENV_PREFIX = "RW_"


class ConfigError(RuntimeError):
    """The configuration cannot be used (e.g. the development secret key in production)."""


def _coerce(raw: str, default: Any) -> Any:
    """Turn an environment string into the type of the documented default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Read every documented key that is set as ``RW_<KEY>``."""
    found: dict[str, Any] = {}
    for key, default in DEFAULTS.items():
        raw = environ.get(ENV_PREFIX + key)
        if raw is not None:
            found[key] = _coerce(raw, default)
    return found


def default_database_url(instance_path: str) -> str:
    """The embedded default: a SQLite file in the instance folder."""
    return "sqlite:///" + os.path.join(instance_path, "recruitment_watch.sqlite3")


def instance_secret_key(instance_path: str) -> str:
    """Read the instance's own random secret key, making it on first use (readable by the owner only)."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    with open(path) as handle:
        return handle.read().strip()


def refuse_unsafe(config: Mapping[str, Any]) -> None:
    """Refuse to run outside testing/debug with the development secret key."""
    if config.get("SECRET_KEY") == DEV_SECRET_KEY and not (config.get("TESTING") or config.get("DEBUG")):
        raise ConfigError(
            "RW_SECRET_KEY is the development value; set RW_SECRET_KEY (or SECRET_KEY in instance/config.py) "
            "to a long random string before serving, or run with --debug for local development."
        )
