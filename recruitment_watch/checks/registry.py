"""The check-type registry: kebab-case key → class with a strict params model.

A check type is declarative: its params say *what* to compare (dotted field paths, lists,
thresholds) and never contain code, so the set-based backend can compile the same params to SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

Outcome = Literal["passed", "failed", "not_applicable"]


@dataclass(frozen=True)
class Verdict:
    """The result of judging one subject: outcome plus the field values that decided it."""

    outcome: Outcome
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """True when the subject breaches the criterion."""
        return self.outcome == "failed"


def passed(evidence: dict[str, Any] | None = None) -> Verdict:
    """A passing verdict."""
    return Verdict("passed", evidence or {})


def failed(evidence: dict[str, Any] | None = None) -> Verdict:
    """A failing verdict."""
    return Verdict("failed", evidence or {})


def not_applicable(evidence: dict[str, Any] | None = None) -> Verdict:
    """The criterion does not apply to this subject (precondition false, no rule in force, no data)."""
    return Verdict("not_applicable", evidence or {})


class Params(BaseModel):
    """Base for every check type's params model: strict, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckType:
    """Base class of check types. Subclasses set ``key``, ``params_model`` and ``subjects``."""

    key: ClassVar[str]
    params_model: ClassVar[type[Params]]
    subjects: ClassVar[frozenset[str]]

    def evaluate(self, subject: dict[str, Any], params: Any, *, on: date) -> Verdict:
        """Judge ``subject`` (a normalised subject dict) on judging date ``on``."""
        raise NotImplementedError

    def field_paths(self, params: Any) -> list[str]:
        """Subject fields the params reference (checked against the subject schema at load time)."""
        return []

    def evidence_keys(self, params: Any) -> set[str]:
        """Computed evidence keys (beyond field paths) a message template may use."""
        return set()

    def subject_problem(self, params: Any, subject_type: str) -> str | None:
        """A reason these params cannot judge ``subject_type`` (checked at load time), or None."""
        return None


_REGISTRY: dict[str, CheckType] = {}
C = TypeVar("C", bound=type[CheckType])


def register(cls: C) -> C:
    """Class decorator adding a check type to the registry under its ``key``."""
    if cls.key in _REGISTRY:
        raise ValueError(f"check type {cls.key!r} registered twice")
    _REGISTRY[cls.key] = cls()
    return cls


def get_check(key: str) -> CheckType | None:
    """The check type registered under ``key``, or None."""
    _ensure_loaded()
    return _REGISTRY.get(key)


def check_keys() -> list[str]:
    """All registered keys, sorted."""
    _ensure_loaded()
    return sorted(_REGISTRY)


def _ensure_loaded() -> None:
    """Import the modules that register the built-in check types (once)."""
    from recruitment_watch.checks import types_basic, types_contract, types_fees, types_time  # noqa: F401
