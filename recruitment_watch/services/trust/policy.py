"""What the audit trail records of a row: which tables, which fields, and what it never writes down.

Every table is audited unless listed in ``NOT_AUDITED``, so a model added later is audited without anyone
remembering to. Identifying worker data is masked (the event says the field changed, never its value), so the
trail keeps no copy of what worker-data retention later pseudonymises; secrets (password and key hashes, TOTP
secrets) are masked too. Bookkeeping fields that change on every login or sweep are left out.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

# Not business records: the trail itself, login sessions and tokens, rate and run bookkeeping, derived counts, the
# API's stored answers. Each is either recorded elsewhere (security_event is the login log; job_run and check_run
# are the runs' own records) or rebuilt from audited rows (the finding, contract and fee tallies).
NOT_AUDITED = frozenset(
    {
        "audit_event",
        "user_session",
        "recovery_code",
        "invitation",
        "security_event",
        "job_run",
        "check_run",
        "finding_tally",
        "contract_tally",
        "contract_day_tally",
        "fee_tally",
        "idempotency_record",
        "notification",
    }
)

# Tables whose every field identifies a worker (their key stays readable so the event names the row).
MASKED_TABLES = frozenset({"worker_identity", "complaint_contact"})
# Identifying worker data wherever it is stored, and free text a worker wrote (it may hold their name).
MASKED_FIELDS = frozenset({"passport_no", "phone", "address", "contact", "worker_name"})
MASKED_BY_TABLE: Mapping[str, frozenset[str]] = {
    "worker": frozenset({"date_of_birth"}),
    "complaint": frozenset({"summary", "closing_note"}),
    "complaint_event": frozenset({"body"}),
    "complaint_attachment": frozenset({"filename"}),
    "finding_attachment": frozenset({"filename"}),
}
SECRET_FIELDS = frozenset({"password_hash", "totp_secret", "key_hash", "token_hash", "code_hash"})
# Changes only to these fields are bookkeeping, not a change of the record.
IGNORED_FIELDS = frozenset({"updated_at"})
IGNORED_BY_TABLE: Mapping[str, frozenset[str]] = {
    "app_user": frozenset({"last_login_at", "failed_logins", "locked_until", "totp_last_step"}),
    "api_key": frozenset({"last_used_at"}),
    "finding": frozenset({"last_seen_at", "last_check_run_id"}),
}

MASKED = "[masked]"
SECRET = "[secret]"


def is_audited(table: str) -> bool:
    """Whether changes to rows of ``table`` are recorded."""
    return table not in NOT_AUDITED


def is_ignored(table: str, field: str) -> bool:
    """Whether ``field`` of ``table`` is bookkeeping the trail leaves out."""
    return field in IGNORED_FIELDS or field in IGNORED_BY_TABLE.get(table, ())


def plain(value: Any) -> Any:
    """``value`` as JSON (dates as ISO text, enums by value), so its hash is the same after a round trip."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return str(value)


def recorded(table: str, field: str, value: Any, keys: frozenset[str] = frozenset()) -> Any:
    """What the trail writes for ``field`` = ``value`` of a ``table`` row: the value, or a mask when it identifies a
    worker or is a secret (None stays None, so "was cleared" stays visible)."""
    if value is None:
        return None
    if field in SECRET_FIELDS:
        return SECRET
    if field in MASKED_FIELDS or field in MASKED_BY_TABLE.get(table, ()):
        return MASKED
    if table in MASKED_TABLES and field not in keys:
        return MASKED
    return plain(value)
