"""SQL for the contract check types: version-unfavourable-change (substitution) and wage-floor (effective-dated)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, case, cast, false, func, literal, not_, null, or_, true

from recruitment_watch.checks.effective import format_money, rule_in_force
from recruitment_watch.checks_sql.checks_fees import rule_test
from recruitment_watch.checks_sql.context import NUMERIC, Context, Operand
from recruitment_watch.checks_sql.verdicts import CheckSql, Evidence, decide, sql_check


def _numeric(ctx: Context, operand: Operand, why: str) -> ColumnElement:
    """A numeric operand as SQL (booleans as 0/1); anything else is not compilable."""
    if operand.kind not in NUMERIC:
        raise ctx.fail(f"{operand.path} is {operand.kind}; {why}")
    return cast(operand.expr, sa.Integer) if operand.kind == "bool" else operand.expr


def _rank(value: ColumnElement, order: list[str]) -> ColumnElement:
    """Position of ``value`` in ``order`` (first occurrence), NULL when absent."""
    firsts = {name: order.index(name) for name in order}
    return case(*((value == name, literal(index)) for name, index in firsts.items()), else_=null())


def is_worse(ctx: Context, change: Any, prev: Operand, cur: Operand) -> ColumnElement:
    """``types_contract.is_worse`` as a never-null SQL boolean (a null previous value is never worse)."""
    direction, tol = change.direction, change.tolerance_pct / 100
    p, c = prev.expr, cur.expr
    if direction == "lower-is-worse":
        why = "lower-is-worse needs a number"
        limit = cast(_numeric(ctx, prev, why), sa.Float) * literal(1 - tol, sa.Float)
        return and_(p.is_not(None), func.coalesce(_numeric(ctx, cur, why), 0) < limit)
    if direction == "higher-is-worse":
        why = "higher-is-worse needs a number"
        limit = cast(_numeric(ctx, prev, why), sa.Float) * literal(1 + tol, sa.Float)
        return and_(p.is_not(None), c.is_not(None), _numeric(ctx, cur, why) > limit)
    if direction == "any-change-is-worse":
        if change.prefix:
            if prev.kind not in ("str", "id", "int"):
                raise ctx.fail(f"prefix on {prev.kind} field {prev.path}: Python's str() has no SQL twin")
            p, c = (func.substr(cast(x, sa.Text), 1, change.prefix) for x in (p, c))
        return and_(p.is_not(None), or_(c.is_(None), c != p))
    if direction == "true-to-false-is-worse":
        if prev.kind != "bool":
            return false()
        return and_(p.is_(True), not_(and_(c.is_not(None), c.is_(True))))
    if direction == "new-items-are-worse":
        if prev.kind != "list":
            raise ctx.fail(f"new-items-are-worse on {prev.kind} field {prev.path}")
        current = func.coalesce(c, "")
        return and_(p.is_not(None), ctx.dialect.any_element(current, lambda v: not_(ctx.dialect.list_has(p, v))))
    if prev.kind != "str":
        return false()
    ranks = _rank(c, change.order or []), _rank(p, change.order or [])
    return and_(ranks[0].is_not(None), ranks[1].is_not(None), ranks[0] > ranks[1])


def _change_evidence(params: Any, values: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    worse = []
    for index, change in enumerate(params.fields):
        evidence[f"previous.{change.field}"] = values.get(f"previous.{change.field}")
        evidence[f"version.{change.field}"] = values.get(f"version.{change.field}")
        if values.get(f"=worse.{index}"):
            worse.append(change.field)
    evidence["worse_fields"] = worse
    evidence["changes"] = "; ".join(
        f"{name}: {evidence[f'previous.{name}']} → {evidence[f'version.{name}']}" for name in worse
    )
    return evidence


@sql_check("version-unfavourable-change", _change_evidence)
def compile_version_change(ctx: Context, params: Any) -> CheckSql:
    """Any listed field changed to the worker's prejudice fails; no previous version → n/a."""
    evidence = Evidence()
    tests = []
    for index, change in enumerate(params.fields):
        prev, cur = ctx.operand(f"previous.{change.field}"), ctx.operand(f"version.{change.field}")
        evidence.path(ctx, prev.path)
        evidence.path(ctx, cur.path)
        worse = is_worse(ctx, change, prev, cur)
        evidence.value(f"worse.{index}", worse, "bool")
        tests.append(worse)
    present = ctx.operand("previous").not_null()
    verdict = decide((not_(present), "not_applicable"), (or_(*tests), "failed"), otherwise="passed")
    return CheckSql(verdict, evidence)


