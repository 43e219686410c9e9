"""Generic check types: field conditions, date order, age and ratios."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from recruitment_watch.checks.conditions import FIELD_PATTERN, Condition, resolve
from recruitment_watch.checks.registry import CheckType, Params, Verdict, failed, not_applicable, passed, register
from recruitment_watch.checks.subjects import SUBJECT_TYPES

Path = Annotated[str, Field(pattern=FIELD_PATTERN)]
Missing = Literal["not_applicable", "fail"]
ALL_SUBJECTS = frozenset(SUBJECT_TYPES)


def as_date(value: Any) -> date | None:
    """A date from a date, an aware datetime (its UTC date) or an ISO string; else None."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return None


def _missing(policy: Missing, evidence: dict[str, Any]) -> Verdict:
    """Verdict for a subject lacking a value the check needs."""
    return failed(evidence) if policy == "fail" else not_applicable(evidence)


class FieldConditionParams(Params):
    """Exactly one of ``require`` (pass when it holds) or ``forbid`` (fail when it holds)."""

    require: Condition | None = None
    forbid: Condition | None = None

    @model_validator(mode="after")
    def _one_of(self) -> FieldConditionParams:
        """require and forbid are mutually exclusive and one is needed."""
        if (self.require is None) == (self.forbid is None):
            raise ValueError("give exactly one of require or forbid")
        return self


@register
class FieldCondition(CheckType):
    """``field-condition``: all/any/not over field comparisons."""

    key = "field-condition"
    params_model = FieldConditionParams
    subjects = ALL_SUBJECTS

    def evaluate(self, subject: dict[str, Any], params: FieldConditionParams, *, on: date) -> Verdict:
        """Pass when ``require`` holds / fail when ``forbid`` holds."""
        evidence: dict[str, Any] = {}
        if params.require is not None:
            return passed(evidence) if params.require.holds(subject, evidence) else failed(evidence)
        assert params.forbid is not None
        return failed(evidence) if params.forbid.holds(subject, evidence) else passed(evidence)

    def field_paths(self, params: FieldConditionParams) -> list[str]:
        """Fields the condition reads."""
        cond = params.require if params.require is not None else params.forbid
        return cond.paths() if cond is not None else []


class DateOrderParams(Params):
    """``later`` must fall at least ``min_days`` (and at most ``max_days``) after ``earlier``.

    Omit ``earlier`` or ``later`` to use the judging date (e.g. licence expiry ≥ 60 days ahead).
    """

    earlier: Path | None = None
    later: Path | None = None
    min_days: int = 0
    max_days: int | None = None
    missing: Missing = "not_applicable"

    @model_validator(mode="after")
    def _one_field(self) -> DateOrderParams:
        """At least one side must be a field."""
        if self.earlier is None and self.later is None:
            raise ValueError("give earlier, later or both")
        return self


@register
class DateOrder(CheckType):
    """``date-order``: one date must come N days before another (e.g. signing before departure)."""

    key = "date-order"
    params_model = DateOrderParams
    subjects = ALL_SUBJECTS

    def evaluate(self, subject: dict[str, Any], params: DateOrderParams, *, on: date) -> Verdict:
        """Compare the whole days between the two dates with the bounds."""
        earlier = as_date(resolve(subject, params.earlier)) if params.earlier else on
        later = as_date(resolve(subject, params.later)) if params.later else on
        evidence: dict[str, Any] = {params.earlier or "judged_on": earlier, params.later or "judged_on": later}
        if earlier is None or later is None:
            return _missing(params.missing, evidence)
        days = (later - earlier).days
        evidence["days_between"] = days
        too_late = params.max_days is not None and days > params.max_days
        return failed(evidence) if days < params.min_days or too_late else passed(evidence)

    def field_paths(self, params: DateOrderParams) -> list[str]:
        """The date fields (one side may be the judging date)."""
        return [path for path in (params.earlier, params.later) if path]

    def evidence_keys(self, params: DateOrderParams) -> set[str]:
        """Whole days between the dates, and the judging date."""
        return {"days_between", "judged_on"}


class AgeAtLeastParams(Params):
    """The person born on ``birth`` is at least ``min_years`` old on ``at`` (default: judging date)."""

    birth: Path
    at: Path | None = None
    min_years: Annotated[int, Field(ge=0, le=120)]
    missing: Missing = "not_applicable"


def age_on(birth: date, on: date) -> int:
    """Completed years between ``birth`` and ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@register
class AgeAtLeast(CheckType):
    """``age-at-least``: minimum age on the recruitment date (IRIS A.3, PH HSW 23 …)."""

    key = "age-at-least"
    params_model = AgeAtLeastParams
    subjects = ALL_SUBJECTS

    def evaluate(self, subject: dict[str, Any], params: AgeAtLeastParams, *, on: date) -> Verdict:
        """Fail when the completed age is below ``min_years``."""
        birth = as_date(resolve(subject, params.birth))
        at = as_date(resolve(subject, params.at)) if params.at else on
        evidence: dict[str, Any] = {params.birth: birth, "age_on": at}
        if birth is None or at is None:
            return _missing(params.missing, evidence)
        evidence["age_years"] = age_on(birth, at)
        return failed(evidence) if evidence["age_years"] < params.min_years else passed(evidence)

    def field_paths(self, params: AgeAtLeastParams) -> list[str]:
        """Birth date and the optional reference date."""
        return [params.birth] + ([params.at] if params.at else [])

    def evidence_keys(self, params: AgeAtLeastParams) -> set[str]:
        """The computed age and the date it was computed on."""
        return {"age_years", "age_on"}


class RatioThresholdParams(Params):
    """Fail when ``numerator`` ÷ ``denominator`` exceeds ``max``; small denominators are not judged."""

    numerator: Path
    denominator: Path
    max: Annotated[float, Field(ge=0)]
    min_denominator: Annotated[int, Field(ge=1)] = 1


@register
class RatioThreshold(CheckType):
    """``ratio-threshold``: fee burden (fees ÷ monthly wage), complaint rate (complaints ÷ deployments)."""

    key = "ratio-threshold"
    params_model = RatioThresholdParams
    subjects = ALL_SUBJECTS

    def evaluate(self, subject: dict[str, Any], params: RatioThresholdParams, *, on: date) -> Verdict:
        """Compare the ratio with ``max``; a null numerator counts as 0, a null or small denominator is n/a."""
        numerator = resolve(subject, params.numerator) or 0
        denominator = resolve(subject, params.denominator)
        evidence: dict[str, Any] = {params.numerator: numerator, params.denominator: denominator, "max": params.max}
        if denominator is None or denominator < params.min_denominator:
            return not_applicable(evidence)
        ratio = numerator / denominator
        evidence["ratio"] = round(ratio, 4)
        return failed(evidence) if ratio > params.max else passed(evidence)

    def field_paths(self, params: RatioThresholdParams) -> list[str]:
        """Numerator and denominator fields."""
        return [params.numerator, params.denominator]

    def evidence_keys(self, params: RatioThresholdParams) -> set[str]:
        """The ratio and its limit."""
        return {"ratio", "max"}
