"""The compile context: where each subject path lives in SQL, plus the judging date, ``on`` and ``now``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, case, false, literal, null, true

from recruitment_watch.checks_sql.dialect import Dialect
from recruitment_watch.checks_sql.schema import PathInfo, path_info

NUMERIC = frozenset({"int", "float", "bool"})


class NotCompilable(Exception):
    """A criterion (or part of one) has no exact SQL equivalent; the message names the criterion and why."""


@dataclass(frozen=True)
class Operand:
    """A subject path (or constant) as SQL: its expression, kind and null test.

    ``expr`` is None for whole objects and dicts; ``present`` is their not-null test.
    """

    kind: str
    expr: ColumnElement | None
    path: str | None = None
    present: ColumnElement | None = None
    keys: dict[str, ColumnElement] = field(default_factory=dict)
    value: object = None  # the Python value of a constant

    @property
    def is_const(self) -> bool:
        """True for a constant from the pack, not a field."""
        return self.path is None

    def not_null(self) -> ColumnElement:
        """A never-null test that the operand is not null."""
        if self.present is not None:
            return self.present
        if self.expr is None:
            return true()
        return self.expr.is_not(None)


def sql_literal(value: object) -> ColumnElement:
    """A typed bound literal for a pack constant."""
    if isinstance(value, bool):
        return literal(value, sa.Boolean)
    if isinstance(value, int):
        return literal(value, sa.BigInteger)
    if isinstance(value, float):
        return literal(value, sa.Float)
    if isinstance(value, datetime):
        return literal(value.astimezone(UTC), sa.DateTime(timezone=True))
    if isinstance(value, date):
        return literal(value, sa.Date)
    return literal(value, sa.Text)


def const_kind(value: object) -> str:
    """The kind of a pack constant."""
    for python_type, kind in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str"), (datetime, "datetime")):
        if isinstance(value, python_type):
            return kind
    if isinstance(value, date):
        return "date"
    if isinstance(value, list):
        return "list"
    return "null" if value is None else "other"


def constant(value: object) -> Operand:
    """An operand for a pack constant."""
    kind = const_kind(value)
    expr = None if kind in ("list", "null") else sql_literal(value)
    return Operand(kind, expr, None, true() if value is not None else false(), value=value)


class Context:
    """Resolves paths of ``subject_type`` against ``columns`` (name → column) for one dialect and moment."""

    def __init__(
        self, subject_type: str, columns: Mapping[str, ColumnElement], *, on: date, now: datetime, dialect: Dialect
    ) -> None:
        self.subject_type = subject_type
        self.columns = columns
        self.dialect = dialect
        self.on = literal(on, sa.Date)
        self.now = literal(now.astimezone(UTC), sa.DateTime(timezone=True))
        self.criterion_id = "?"

    def fail(self, reason: str) -> NotCompilable:
        """A NotCompilable naming the criterion being compiled."""
        return NotCompilable(f"criterion {self.criterion_id}: {reason}")

    def column(self, info: PathInfo) -> ColumnElement:
        """The column of a leaf path (a missing column is a clear error)."""
        assert info.column is not None
        try:
            return self.columns[info.column]
        except KeyError:
            raise self.fail(f"the source has no column {info.column!r} for {info.path}") from None

    def operand(self, path: str) -> Operand:
        """The operand of a dotted path (a path no subject can hold is always null)."""
        info = path_info(self.subject_type, path)
        if info is None:
            return Operand("null", null(), path, false())
        if path == "now" and info.column is None:
            return Operand("datetime", self.now, path, true())
        if info.kind == "model":
            present = self.column(info).is_(True) if info.column else true()
            return Operand("model", None, path, present)
        if info.kind == "dict":
            keys = {key: self.column(path_info(self.subject_type, f"{path}.{key}")) for key in info.keys}
            return Operand("dict", None, path, true(), keys)
        return Operand(info.kind, self.column(info), path)

    def judging_date(self) -> ColumnElement:
        """The subject's judging date, exactly as ``checks.subjects.judging_date`` computes it."""
        if self.subject_type == "contract_version":
            branches = []
            for side in ("version", "previous"):
                kind, signed = self.operand(f"{side}.kind").expr, self.operand(f"{side}.signed_on").expr
                branches.append((and_(kind == "origin_signed", signed.is_not(None)), signed))
            signed = self.operand("version.signed_on").expr
            return case(*branches, (signed.is_not(None), signed), else_=self.on)
        if self.subject_type == "fee_payment":
            return self.operand("payment.paid_on").expr
        if self.subject_type == "complaint":
            return self.dialect.utc_date(self.operand("complaint.received_at").expr)
        return self.on
