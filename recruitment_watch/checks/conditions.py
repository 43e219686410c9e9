"""The declarative condition grammar shared by ``field-condition`` and every criterion's ``applies_when``.

A condition is one of::

    {all: [cond, ...]}            every sub-condition holds
    {any: [cond, ...]}            at least one holds
    {not: cond}                   negation
    {field: a.b, op: OP, value: V}          compare a field with a constant
    {field: a.b, op: OP, other_field: c.d}  compare two fields

Null semantics (the SQL backend must match them): a missing key and ``None`` are both null. Every
operator except ``is_null``/``not_null`` is **false** when either operand is null (SQL: guard each
comparison with ``IS NOT NULL``), so ``not`` is plain boolean negation, never three-valued.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    model_validator,
)

Scalar = StrictBool | StrictInt | StrictFloat | StrictStr | date
ConstValue = Scalar | list[Scalar] | None

ORDER_OPS = frozenset({"eq", "ne", "lt", "le", "gt", "ge"})
LIST_VALUE_OPS = frozenset({"in", "not_in", "subset_of", "missing_from", "intersects"})
LENGTH_OPS = frozenset({"len_eq", "len_gt", "len_ge", "len_lt", "len_le"})
NULL_OPS = frozenset({"is_null", "not_null"})
ELEMENT_OPS = frozenset({"contains", "not_contains"})
Op = Literal[
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "in",
    "not_in",
    "is_null",
    "not_null",
    "contains",
    "not_contains",
    "subset_of",
    "missing_from",
    "intersects",
    "len_eq",
    "len_gt",
    "len_ge",
    "len_lt",
    "len_le",
]
FIELD_PATTERN = r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$"


def resolve(subject: dict[str, Any], path: str) -> Any:
    """Return the value at dotted ``path`` in ``subject``; a missing key anywhere yields ``None``."""
    value: Any = subject
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
        if value is None:
            return None
    return value


def _as_comparable(value: Any, other: Any) -> Any:
    """Coerce an ISO string to a date/datetime when the other operand is one (YAML may quote dates)."""
    if isinstance(value, str) and isinstance(other, datetime):
        return datetime.fromisoformat(value)
    if isinstance(value, str) and isinstance(other, date):
        return date.fromisoformat(value)
    return value


def compare(op: str, left: Any, right: Any) -> bool:
    """Apply ``op`` to two resolved operands under the null semantics of this module."""
    if op == "is_null":
        return left is None
    if op == "not_null":
        return left is not None
    if left is None or right is None:
        return False
    if op in ORDER_OPS:
        left, right = _as_comparable(left, right), _as_comparable(right, left)
        try:
            return {
                "eq": left == right,
                "ne": left != right,
                "lt": left < right,
                "le": left <= right,
                "gt": left > right,
                "ge": left >= right,
            }[op]
        except TypeError:
            return False
    if op in ("in", "not_in"):
        members = list(right) if isinstance(right, list | tuple | set) else [right]
        return (left in members) == (op == "in")
    if op in ELEMENT_OPS:
        found = isinstance(left, list | tuple | set) and right in left
        return found == (op == "contains")
    if op in LENGTH_OPS:
        if not isinstance(left, list | tuple | set | dict):
            return False
        return compare(op.removeprefix("len_"), len(left), right)
    left_set = set(left) if isinstance(left, list | tuple | set) else {left}
    right_set = set(right) if isinstance(right, list | tuple | set) else {right}
    if op == "subset_of":
        return left_set <= right_set
    if op == "intersects":
        return bool(left_set & right_set)
    if op == "missing_from":
        return not left_set & right_set
    raise ValueError(f"unknown operator {op!r}")


class Comparison(BaseModel):
    """Compare a dotted field with a constant ``value`` or with ``other_field``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: Annotated[str, Field(pattern=FIELD_PATTERN)]
    op: Op
    value: ConstValue = None
    other_field: Annotated[str | None, Field(pattern=FIELD_PATTERN)] = None

    @model_validator(mode="after")
    def _operands_fit_operator(self) -> Comparison:
        """Reject comparisons whose operands cannot mean anything for the operator."""
        has_value = "value" in self.model_fields_set
        if self.op in NULL_OPS:
            if has_value or self.other_field:
                raise ValueError(f"{self.op} takes no value or other_field")
            return self
        if has_value == bool(self.other_field):
            raise ValueError(f"{self.op} needs exactly one of value or other_field")
        if has_value and self.value is None:
            raise ValueError("value must not be null; use is_null/not_null")
        if has_value and self.op in LIST_VALUE_OPS and not isinstance(self.value, list):
            raise ValueError(f"{self.op} needs a list value")
        if has_value and self.op in LENGTH_OPS and (isinstance(self.value, bool) or not isinstance(self.value, int)):
            raise ValueError(f"{self.op} needs an integer value")
        if has_value and self.op in ORDER_OPS | ELEMENT_OPS and isinstance(self.value, list):
            raise ValueError(f"{self.op} needs a single value, not a list")
        return self

    def holds(self, subject: dict[str, Any], evidence: dict[str, Any]) -> bool:
        """Evaluate against ``subject``, recording the operand values in ``evidence``."""
        left = resolve(subject, self.field)
        evidence[self.field] = left
        if self.other_field:
            right = resolve(subject, self.other_field)
            evidence[self.other_field] = right
        else:
            right = self.value
        return compare(self.op, left, right)

    def paths(self) -> list[str]:
        """Fields this comparison reads."""
        return [self.field] + ([self.other_field] if self.other_field else [])


class AllOf(BaseModel):
    """Every sub-condition holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    all: list[Condition] = Field(min_length=1)

    def holds(self, subject: dict[str, Any], evidence: dict[str, Any]) -> bool:
        """True when every member holds; all members are evaluated so evidence is complete."""
        results = [cond.holds(subject, evidence) for cond in self.all]
        return all(results)

    def paths(self) -> list[str]:
        """Fields the members read."""
        return [path for cond in self.all for path in cond.paths()]


class AnyOf(BaseModel):
    """At least one sub-condition holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    any: list[Condition] = Field(min_length=1)

    def holds(self, subject: dict[str, Any], evidence: dict[str, Any]) -> bool:
        """True when any member holds; all members are evaluated so evidence is complete."""
        results = [cond.holds(subject, evidence) for cond in self.any]
        return any(results)

    def paths(self) -> list[str]:
        """Fields the members read."""
        return [path for cond in self.any for path in cond.paths()]


class NotOf(BaseModel):
    """The sub-condition does not hold."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    not_: Condition = Field(alias="not")

    def holds(self, subject: dict[str, Any], evidence: dict[str, Any]) -> bool:
        """Boolean negation (null comparisons are already false, see module docstring)."""
        return not self.not_.holds(subject, evidence)

    def paths(self) -> list[str]:
        """Fields the member reads."""
        return self.not_.paths()


def _condition_kind(raw: Any) -> str | None:
    """Pick the condition model from the keys present, so errors name one shape, not four."""
    if isinstance(raw, BaseModel):
        return {AllOf: "all", AnyOf: "any", NotOf: "not", Comparison: "compare"}.get(type(raw))
    if not isinstance(raw, dict):
        return None
    for key in ("all", "any", "not"):
        if key in raw:
            return key
    return "compare"


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[Comparison, Tag("compare")],
    Discriminator(_condition_kind),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()
