"""SQL for the fee check types: fee-category-banned and fee-total-cap (effective-dated)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, case, cast, false, func, literal, not_, null, true

from recruitment_watch.checks.effective import format_money, rule_in_force
from recruitment_watch.checks.subjects import FEE_CATEGORIES
from recruitment_watch.checks_sql.context import Context
from recruitment_watch.checks_sql.verdicts import CheckSql, Evidence, decide, sql_check

USD_BY_CATEGORY = "fees.worker_paid_by_category_usd_minor"
ORIGIN_BY_CATEGORY = "fees.worker_paid_by_category_origin_minor"


def category_sum(ctx: Context, dict_path: str, categories: list[str] | None) -> ColumnElement:
    """``_category_sum``: the by-category amounts over ``categories`` (all when None); absent keys count 0."""
    chosen = [c for c in FEE_CATEGORIES if categories is None or c in categories]
    keys = ctx.operand(dict_path).keys
    return sum((func.coalesce(keys[c], 0) for c in chosen), literal(0, sa.BigInteger))


def rule_test(rule: Any, judged_on: ColumnElement) -> ColumnElement:
    """The (never-null) test that ``rule`` is in force on the judging date."""
    tests = []
    if rule.valid_from is not None:
        tests.append(literal(rule.valid_from, sa.Date) <= judged_on)
    if rule.valid_to is not None:
        tests.append(judged_on <= literal(rule.valid_to, sa.Date))
    return and_(true(), *tests)


def payment(ctx: Context, name: str) -> ColumnElement:
    """A column of the fee payment."""
    return ctx.operand(f"payment.{name}").expr


def _banned_evidence(params: Any, values: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    if "payment.category" in values:
        return {
            "payment.category": values["payment.category"],
            "payment.payee_type": values["payment.payee_type"],
            "payment.amount_usd_minor": values["payment.amount_usd_minor"],
            "amount_display": format_money(values["payment.amount_minor"], values["payment.currency"]),
        }
    by_category = subject["fees"]["worker_paid_by_category_usd_minor"]
    total = values["=total"]
    return {
        "banned_categories": sorted(c for c in params.categories if by_category.get(c, 0) > 0),
        "banned_total_usd_minor": total,
        "amount_display": format_money(total, "USD"),
    }


@sql_check("fee-category-banned", _banned_evidence)
def compile_fee_category_banned(ctx: Context, params: Any) -> CheckSql:
    """A positive worker-paid amount in a banned category (to a listed payee type) fails."""
    evidence = Evidence()
    if ctx.subject_type == "fee_payment":
        for name in ("category", "payee_type", "amount_usd_minor", "amount_minor", "currency"):
            evidence.path(ctx, f"payment.{name}")
        banned = [payment(ctx, "category").in_(params.categories), payment(ctx, "amount_usd_minor") > 0]
        if params.payee_types is not None:
            banned.append(payment(ctx, "payee_type").in_(params.payee_types))
        test = func.coalesce(and_(*banned), false())
        return CheckSql(decide((test, "failed"), otherwise="passed"), evidence)
    evidence.path(ctx, USD_BY_CATEGORY)
    total = category_sum(ctx, USD_BY_CATEGORY, list(params.categories))
    evidence.value("total", total, "int")
    return CheckSql(decide((total > 0, "failed"), otherwise="passed"), evidence)


def fee_total(ctx: Context, categories: list[str] | None, currency: str) -> ColumnElement:
    """``types_fees._fee_total``: the worker-paid total in ``currency``, NULL when not comparable."""
    if ctx.subject_type == "fee_payment":
        listed = true() if categories is None else payment(ctx, "category").in_(categories)
        if currency == "USD":
            return case((listed, payment(ctx, "amount_usd_minor")), else_=literal(0))
        same = payment(ctx, "currency") == currency
        return case((not_(listed), literal(0)), (same, payment(ctx, "amount_minor")), else_=null())
    if currency == "USD":
        return category_sum(ctx, USD_BY_CATEGORY, categories)
    if categories is None:
        amount = ctx.operand("fees.worker_paid_total_origin_minor").expr
    else:
        amount = category_sum(ctx, ORIGIN_BY_CATEGORY, categories)
    return case((ctx.operand("fees.origin_currency").expr == currency, amount), else_=null())


def _cap_evidence(params: Any, values: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    judged_on = values["=judged_on"]
    rule = rule_in_force(params.rules, judged_on)
    evidence: dict[str, Any] = {"judged_on": judged_on}
    if rule is None:
        return evidence
    evidence.update(rule_valid_from=rule.valid_from, rule_valid_to=rule.valid_to)
    currency = rule.cap.currency if rule.cap is not None else "USD"
    if rule.cap is None:
        evidence["version.basic_wage_usd_minor"] = values.get("version.basic_wage_usd_minor")
        evidence["wage_multiple"] = rule.wage_multiple
    limit, total = values["=cap"], values["=total"]
    evidence.update(cap_minor=limit, cap_display=format_money(limit, currency), currency=currency)
    evidence.update(total_minor=total, total_display=format_money(total, currency))
    return evidence


@sql_check("fee-total-cap", _cap_evidence)
def compile_fee_total_cap(ctx: Context, params: Any) -> CheckSql:
    """The total in the cap's currency above the cap in force on the judging date fails; no rule → n/a."""
    judged_on = ctx.judging_date()
    evidence = Evidence()
    evidence.value("judged_on", judged_on, "date")
    verdicts, limits, totals = [], [], []
    for rule in params.rules:
        in_force = rule_test(rule, judged_on)
        if rule.cap is not None:
            currency, limit, lacking = rule.cap.currency, literal(rule.cap.amount_minor, sa.BigInteger), false()
        else:
            wage = ctx.operand("version.basic_wage_usd_minor").expr
            evidence.path(ctx, "version.basic_wage_usd_minor")
            limit = ctx.dialect.round_half_even(cast(wage, sa.Float) * (rule.wage_multiple or 0))
            currency, lacking = "USD", wage.is_(None)
        total = fee_total(ctx, params.categories, currency)
        verdict = decide(
            (lacking, "not_applicable"),
            (total.is_(None), "not_applicable"),
            (total > limit, "failed"),
            otherwise="passed",
        )
        verdicts.append((in_force, verdict))
        limits.append((in_force, limit))
        totals.append((in_force, total))
    evidence.value("cap", case(*limits), "int")
    evidence.value("total", case(*totals), "int")
    return CheckSql(case(*verdicts, else_=literal(2)), evidence)
