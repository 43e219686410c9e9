"""The condition grammar (``field-condition``, ``applies_when``) compiled to never-null SQL booleans.

Python's rule: every operator but ``is_null``/``not_null`` is false when an operand is null, so each comparison is
``left IS NOT NULL AND right IS NOT NULL AND <test>`` and ``not`` is plain ``NOT``. Where Python compares values of
different types, ``==`` is false, ``!=`` true and ordering false (``TypeError`` caught); those cases compile to
constants. Cases where Python itself would raise (a text field parsed as a date) are ``NotCompilable``.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, cast, false, not_, or_, true

from recruitment_watch.checks.conditions import (
    ELEMENT_OPS,
    LENGTH_OPS,
    NULL_OPS,
    ORDER_OPS,
    AllOf,
    AnyOf,
    Comparison,
    NotOf,
)
from recruitment_watch.checks_sql.context import NUMERIC, Context, Operand, constant, sql_literal

_SQL_ORDER = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def compile_condition(ctx: Context, condition: object) -> ColumnElement:
    """A never-null SQL boolean equivalent to ``condition.holds(subject)``."""
    if isinstance(condition, AllOf):
        return and_(*(compile_condition(ctx, member) for member in condition.all))
    if isinstance(condition, AnyOf):
        return or_(*(compile_condition(ctx, member) for member in condition.any))
    if isinstance(condition, NotOf):
        return not_(compile_condition(ctx, condition.not_))
    assert isinstance(condition, Comparison)
    left = ctx.operand(condition.field)
    if condition.op in NULL_OPS:
        return left.not_null() if condition.op == "not_null" else not_(left.not_null())
    right = ctx.operand(condition.other_field) if condition.other_field else constant(condition.value)
    body = _compare(ctx, condition.op, left, right)
    return and_(left.not_null(), right.not_null(), body)


def _compare(ctx: Context, op: str, left: Operand, right: Operand) -> ColumnElement:
    """The test itself, for operands known to be non-null."""
    if "model" in (left.kind, right.kind):
        raise ctx.fail(f"{op} on a whole object ({left.path or right.path}); only is_null/not_null are supported")
    if left.kind == "null" or right.kind == "null":
        return false()
    if op in ORDER_OPS:
        return order(ctx, op, left, right)
    if op in ("in", "not_in"):
        found = _in(ctx, left, right)
        return found if op == "in" else not_(found)
    if op in ELEMENT_OPS:
        found = _contains(ctx, left, right)
        return found if op == "contains" else not_(found)
    if op in LENGTH_OPS:
        return _length(ctx, op, left, right)
    return _sets(ctx, op, left, right)


def order(ctx: Context, op: str, left: Operand, right: Operand) -> ColumnElement:
    """``eq ne lt le gt ge`` with Python's coercion of ISO strings to dates and its cross-type rules."""
    left, right = _as_comparable(ctx, left, right), _as_comparable(ctx, right, left)
    kinds = {left.kind, right.kind}
    mismatch = {"eq": false(), "ne": true()}.get(op, false())
    if kinds <= NUMERIC:
        a, b = left.expr, right.expr
        if "bool" in kinds and len(kinds) > 1:
            a, b = (cast(x, sa.Integer) if o.kind == "bool" else x for x, o in ((a, left), (b, right)))
        return _SQL_ORDER[op](a, b)
    if len(kinds) > 1 or "other" in kinds:
        if "id" in kinds:
            raise ctx.fail(f"{op} between an identifier field and a {(kinds - {'id'}).pop()}; compare ids with ids")
        return mismatch
    kind = left.kind
    if kind in ("list", "dict", "id") and op not in ("eq", "ne"):
        raise ctx.fail(f"{op} orders {kind} values, which has no exact SQL equivalent")
    if kind == "dict":
        raise ctx.fail(f"{op} compares whole dicts")
    a, b = left.expr, right.expr
    if kind == "str" and op not in ("eq", "ne"):
        a, b = ctx.dialect.text_order(a), ctx.dialect.text_order(b)
    return _SQL_ORDER[op](a, b)


