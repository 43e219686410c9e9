"""Canonical content of a contract version and its SHA-256, chained to the previous version's hash.

The canonical form is JSON with sorted keys, no spaces, ISO dates and sorted code lists, so the same terms always
hash the same whichever edge wrote them. ``sha256(previous_hash + "\n" + canonical)`` links each version to the one
before it: changing any stored version breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

HASHED_FIELDS = (
    "seq", "kind", "basic_wage_minor", "wage_currency", "wage_period", "food_allowance_minor",
    "housing_allowance_minor", "transport_allowance_minor", "food_provided", "housing_provided", "hours_per_day",
    "days_per_week", "weekly_rest_days", "daily_rest_hours", "joint_liability_clause", "overtime_rate_pct",
    "annual_leave_days", "duration_months", "probation_months", "worksite_city", "worksite_country", "job_title",
    "isco_code", "employer_id", "employer_name", "return_ticket_by", "recruitment_costs_borne_by", "deductions",
    "languages", "signed_on", "copy_given_to_worker", "medical_cover", "termination_notice_days", "dispute_clause",
    "repatriation_clause", "attested",
)  # fmt: skip


_AS_IS = frozenset({int, bool, float, type(None)})


def _plain(value: Any) -> Any:
    kind = type(value)  # exact-type dispatch first: this runs for every field of millions of demo versions
    if kind in _AS_IS:
        return value
    if kind is str:
        if value[:1] == "," and value[-1:] == ",":
            return sorted(item for item in value.split(",") if item)  # a stored code list
        return value
    if kind is date:
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return sorted(str(getattr(item, "value", item)) for item in value)
    if hasattr(value, "value"):  # StrEnum
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical_content(terms: Mapping[str, Any]) -> str:
    """The canonical JSON of the hashed fields of ``terms`` (missing fields count as null)."""
    return json.dumps({name: _plain(terms.get(name)) for name in HASHED_FIELDS}, sort_keys=True, separators=(",", ":"))


def version_sha256(terms: Mapping[str, Any], previous_sha256: str | None) -> str:
    """The chained hash of one version."""
    payload = (previous_sha256 or "") + "\n" + canonical_content(terms)
    return hashlib.sha256(payload.encode()).hexdigest()


def broken_links(versions: Iterable[Mapping[str, Any]]) -> list[int]:
    """Seq numbers of versions whose stored hash or link no longer matches their content (in seq order)."""
    broken: list[int] = []
    previous: str | None = None
    for version in sorted(versions, key=lambda row: row["seq"]):
        expected = version_sha256(version, previous)
        if version["content_sha256"] != expected or version.get("previous_sha256") != previous:
            broken.append(version["seq"])
        previous = version["content_sha256"]
    return broken
