"""Money values and effective-dated rules (caps and floors that change over time).

A rule carries ``valid_from``/``valid_to`` (inclusive; either may be open). The rule in force on
the subject's judging date is used; when none is in force the criterion is not applicable.
Rules of one criterion must not overlap, so at most one is ever in force.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, TypeVar

from pydantic import Field, model_validator

from recruitment_watch.checks.registry import Params

EvidenceTag = Literal["SEEN", "RECALLED", "INFERRED"]
# ISO 4217 minor-unit exponents that differ from 2 (used only to display amounts).
R = TypeVar("R", bound="EffectiveRule")
_EXPONENTS = {"BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "IQD": 3, "LYD": 3, "TND": 3, "JPY": 0, "KRW": 0}


class Money(Params):
    """An amount in integer minor units with its ISO currency."""

    amount_minor: Annotated[int, Field(ge=0)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class EffectiveRule(Params):
    """Base of an effective-dated rule; subclasses add the cap or floor."""

    valid_from: date | None = None
    valid_to: date | None = None
    evidence_tag: EvidenceTag | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> EffectiveRule:
        """valid_from must not be after valid_to."""
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from is after valid_to")
        return self

    def in_force(self, on: date) -> bool:
        """True when ``on`` lies within [valid_from, valid_to]."""
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


def check_no_overlap(rules: list[EffectiveRule]) -> None:
    """Raise ValueError when two rules could be in force on the same day."""
    spans = sorted(rules, key=lambda r: r.valid_from or date.min)
    for earlier, later in zip(spans, spans[1:], strict=False):
        end = earlier.valid_to or date.max
        start = later.valid_from or date.min
        if start <= end:
            raise ValueError(f"rules overlap: one in force until {earlier.valid_to}, next from {later.valid_from}")


def rule_in_force(rules: list[R], on: date) -> R | None:
    """The rule in force on ``on``, or None."""
    return next((rule for rule in rules if rule.in_force(on)), None)


def format_money(amount_minor: int | float | None, currency: str | None) -> str:
    """Display an amount in major units, e.g. ``QAR 1,000.00``."""
    if amount_minor is None:
        return "?"
    exponent = _EXPONENTS.get(currency or "", 2)
    major = amount_minor / (10**exponent)
    return f"{currency or ''} {major:,.{exponent}f}".strip()