def _floor_evidence(params: Any, values: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    judged_on = values["=judged_on"]
    rule = rule_in_force(params.rules, judged_on)
    evidence: dict[str, Any] = {"judged_on": judged_on, params.currency_field: values.get(params.currency_field)}
    if rule is None:
        return evidence
    floor = rule.floor
    wage = values["=wage"]
    evidence.update(floor_minor=floor.amount_minor, floor_display=format_money(floor.amount_minor, floor.currency))
    evidence.update(wage_minor=wage, wage_display=format_money(wage, floor.currency))
    index = params.rules.index(rule)
    shortfalls = ["basic wage"] if values.get(f"=short.{index}.basic") else []
    for number, allowance in enumerate(rule.allowances):
        evidence[allowance.field] = values.get(allowance.field)
        if allowance.unless_true:
            evidence[allowance.unless_true] = values.get(allowance.unless_true)
        if values.get(f"=short.{index}.{number}"):
            shortfalls.append(allowance.field.rsplit(".", 1)[-1])
    evidence["shortfalls"] = ", ".join(shortfalls)
    return evidence


def _field(ctx: Context, path: str, why: str) -> ColumnElement:
    operand = ctx.operand(path)
    return null() if operand.kind == "null" else _numeric(ctx, operand, why)


@sql_check("wage-floor", _floor_evidence)
def compile_wage_floor(ctx: Context, params: Any) -> CheckSql:
    """Monthly wage (and allowances) below the floor in force fails; other periods or currencies → n/a."""
    judged_on = ctx.judging_date()
    evidence = Evidence()
    evidence.value("judged_on", judged_on, "date")
    evidence.path(ctx, params.currency_field)
    currency, period = ctx.operand(params.currency_field), ctx.operand(params.period_field)
    not_monthly = false() if period.kind == "null" else and_(period.expr.is_not(None), period.expr != "month")
    if period.kind not in ("str", "null"):
        not_monthly = period.expr.is_not(None)
    verdicts, wages = [], []
    for index, rule in enumerate(params.rules):
        floor = rule.floor
        same = and_(currency.expr.is_not(None), currency.expr == floor.currency) if currency.kind == "str" else false()
        own = _field(ctx, params.wage_field, "the wage must be a number")
        if floor.currency == "USD" and not rule.allowances:
            wage = case((same, own), else_=_field(ctx, params.usd_field, "the wage must be a number"))
            comparable: ColumnElement = true()
        else:
            wage, comparable = case((same, own), else_=null()), same
        shorts = [and_(wage.is_not(None), wage < floor.amount_minor)]
        evidence.value(f"short.{index}.basic", shorts[0], "bool")
        for number, allowance in enumerate(rule.allowances):
            evidence.path(ctx, allowance.field)
            amount = func.coalesce(_field(ctx, allowance.field, "an allowance must be a number"), 0)
            short = amount < allowance.min_minor
            if allowance.unless_true:
                evidence.path(ctx, allowance.unless_true)
                provided = ctx.operand(allowance.unless_true)
                if provided.kind == "bool":
                    short = and_(not_(and_(provided.expr.is_not(None), provided.expr.is_(True))), short)
            evidence.value(f"short.{index}.{number}", short, "bool")
            shorts.append(short)
        verdict = decide(
            (not_monthly, "not_applicable"),
            (not_(comparable), "not_applicable"),
            (wage.is_(None), "not_applicable"),
            (or_(*shorts), "failed"),
            otherwise="passed",
        )
        in_force = rule_test(rule, judged_on)
        verdicts.append((in_force, verdict))
        wages.append((in_force, wage))
    evidence.value("wage", case(*wages), "int")
    return CheckSql(case(*verdicts, else_=literal(2)), evidence)
