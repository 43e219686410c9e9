"""The set-based backend: the same criteria compiled to SQLAlchemy Core, judged over flat rows in SQL.

Imports only ``recruitment_watch.checks`` and SQLAlchemy. See ``docs/criteria-sql.md``::

    compiled = compile_criterion(criterion, table.c, on=today, now=now, dialect_name="sqlite")
    sweep = build_sweep("contract_version", criteria, table, on=today, now=now, dialect_name="sqlite")
"""

from recruitment_watch.checks_sql.compiler import CompiledCriterion, compile_criterion
from recruitment_watch.checks_sql.context import NotCompilable
from recruitment_watch.checks_sql.flat import flat_columns, flat_table, flatten, unflatten
from recruitment_watch.checks_sql.render import render_finding
from recruitment_watch.checks_sql.sweep import Sweep, build_sweep
from recruitment_watch.checks_sql.verdicts import FAILED, NOT_APPLICABLE, OUTCOMES, PASSED, outcome_of

__all__ = [
    "FAILED",
    "NOT_APPLICABLE",
    "OUTCOMES",
    "PASSED",
    "CompiledCriterion",
    "NotCompilable",
    "Sweep",
    "build_sweep",
    "compile_criterion",
    "flat_columns",
    "flat_table",
    "flatten",
    "outcome_of",
    "render_finding",
    "unflatten",
]
