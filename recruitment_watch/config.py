"""Configuration: documented defaults, then the instance folder, then ``RW_*`` environment variables.

Precedence, lowest first: ``DEFAULTS`` < ``<instance>/config.py`` < ``RW_<KEY>`` environment variables < the mapping
passed to ``create_app`` (tests). Every key has a comment; nothing here is read at import time.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Mapping
from typing import Any

DEV_SECRET_KEY = "dev-not-secret"
# Session and CSRF signing keys shorter than this are refused outside the tests.
MIN_SECRET_KEY_BYTES = 32

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
    # Record every change in the hash-chained audit trail (docs/reliability.md). Off only for ``recruitment-watch
    # bench audit``'s comparison: a deployment keeps it on.
    "AUDIT_ENABLED": True,
    # Rows per transaction when the demo generator bulk-loads data.
    "DEMO_CHUNK_SIZE": 10_000,
    # Password given to every demo login (printed by ``recruitment-watch demo``). Demo data only.
    "DEMO_PASSWORD": "demo-password-2026",
    # Agency risk weights and thresholds (checks.risk.RiskWeights; every default [INFERRED], reasons in
    # docs/criteria-engine.md); empty = the defaults: a 365-day window; findings per 100 contracts recorded in it,
    # weighted low 1, medium 2, high 4, critical 8 × the principle's factor (FL/SUB 3, DOC 2, AGY/WAGE 1, FEE 0.5,
    # IRIS/CON 0.25, CMP 0), advisories never; repeats (≥ 5 findings at ≥ 2 × the corridor's rate) × 2; 8 per
    # substantiated complaint; shrunk towards the corridor's typical agency with the weight of 30 contracts; index
    # 100 = typical; licence decisions suspended +25, cancelled/banned/delisted +50; watchlist at 150, suspension
    # review at 250, each only when the 90% interval's lower end is above 100.
    "RISK_WEIGHTS": {},
    # ``recruitment-watch packs review`` flags a pack figure whose source was retrieved longer ago than this many
    # months (national rules change: re-read the source). [INFERRED] review routine, not law.
    "PACK_REVIEW_MAX_AGE_MONTHS": 12,
    # When each scheduled job runs (``recruitment-watch scheduler run``), by job id: a crontab line in UTC
    # ("0 2 * * *"), "every N minutes|hours|seconds" (slots aligned on the clock, e.g. :00 :15 :30 :45), or "off".
    # Only the jobs named here change; see ``recruitment-watch jobs list`` for the defaults.
    # Environment: RW_SCHEDULES='{"sweep-full": "30 1 * * *"}' (JSON).
    "SCHEDULES": {},
    # A slot missed by at most this many seconds (scheduler down, long job before it) still runs, once:
    # missed slots coalesce into the latest one.
    "SCHEDULER_MISFIRE_GRACE_S": 6 * 3600,
    # A waiting scheduler tries to become leader this often (seconds); it takes over this fast after the leader dies.
    "SCHEDULER_LOCK_POLL_S": 2.0,
    # Licence expiry warnings go to the agency this many days before the licence's last valid day.
    "LICENCE_WARNING_DAYS": [60, 30, 7],
    # An SLA reminder goes to the assignee when this fraction of a clock's allowance is left (0.25 of 30 days =
    # 7.5 days before the deadline). [INFERRED] service-level design, not law.
    "SLA_REMINDER_FRACTION": 0.25,
    # Criteria (complaint subject) whose failure on an overdue case means "escalate to the supervising inspector".
    "SLA_ESCALATION_CRITERIA": ["CMP-003"],
    # Worker processes judging a big full sweep (contract versions and fee payments, split into contract id
    # ranges) while the sweeping process writes the findings: 0 = one per CPU core, 1 = no extra processes.
    "SWEEP_WORKERS": 0,
    # Sweeps over fewer contracts than this stay in one process (starting the workers costs about a second).
    "SWEEP_PARALLEL_MIN_CONTRACTS": 100_000,
    # Contracts per partition handed to a worker (memory per partition in flight grows with it).
    "SWEEP_PARTITION_CONTRACTS": 20_000,
    # Public licence verification (GET /api/v1/agencies/verify): requests per client IP (Flask-Limiter syntax).
    "API_VERIFY_RATE_LIMIT": "30 per minute",
    # Where rate-limit counters live: memory:// is per process (N gunicorn workers allow N x the limit);
    # redis://host:6379 shares them.
    "API_RATELIMIT_STORAGE_URI": "memory://",
    # Largest request body accepted (bytes); a 1,000-contract bulk request is about 2.5 MB.
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    # Evidence files attached to complaints: where they are kept (empty = <instance>/evidence, outside any served
    # folder), the largest file, the most bytes and files one complaint may carry. A complaint form's request may be
    # as large as the per-complaint total (other requests keep MAX_CONTENT_LENGTH).
    "EVIDENCE_FOLDER": "",
    "EVIDENCE_MAX_FILE_BYTES": 10 * 1024 * 1024,
    "EVIDENCE_MAX_COMPLAINT_BYTES": 25 * 1024 * 1024,
    "EVIDENCE_MAX_FILES": 10,
    # CSV imports of contracts and fee payments (/imports, ``recruitment-watch import``): the largest file (a
    # 100,000-contract file is about 35 MB); files of at most IMPORT_INLINE_MAX_ROWS rows are imported while the
    # upload waits, larger ones by a worker thread of the web process; an unfinished import without progress for
    # IMPORT_STALE_MINUTES is marked failed (its process died; nothing was stored).
    "IMPORT_MAX_FILE_BYTES": 64 * 1024 * 1024,
    "IMPORT_INLINE_MAX_ROWS": 2_000,
    "IMPORT_STALE_MINUTES": 10,
    # Worker-data retention (daily ``retention`` job, ``recruitment-watch retention run``): days after a complaint was
    # decided (resolved, referred or closed) before its identifying worker data is pseudonymised and its evidence
    # files deleted, keeping the statistics. 730 = the UAE's two years of worker records after the end of service
    # (DL 33/2021 Art 13 [SEEN]) applied to complaint files [INFERRED]. Per category (a case with several takes the
    # longest): passport retention, harassment/violence and deception may become criminal cases, so 5 years
    # [INFERRED]. Environment: RW_RETENTION_DAYS_BY_CATEGORY='{"fees": 1095}' (JSON; replaces the whole map).
    "RETENTION_CLOSED_DAYS": 730,
    "RETENTION_DAYS_BY_CATEGORY": {"passport_retention": 1825, "harassment_violence": 1825, "deception": 1825},
    # Public complaint pages: filings and receipt-code attempts per client (Flask-Limiter syntax). The client is
    # known to the counter only by a salted digest of its address, kept in memory for the window, never stored.
    "COMPLAINT_FILING_RATE_LIMIT": "10 per hour",
    "COMPLAINT_STATUS_RATE_LIMIT": "10 per 15 minutes",
    # The address people open the web app at; invitation links printed by `recruitment-watch users …` start with it.
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    # Web sessions end after this many minutes without a request, and this many hours after signing in.
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_MAX_HOURS": 12,
    # Session cookies are sent over HTTPS only. Browsers treat http://127.0.0.1 and http://localhost as secure,
    # so `make run` works as it is; set RW_SESSION_COOKIE_SECURE=false only for plain HTTP on another host.
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
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
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, dict):
        return json.loads(raw)
    if isinstance(default, list):
        kind = type(default[0]) if default else str
        return [kind(item.strip()) for item in raw.split(",") if item.strip()]
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
        # Several processes may start at once (gunicorn workers, schedulers): each writes a complete key to a
        # private temporary file and links it into place; the first link wins and everyone reads that one.
        os.makedirs(instance_path, exist_ok=True)
        fd, draft = tempfile.mkstemp(prefix=".secret_key-", dir=instance_path)  # mode 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    with open(path) as handle:
        return handle.read().strip()


def refuse_unsafe(config: Mapping[str, Any]) -> None:
    """Refuse to run outside the tests with the published development secret key or a key under 32 bytes
    (debug mode included: a debug server reachable from a network signs sessions with it all the same)."""
    if config.get("TESTING"):
        return
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY:
        raise ConfigError(
            "RW_SECRET_KEY is the published development value; set RW_SECRET_KEY (or SECRET_KEY in "
            "instance/config.py) to a long random string, or leave it empty to have one made in the instance folder."
        )
    if len(key.encode()) < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            f"RW_SECRET_KEY is {len(key.encode())} bytes; use at least {MIN_SECRET_KEY_BYTES} random bytes "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'), or leave it empty."
        )
