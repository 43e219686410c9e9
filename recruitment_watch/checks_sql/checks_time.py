"""SQL for the time-window check types: licence-valid-on and sla-overdue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, case, false, func, literal, not_, null, or_

from recruitment_watch.checks_sql.checks_basic import date_of, missing_outcome
from recruitment_watch.checks_sql.context import Context
from recruitment_watch.checks_sql.verdicts import CheckSql, Evidence, decide, sql_check


def _licence_evidence(params: Any, values: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    evidence = {
        params.valid_from: values.get(params.valid_from),
        params.valid_to: values.get(params.valid_to),
        "checked_on": values["=checked_on"],
    }
    if params.status:
        evidence[params.status] = values.get(params.status)
    return evidence


def _window_bound(ctx: Context, path: str) -> ColumnElement:
    operand = ctx.operand(path)
    if operand.kind == "null":
        return null()
    if operand.kind != "date":
        raise ctx.fail(f"licence bound {path} is {operand.kind}; Python compares it with a date")
    return operand.expr


@sql_check("licence-valid-on", _licence_evidence)
def compile_licence_valid_on(ctx: Context, params: Any) -> CheckSql:
    """Inside [valid_from, valid_to] on the date and (when a status field is given) in an allowed status."""
    checked_on = date_of(ctx, params.date)
    start, end = _window_bound(ctx, params.valid_from), _window_bound(ctx, params.valid_to)
    inside = and_(start.is_not(None), end.is_not(None), start <= checked_on, checked_on <= end)
    status_ok: ColumnElement = literal(True)
    evidence = Evidence()
    for path in (params.valid_from, params.valid_to):
        evidence.path(ctx, path)
    if params.status:
        evidence.path(ctx, params.status)
        status = ctx.operand(params.status)
        if status.kind == "str":
            status_ok = and_(status.expr.is_not(None), status.expr.in_(params.allowed_statuses))
        else:
            status_ok = false()
    evidence.value("checked_on", checked_on, "date")
    verdict = decide(
        (checked_on.is_(None), missing_outcome(params.missing_date)),
        (and_(inside, status_ok), "passed"),
        otherwise="failed",
    )
    return CheckSql(verdict, evidence)


def _sla_evidence(params: Any, values: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    start, stop = values["=start"], values["=stop"]
    allowed, micros = values["=allowed_hours"], values["=elapsed_us"]
    evidence = {params.start: start, params.stop: stop, params.severity_field: values["=severity"]}
    if start is not None and allowed is not None and micros is not None:
        evidence.update(
            allowed_hours=allowed,
            elapsed_hours=round(micros / 10**6 / 3600, 1),
            due_at=(start + timedelta(hours=allowed)).isoformat(),
            clock_running=stop is None,
        )
    return evidence


def _moment(ctx: Context, path: str) -> ColumnElement:
    operand = ctx.operand(path)
    if operand.kind == "null":
        return null()
    if operand.kind != "datetime":
        raise ctx.fail(f"SLA clock field {path} is {operand.kind}, not a datetime")
    return operand.expr


def _allowed_hours(ctx: Context, params: Any) -> ColumnElement:
    """The tightest allowance: severity hours and the hours of every listed category the complaint carries."""
    severity, categories = ctx.operand(params.severity_field), ctx.operand(params.categories_field)
    if categories.kind not in ("list", "str", "null"):
        raise ctx.fail(f"{params.categories_field} is {categories.kind}; Python iterates it as categories")
    by_hours: dict[int, list[ColumnElement]] = {}
    if severity.kind == "str":
        for name, hours in params.hours_by_severity.items():
            by_hours.setdefault(hours, []).append(and_(severity.expr.is_not(None), severity.expr == name))
    if categories.kind == "list":
        for name, hours in params.hours_by_category.items():
            has = and_(categories.expr.is_not(None), ctx.dialect.list_has(categories.expr, name))
            by_hours.setdefault(hours, []).append(has)
    if not by_hours:
        return null()
    return case(*((or_(*tests), literal(hours)) for hours, tests in sorted(by_hours.items())))


@sql_check("sla-overdue", _sla_evidence)
def compile_sla_overdue(ctx: Context, params: Any) -> CheckSql:
    """Elapsed time from start to stop (or now) above the allowance fails; compared in whole microseconds."""
    start, stop = _moment(ctx, params.start), _moment(ctx, params.stop)
    end = func.coalesce(stop, _moment(ctx, params.now_field))
    allowed = _allowed_hours(ctx, params)
    micros = ctx.dialect.micros_between(start, end)
    judged = and_(start.is_not(None), end.is_not(None), allowed.is_not(None))
    evidence = Evidence()
    evidence.value("start", start, "datetime")
    evidence.value("stop", stop, "datetime")
    severity = ctx.operand(params.severity_field)
    evidence.value("severity", severity.expr if severity.expr is not None else null(), severity.kind)
    evidence.value("allowed_hours", allowed, "int")
    evidence.value("elapsed_us", case((judged, micros)), "int")
    verdict = decide(
        (not_(judged), "not_applicable"),
        (micros > allowed * literal(3_600_000_000, sa.BigInteger), "failed"),
        otherwise="passed",
    )
    return CheckSql(verdict, evidence)
