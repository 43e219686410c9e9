"""Contract check types: substitution between versions and effective-dated wage floors."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from recruitment_watch.checks.conditions import FIELD_PATTERN, resolve
from recruitment_watch.checks.effective import EffectiveRule, Money, check_no_overlap, format_money, rule_in_force
from recruitment_watch.checks.registry import CheckType, Params, Verdict, failed, not_applicable, passed, register
from recruitment_watch.checks.subjects import ContractTerms

Path = Annotated[str, Field(pattern=FIELD_PATTERN)]
Direction = Literal[
    "lower-is-worse",
    "higher-is-worse",
    "any-change-is-worse",
    "true-to-false-is-worse",
    "new-items-are-worse",
    "ranked",
]


class FieldChange(Params):
    """One contract-term field to compare between ``previous`` and ``version``.

    ``lower-is-worse`` treats a removed (null) value as 0; ``ranked`` needs ``order`` (best first);
    ``prefix`` compares only the first N characters (ISCO-08 sub-major group = 2);
    ``tolerance_pct`` absorbs FX rounding for numeric directions.
    """

    field: str
    direction: Direction
    tolerance_pct: Annotated[float, Field(ge=0, le=100)] = 0
    prefix: Annotated[int | None, Field(ge=1)] = None
    order: list[str] | None = None

    @field_validator("field")
    @classmethod
    def _is_term(cls, value: str) -> str:
        """Only contract-term fields can be compared."""
        if value not in ContractTerms.model_fields:
            raise ValueError(f"{value!r} is not a contract-version field")
        return value

    @model_validator(mode="after")
    def _options_fit(self) -> FieldChange:
        """order only for ranked (and required there); prefix only for any-change-is-worse."""
        if (self.direction == "ranked") != (self.order is not None):
            raise ValueError("order is required for, and only allowed with, direction ranked")
        if self.prefix is not None and self.direction != "any-change-is-worse":
            raise ValueError("prefix is only allowed with any-change-is-worse")
        if self.tolerance_pct and self.direction not in ("lower-is-worse", "higher-is-worse"):
            raise ValueError("tolerance_pct is only allowed with lower-is-worse or higher-is-worse")
        return self


def is_worse(change: FieldChange, prev: Any, cur: Any) -> bool:
    """True when moving from ``prev`` to ``cur`` is to the worker's prejudice (a null ``prev`` never is)."""
    if prev is None:
        return False
    tol = change.tolerance_pct / 100
    if change.direction == "lower-is-worse":
        return (cur or 0) < prev * (1 - tol)
    if change.direction == "higher-is-worse":
        return cur is not None and cur > prev * (1 + tol)
    if change.direction == "any-change-is-worse":
        if cur is None:
            return True
        return str(cur)[: change.prefix] != str(prev)[: change.prefix] if change.prefix else cur != prev
    if change.direction == "true-to-false-is-worse":
        return prev is True and cur is not True
    if change.direction == "new-items-are-worse":
        return bool(set(cur or []) - set(prev))
    order = change.order or []
    if cur not in order or prev not in order:
        return False
    return order.index(cur) > order.index(prev)


class VersionChangeParams(Params):
    """The fields compared and the direction that counts as unfavourable for each."""

    fields: Annotated[list[FieldChange], Field(min_length=1)]


@register
class VersionUnfavourableChange(CheckType):
    """``version-unfavourable-change``: contract substitution. Favourable changes pass."""

    key = "version-unfavourable-change"
    params_model = VersionChangeParams
    subjects = frozenset({"contract_version"})

    def evaluate(self, subject: dict[str, Any], params: VersionChangeParams, *, on: date) -> Verdict:
        """Fail when any listed field changed to the worker's prejudice; no previous version → n/a."""
        previous, version = subject.get("previous"), subject["version"]
        if previous is None:
            return not_applicable({"previous": None})
        evidence: dict[str, Any] = {}
        worse: list[str] = []
        for change in params.fields:
            prev, cur = previous.get(change.field), version.get(change.field)
            evidence[f"previous.{change.field}"] = prev
            evidence[f"version.{change.field}"] = cur
            if is_worse(change, prev, cur):
                worse.append(change.field)
        evidence["worse_fields"] = worse
        evidence["changes"] = "; ".join(
            f"{name}: {evidence[f'previous.{name}']} → {evidence[f'version.{name}']}" for name in worse
        )
        return failed(evidence) if worse else passed(evidence)

    def field_paths(self, params: VersionChangeParams) -> list[str]:
        """Both sides of every compared field."""
        return [f"{side}.{c.field}" for c in params.fields for side in ("previous", "version")]

    def evidence_keys(self, params: VersionChangeParams) -> set[str]:
        """The list of worsened fields and a readable summary."""
        return {"worse_fields", "changes"}


