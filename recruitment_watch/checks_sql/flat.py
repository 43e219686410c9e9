"""Flat rows: the one-row-per-subject shape the database layer produces and the compiler reads.

Rules (see ``docs/criteria-sql.md``): one column per leaf path, ``.`` written ``__``; lists are TEXT ``,a,b,``
(empty list ``''``, an element may not contain a comma); a dict becomes one INTEGER column per key (NULL or 0 when
the key is absent; NULL round-trips to an absent key); a nullable object (``previous``) adds a BOOLEAN
``<path>__present`` and all its columns are NULL when it is absent; datetimes are stored in UTC. Every row also
has ``subject_id``, ``agency_id`` and ``judging_date``; the complaint's ``now`` is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from recruitment_watch.checks.subjects import normalise_subject
from recruitment_watch.checks_sql.schema import PathInfo, sql_type, subject_paths

EXTRA_COLUMNS: dict[str, sa.types.TypeEngine] = {
    "subject_id": sa.BigInteger(),
    "agency_id": sa.BigInteger(),
    "judging_date": sa.Date(),
}


def flat_columns(subject_type: str) -> dict[str, sa.types.TypeEngine]:
    """Column name → SQLAlchemy type of a flat row of ``subject_type`` (extras first, then subject leaves)."""
    columns = dict(EXTRA_COLUMNS)
    for info in subject_paths(subject_type).values():
        if info.column is not None:
            columns[info.column] = sa.Boolean() if info.kind == "model" else sql_type(info.kind)
    return columns


def flat_table(subject_type: str, metadata: sa.MetaData, name: str) -> sa.Table:
    """A table with the flat-row columns of ``subject_type`` (``subject_id`` is the primary key)."""
    columns = [
        sa.Column(column, type_, primary_key=column == "subject_id", autoincrement=False)
        for column, type_ in flat_columns(subject_type).items()
    ]
    return sa.Table(name, metadata, *columns)


def encode_list(items: list[Any] | None) -> str | None:
    """``[a, b]`` → ``,a,b,``; ``[]`` → ``''``."""
    if items is None:
        return None
    for item in items:
        if "," in str(item):
            raise ValueError(f"list element {item!r} contains a comma")
    return "," + ",".join(str(item) for item in items) + "," if items else ""


def decode_list(text: str | None) -> list[str] | None:
    """``,a,b,`` → ``[a, b]``; ``''`` → ``[]``."""
    if text is None:
        return None
    return text[1:-1].split(",") if text else []


def decode_value(kind: str, raw: Any) -> Any:
    """A value read from the database (either engine) as the Python evaluator sees it."""
    if raw is None:
        return None
    if kind == "list":
        return decode_list(raw)
    if kind == "bool":
        return bool(raw)
    if kind == "float":
        return float(raw)
    if kind == "int":
        return int(raw)
    if kind == "date":
        return date.fromisoformat(raw[:10]) if isinstance(raw, str) else raw
    if kind == "datetime":
        value = datetime.fromisoformat(raw) if isinstance(raw, str) else raw
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return raw


def _encode(info: PathInfo, value: Any) -> Any:
    """A normalised subject value as stored in its column."""
    if info.kind == "list":
        return encode_list(value)
    if info.kind == "datetime" and value is not None:
        return value.astimezone(UTC)
    return value


def flatten(
    subject_type: str,
    subject: dict[str, Any],
    *,
    judging_date: date,
    subject_id: int | None = None,
    agency_id: int | None = None,
) -> dict[str, Any]:
    """The flat row of a (raw or normalised) subject; the subject is validated first."""
    data = normalise_subject(subject_type, subject) if subject_type != "complaint" else _complaint(subject)
    row: dict[str, Any] = {"subject_id": subject_id, "agency_id": agency_id, "judging_date": judging_date}
    infos = subject_paths(subject_type)
    for info in infos.values():
        if info.column is None:
            continue
        parent, _, leaf = info.path.rpartition(".")
        container = _resolve_object(data, parent)
        if info.kind == "model":
            row[info.column] = _resolve_object(data, info.path) is not None
        elif container is None:
            row[info.column] = None
        else:
            row[info.column] = _encode(info, container.get(leaf))
    return row


def _complaint(subject: dict[str, Any]) -> dict[str, Any]:
    """Complaints validate with a placeholder ``now`` when none is given (``now`` is not stored)."""
    data = dict(subject)
    data.setdefault("now", datetime(2000, 1, 1, tzinfo=UTC))
    if data["now"] is None:
        data["now"] = datetime(2000, 1, 1, tzinfo=UTC)
    return normalise_subject("complaint", data)


def _resolve_object(data: dict[str, Any], path: str) -> Any:
    """The object at ``path`` ('' is the subject itself), or None."""
    value: Any = data
    for part in path.split(".") if path else []:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def unflatten(subject_type: str, row: Mapping[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """The nested subject of a flat row (extra columns ignored); complaints get ``now`` when given.

    Columns absent from ``row`` read as null, so a partial row gives a partial subject.
    """
    subject: dict[str, Any] = {}
    infos = subject_paths(subject_type)
    absent: list[str] = []
    for info in infos.values():
        parent, _, leaf = info.path.rpartition(".")
        container = _resolve_object(subject, parent)
        if not isinstance(container, dict):
            continue
        if info.kind == "model":
            container[leaf] = {}
            if info.column is not None and not row.get(info.column):
                absent.append(info.path)
        elif info.kind == "dict":
            container[leaf] = {}
        elif parent in infos and infos[parent].kind == "dict":
            if row.get(info.column) is not None:
                container[leaf] = int(row[info.column])
        elif info.column is not None:
            container[leaf] = decode_value(info.kind, row.get(info.column))
    for path in absent:
        parent, _, leaf = path.rpartition(".")
        _resolve_object(subject, parent)[leaf] = None
    if subject_type == "complaint":
        subject["now"] = now
    return subject
