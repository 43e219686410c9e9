"""Compile a criterion (check type + ``applies_when``) to a SQL verdict and evidence over flat-row columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, not_

from recruitment_watch.checks.loader import PLACEHOLDER
from recruitment_watch.checks.packs import Criterion
from recruitment_watch.checks_sql.conditions import compile_condition
from recruitment_watch.checks_sql.context import Context
from recruitment_watch.checks_sql.dialect import Dialect
from recruitment_watch.checks_sql.schema import path_info
from recruitment_watch.checks_sql.verdicts import NOT_APPLICABLE, code, sql_check_for


@dataclass(frozen=True)
class CompiledCriterion:
    """A criterion as SQL.

    ``verdict`` yields 0 passed, 1 failed, 2 not applicable. ``evidence`` maps a name to the SQL value a failing
    row needs for ``render_finding``: raw subject leaves under their dotted path, computed values under ``=name``;
    ``kinds`` says how each decodes.
    """

    criterion: Criterion
    verdict: ColumnElement
    evidence: dict[str, ColumnElement]
    kinds: dict[str, str]


def compile_criterion(
    criterion: Criterion,
    columns: Mapping[str, ColumnElement],
    *,
    on: date,
    now: datetime,
    dialect_name: str,
) -> CompiledCriterion:
    """Compile ``criterion`` over ``columns`` (flat-row column name → SQL column), judged as of ``on``/``now``.

    ``on`` is the evaluation date (the judging date of agencies and of undated contracts); ``now`` the moment
    complaint clocks run to. Raises ``NotCompilable`` naming the criterion and the reason.
    """
    spec = criterion.spec
    ctx = Context(spec.subject, columns, on=on, now=now, dialect=Dialect(dialect_name))
    ctx.criterion_id = spec.id
    check = sql_check_for(ctx, spec.check).compile(ctx, criterion.params)
    verdict = check.verdict
    if spec.applies_when is not None:
        verdict = case((not_(compile_condition(ctx, spec.applies_when)), code("not_applicable")), else_=verdict)
    evidence = check.evidence
    for name in PLACEHOLDER.findall(spec.message):
        if path_info(spec.subject, name) is not None:
            evidence.path(ctx, name)
    return CompiledCriterion(criterion, verdict, dict(evidence.exprs), dict(evidence.kinds))


def compile_all(
    criteria: list[Criterion], columns: Mapping[str, ColumnElement], *, on: date, now: datetime, dialect_name: str
) -> list[CompiledCriterion]:
    """Compile each criterion (all must compile)."""
    return [compile_criterion(c, columns, on=on, now=now, dialect_name=dialect_name) for c in criteria]


def is_not_applicable(value: Any) -> bool:
    """True for the not-applicable code."""
    return int(value) == NOT_APPLICABLE
