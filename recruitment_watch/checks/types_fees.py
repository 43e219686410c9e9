"""Fee check types over the fee ledger (``fee_payment``) or a contract's fee totals (``contract_version``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from recruitment_watch.checks.effective import EffectiveRule, Money, check_no_overlap, format_money, rule_in_force
from recruitment_watch.checks.registry import CheckType, Params, Verdict, failed, not_applicable, passed, register
from recruitment_watch.checks.subjects import FeeCategory, PayeeType

FEE_SUBJECTS = frozenset({"fee_payment", "contract_version"})


def _category_sum(by_category: dict[str, int], categories: list[str] | None) -> int:
    """Sum a by-category mapping over ``categories`` (all categories when None)."""
    return sum(amount for cat, amount in by_category.items() if categories is None or cat in categories)


class FeeCategoryBannedParams(Params):
    """Any worker-paid amount in ``categories`` (optionally only to ``payee_types``) is a breach."""

    categories: Annotated[list[FeeCategory], Field(min_length=1)]
    payee_types: list[PayeeType] | None = None


@register
class FeeCategoryBanned(CheckType):
    """``fee-category-banned``: the worker paid something in a banned category."""

    key = "fee-category-banned"
    params_model = FeeCategoryBannedParams
    subjects = FEE_SUBJECTS

    def evaluate(self, subject: dict[str, Any], params: FeeCategoryBannedParams, *, on: date) -> Verdict:
        """Fail on a positive amount in a banned category (ledger row, or contract totals in USD)."""
        if "payment" in subject:
            pay = subject["payment"]
            evidence = {
                "payment.category": pay["category"],
                "payment.payee_type": pay["payee_type"],
                "payment.amount_usd_minor": pay["amount_usd_minor"],
                "amount_display": format_money(pay["amount_minor"], pay["currency"]),
            }
            banned = pay["category"] in params.categories and pay["amount_usd_minor"] > 0
            if params.payee_types is not None:
                banned = banned and pay["payee_type"] in params.payee_types
            return failed(evidence) if banned else passed(evidence)
        by_category = subject["fees"]["worker_paid_by_category_usd_minor"]
        hits = sorted(cat for cat in params.categories if by_category.get(cat, 0) > 0)
        total = _category_sum(by_category, list(params.categories))
        evidence = {
            "banned_categories": hits,
            "banned_total_usd_minor": total,
            "amount_display": format_money(total, "USD"),
        }
        return failed(evidence) if total > 0 else passed(evidence)

    def subject_problem(self, params: FeeCategoryBannedParams, subject_type: str) -> str | None:
        """Contract totals carry no payee, so payee_types only works on fee payments."""
        if subject_type == "contract_version" and params.payee_types is not None:
            return "params.payee_types: only allowed for subject fee_payment"
        return None

    def evidence_keys(self, params: FeeCategoryBannedParams) -> set[str]:
        """Computed keys for messages."""
        return {"amount_display", "banned_categories", "banned_total_usd_minor"}


class CapRule(EffectiveRule):
    """A cap in force between two dates: a fixed ``cap`` or a ``wage_multiple`` of the monthly wage."""

    cap: Money | None = None
    wage_multiple: Annotated[float | None, Field(ge=0)] = None

    @model_validator(mode="after")
    def _one_cap(self) -> CapRule:
        """Exactly one of cap or wage_multiple."""
        if (self.cap is None) == (self.wage_multiple is None):
            raise ValueError("give exactly one of cap or wage_multiple")
        return self


class FeeTotalCapParams(Params):
    """Worker-paid total in ``categories`` (all when omitted) must not exceed the cap in force."""

    categories: list[FeeCategory] | None = None
    rules: Annotated[list[CapRule], Field(min_length=1)]

    @field_validator("rules")
    @classmethod
    def _no_overlap(cls, rules: list[CapRule]) -> list[CapRule]:
        """At most one rule may be in force on any day."""
        check_no_overlap(rules)
        return rules


def _fee_total(subject: dict[str, Any], params: FeeTotalCapParams, currency: str) -> int | None:
    """Worker-paid total in ``currency`` (USD or the origin/payment currency); None when not available."""
    if "payment" in subject:
        pay = subject["payment"]
        if params.categories is not None and pay["category"] not in params.categories:
            return 0
        if currency == "USD":
            return pay["amount_usd_minor"]
        return pay["amount_minor"] if currency == pay["currency"] else None
    fees = subject["fees"]
    if currency == "USD":
        return _category_sum(fees["worker_paid_by_category_usd_minor"], params.categories)
    if currency != fees["origin_currency"]:
        return None
    if params.categories is None:
        return fees["worker_paid_total_origin_minor"]
    return _category_sum(fees["worker_paid_by_category_origin_minor"], params.categories)


@register
class FeeTotalCap(CheckType):
    """``fee-total-cap``: statutory fee caps (fixed amount or multiple of the monthly wage), effective-dated."""

    key = "fee-total-cap"
    params_model = FeeTotalCapParams
    subjects = FEE_SUBJECTS

    def evaluate(self, subject: dict[str, Any], params: FeeTotalCapParams, *, on: date) -> Verdict:
        """Compare the total with the cap in force on ``on``; no rule or no comparable currency → n/a."""
        rule = rule_in_force(params.rules, on)
        evidence: dict[str, Any] = {"judged_on": on}
        if rule is None:
            return not_applicable(evidence)
        evidence.update(rule_valid_from=rule.valid_from, rule_valid_to=rule.valid_to)
        if rule.cap is not None:
            currency, limit = rule.cap.currency, rule.cap.amount_minor
        else:
            wage = subject["version"]["basic_wage_usd_minor"]
            evidence["version.basic_wage_usd_minor"] = wage
            if wage is None:
                return not_applicable(evidence)
            currency, limit = "USD", round(wage * (rule.wage_multiple or 0))
            evidence["wage_multiple"] = rule.wage_multiple
        total = _fee_total(subject, params, currency)
        evidence.update(cap_minor=limit, cap_display=format_money(limit, currency), currency=currency)
        if total is None:
            evidence["reason"] = "no amount in the cap currency"
            return not_applicable(evidence)
        evidence.update(total_minor=total, total_display=format_money(total, currency))
        return failed(evidence) if total > limit else passed(evidence)

    def field_paths(self, params: FeeTotalCapParams) -> list[str]:
        """The monthly wage is read for wage-multiple caps."""
        return ["version.basic_wage_usd_minor"] if any(r.wage_multiple is not None for r in params.rules) else []

    def evidence_keys(self, params: FeeTotalCapParams) -> set[str]:
        """Computed keys for messages."""
        return {
            "judged_on",
            "cap_minor",
            "cap_display",
            "currency",
            "total_minor",
            "total_display",
            "wage_multiple",
            "rule_valid_from",
            "rule_valid_to",
            "reason",
        }