def _as_comparable(ctx: Context, value: Operand, other: Operand) -> Operand:
    """``conditions._as_comparable``: an ISO string constant becomes a date/datetime when the other side is one."""
    if value.kind != "str" or other.kind not in ("date", "datetime"):
        return value
    if not value.is_const:
        raise ctx.fail(f"{value.path} (text) would be parsed as a date against {other.path}")
    try:
        parsed = (datetime if other.kind == "datetime" else date).fromisoformat(value.value)
    except ValueError as exc:
        raise ctx.fail(f"{value.value!r} is not an ISO date: {exc}") from None
    if isinstance(parsed, datetime) and parsed.tzinfo is None:
        return Operand("other", None, None, true())  # naive vs aware: == false, ordering raises → false
    return Operand(other.kind, sql_literal(parsed), None, true(), value=parsed)


def equal(ctx: Context, left: Operand, right: Operand) -> ColumnElement:
    """Python's raw ``==`` (no string-to-date coercion), for ``in`` and set membership."""
    if left.kind == "list" or right.kind == "list" or "dict" in (left.kind, right.kind):
        if left.kind == right.kind == "list" and not left.is_const and not right.is_const:
            return left.expr == right.expr
        return false()
    kinds = {left.kind, right.kind}
    if "id" in kinds and kinds != {"id"}:
        raise ctx.fail("an identifier field compared with a constant or another kind of field")
    if kinds <= NUMERIC or len(kinds) == 1:
        return order(ctx, "eq", left, right)
    return false()


def _members(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]


def _in(ctx: Context, left: Operand, right: Operand) -> ColumnElement:
    """``left in right`` (``right`` a constant list, a list field or a scalar field)."""
    if right.is_const:
        return or_(false(), *(equal(ctx, left, constant(member)) for member in _members(right.value)))
    if right.kind == "list":
        return _list_has(ctx, right, left)
    return equal(ctx, left, right)


def _list_has(ctx: Context, listed: Operand, element: Operand) -> ColumnElement:
    """``element in listed`` for a list field (its elements are strings)."""
    if element.kind == "id":
        raise ctx.fail("an identifier compared with list elements (text)")
    if element.kind != "str":
        return false()
    return ctx.dialect.list_has(listed.expr, element.value if element.is_const else element.expr)


def _contains(ctx: Context, left: Operand, right: Operand) -> ColumnElement:
    """``isinstance(left, list) and right in left``."""
    if left.kind != "list" or right.kind == "list":
        return false()
    return _list_has(ctx, left, right)


def _length(ctx: Context, op: str, left: Operand, right: Operand) -> ColumnElement:
    """``len(left)`` compared with ``right``; false when ``left`` is not a list or dict."""
    if left.kind == "list":
        size = ctx.dialect.list_length(left.expr)
    elif left.kind == "dict":
        size = sum((sa.case((col.is_not(None), 1), else_=0) for col in left.keys.values()), sa.literal(0))
    else:
        return false()
    return and_(right.not_null(), order(ctx, op.removeprefix("len_"), Operand("int", size, "len"), right))


def _sets(ctx: Context, op: str, left: Operand, right: Operand) -> ColumnElement:
    """``subset_of``, ``intersects``, ``missing_from`` (a scalar counts as a one-element set)."""
    if "dict" in (left.kind, right.kind):
        raise ctx.fail(f"{op} over a dict (Python raises: dicts are unhashable)")
    if left.kind == "list":
        if right.is_const or right.kind != "list":
            members = _members(right.value) if right.is_const else [right]
            texts = [m for m in members if isinstance(m, str) or (isinstance(m, Operand) and m.kind == "str")]
            intersects = or_(false(), *(_list_has(ctx, left, _as_operand(m)) for m in texts))

            def outside(value: ColumnElement) -> ColumnElement:
                return and_(*(value != _as_operand(m).expr for m in texts)) if texts else true()

        else:
            intersects = ctx.dialect.any_element(left.expr, lambda v: ctx.dialect.list_has(right.expr, v))

            def outside(value: ColumnElement) -> ColumnElement:
                return not_(ctx.dialect.list_has(right.expr, value))

        if op == "subset_of":
            return not_(ctx.dialect.any_element(left.expr, outside))
    elif right.is_const:
        intersects = or_(false(), *(equal(ctx, left, constant(m)) for m in _members(right.value)))
    elif right.kind == "list":
        intersects = _list_has(ctx, right, left)
    else:
        intersects = equal(ctx, left, right)
    if op == "missing_from":
        return not_(intersects)
    return intersects


def _as_operand(member: object) -> Operand:
    return member if isinstance(member, Operand) else constant(member)