class AllowanceFloor(Params):
    """An allowance that must reach ``min_minor`` (wage currency) unless ``unless_true`` is true."""

    field: Path
    min_minor: Annotated[int, Field(ge=0)]
    unless_true: Path | None = None


class FloorRule(EffectiveRule):
    """A wage floor in force between two dates, with optional allowance floors."""

    floor: Money
    allowances: list[AllowanceFloor] = []


class WageFloorParams(Params):
    """Monthly basic wage (and allowances) must reach the floor in force on the judging date."""

    rules: Annotated[list[FloorRule], Field(min_length=1)]
    wage_field: Path = "version.basic_wage_minor"
    currency_field: Path = "version.wage_currency"
    usd_field: Path = "version.basic_wage_usd_minor"
    period_field: Path = "version.wage_period"

    @field_validator("rules")
    @classmethod
    def _no_overlap(cls, rules: list[FloorRule]) -> list[FloorRule]:
        """At most one rule may be in force on any day."""
        check_no_overlap(rules)
        return rules


@register
class WageFloor(CheckType):
    """``wage-floor``: minimum wage (QA QAR 1,000 + 300 food + 500 housing; PH HSW US$500)."""

    key = "wage-floor"
    params_model = WageFloorParams
    subjects = frozenset({"contract_version", "fee_payment"})

    def evaluate(self, subject: dict[str, Any], params: WageFloorParams, *, on: date) -> Verdict:
        """Compare in the floor's currency: the wage's own when equal, else the USD equivalent for USD floors."""
        rule = rule_in_force(params.rules, on)
        currency = resolve(subject, params.currency_field)
        evidence: dict[str, Any] = {"judged_on": on, params.currency_field: currency}
        if rule is None:
            return not_applicable(evidence)
        floor = rule.floor
        evidence.update(floor_minor=floor.amount_minor, floor_display=format_money(floor.amount_minor, floor.currency))
        if resolve(subject, params.period_field) not in (None, "month"):
            evidence["reason"] = "wage is not monthly"
            return not_applicable(evidence)
        if currency == floor.currency:
            wage = resolve(subject, params.wage_field)
        elif floor.currency == "USD" and not rule.allowances:
            wage = resolve(subject, params.usd_field)
        else:
            evidence["reason"] = "wage currency differs from the floor currency"
            return not_applicable(evidence)
        evidence.update(wage_minor=wage, wage_display=format_money(wage, floor.currency))
        if wage is None:
            return not_applicable(evidence)
        shortfalls = ["basic wage"] if wage < floor.amount_minor else []
        for allowance in rule.allowances:
            amount = resolve(subject, allowance.field)
            evidence[allowance.field] = amount
            if allowance.unless_true:
                provided = resolve(subject, allowance.unless_true)
                evidence[allowance.unless_true] = provided
                if provided is True:
                    continue
            if (amount or 0) < allowance.min_minor:
                shortfalls.append(allowance.field.rsplit(".", 1)[-1])
        evidence["shortfalls"] = ", ".join(shortfalls)
        return failed(evidence) if shortfalls else passed(evidence)

    def field_paths(self, params: WageFloorParams) -> list[str]:
        """Wage, currency, period and allowance fields."""
        paths = [params.wage_field, params.currency_field, params.usd_field, params.period_field]
        for rule in params.rules:
            for allowance in rule.allowances:
                paths += [allowance.field] + ([allowance.unless_true] if allowance.unless_true else [])
        return paths

    def evidence_keys(self, params: WageFloorParams) -> set[str]:
        """Computed keys for messages."""
        return {"judged_on", "floor_minor", "floor_display", "wage_minor", "wage_display", "shortfalls", "reason"}
