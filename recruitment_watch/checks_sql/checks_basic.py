"""SQL for the generic check types: field-condition, date-order, age-at-least, ratio-threshold."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, cast, func, not_, null, or_

from recruitment_watch.checks.conditions import resolve
from recruitment_watch.checks_sql.conditions import compile_condition
from recruitment_watch.checks_sql.context import NUMERIC, Context
from recruitment_watch.checks_sql.verdicts import CheckSql, Evidence, decide, sql_check


def date_of(ctx: Context, path: str | None) -> ColumnElement:
    """``types_basic.as_date`` of a field (the judging date when ``path`` is None): dates, UTC dates of datetimes."""
    if path is None:
        return ctx.judging_date()
    operand = ctx.operand(path)
    if operand.kind == "date":
        return operand.expr
    if operand.kind == "datetime":
        return ctx.dialect.utc_date(operand.expr)
    if operand.kind in ("str", "id"):
        raise ctx.fail(f"{path} is text; Python would parse it as an ISO date")
    return null()


def missing_outcome(policy: str) -> str:
    """The outcome for a subject lacking a value (``missing: fail | not_applicable``)."""
    return "failed" if policy == "fail" else "not_applicable"


def _condition_evidence(params: Any, values: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    cond = params.require if params.require is not None else params.forbid
    return {path: resolve(subject, path) for path in cond.paths()}


@sql_check("field-condition", _condition_evidence)
def compile_field_condition(ctx: Context, params: Any) -> CheckSql:
    """require: pass when the condition holds; forbid: fail when it holds."""
    evidence = Evidence()
    cond = params.require if params.require is not None else params.forbid
    for path in cond.paths():
        evidence.path(ctx, path)
    holds = compile_condition(ctx, cond)
    if params.require is not None:
        return CheckSql(decide((holds, "passed"), otherwise="failed"), evidence)
    return CheckSql(decide((holds, "failed"), otherwise="passed"), evidence)


def _date_order_evidence(params: Any, values: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    evidence = {params.earlier or "judged_on": values["=earlier"], params.later or "judged_on": values["=later"]}
    if values["=earlier"] is not None and values["=later"] is not None:
        evidence["days_between"] = values["=days_between"]
    return evidence


@sql_check("date-order", _date_order_evidence)
def compile_date_order(ctx: Context, params: Any) -> CheckSql:
    """Whole days from earlier to later within [min_days, max_days]; a missing date follows ``missing``."""
    earlier, later = date_of(ctx, params.earlier), date_of(ctx, params.later)
    days = ctx.dialect.days_between(earlier, later)
    out_of_bounds = [days < params.min_days]
    if params.max_days is not None:
        out_of_bounds.append(days > params.max_days)
    evidence = Evidence()
    evidence.value("earlier", earlier, "date")
    evidence.value("later", later, "date")
    evidence.value("days_between", days, "int")
    verdict = decide(
        (or_(earlier.is_(None), later.is_(None)), missing_outcome(params.missing)),
        (or_(*out_of_bounds), "failed"),
        otherwise="passed",
    )
    return CheckSql(verdict, evidence)


def _age_evidence(params: Any, values: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    evidence = {params.birth: values["=birth"], "age_on": values["=age_on"]}
    if values["=birth"] is not None and values["=age_on"] is not None:
        evidence["age_years"] = values["=age_years"]
    return evidence


@sql_check("age-at-least", _age_evidence)
def compile_age_at_least(ctx: Context, params: Any) -> CheckSql:
    """Completed years on the reference date at least ``min_years``."""
    birth, at = date_of(ctx, params.birth), date_of(ctx, params.at)
    age = ctx.dialect.age_years(birth, at)
    evidence = Evidence()
    evidence.value("birth", birth, "date")
    evidence.value("age_on", at, "date")
    evidence.value("age_years", age, "int")
    verdict = decide(
        (or_(birth.is_(None), at.is_(None)), missing_outcome(params.missing)),
        (age < params.min_years, "failed"),
        otherwise="passed",
    )
    return CheckSql(verdict, evidence)


def _number(ctx: Context, path: str, role: str) -> tuple[ColumnElement, str]:
    """A numeric field as SQL (booleans as 0/1) and its kind; an always-null path is NULL."""
    operand = ctx.operand(path)
    if operand.kind == "null":
        return null(), "int"
    if operand.kind not in NUMERIC:
        raise ctx.fail(f"{role} {path} is {operand.kind}, not a number")
    if operand.kind == "bool":
        return cast(operand.expr, sa.Integer), "int"
    return operand.expr, operand.kind


def _ratio_evidence(params: Any, values: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    evidence = {params.numerator: values["=numerator"] or 0, params.denominator: values["=denominator"]}
    evidence["max"] = params.max
    if values["=ratio"] is not None:
        evidence["ratio"] = round(values["=ratio"], 4)
    return evidence


@sql_check("ratio-threshold", _ratio_evidence)
def compile_ratio_threshold(ctx: Context, params: Any) -> CheckSql:
    """numerator (null = 0) ÷ denominator above ``max`` fails; a null or small denominator is not judged."""
    numerator, numerator_kind = _number(ctx, params.numerator, "numerator")
    denominator, denominator_kind = _number(ctx, params.denominator, "denominator")
    numerator = func.coalesce(numerator, 0)
    judged = and_(denominator.is_not(None), not_(denominator < params.min_denominator))
    ratio = cast(numerator, sa.Float) / cast(denominator, sa.Float)
    evidence = Evidence()
    evidence.value("numerator", numerator, numerator_kind)
    evidence.value("denominator", denominator, denominator_kind)
    evidence.value("ratio", sa.case((judged, ratio)), "float")
    verdict = decide(
        (not_(judged), "not_applicable"),
        (ratio > sa.literal(params.max, sa.Float), "failed"),
        otherwise="passed",
    )
    return CheckSql(verdict, evidence)
