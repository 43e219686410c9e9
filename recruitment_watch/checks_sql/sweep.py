"""One pass over a flat-row source judging every criterion of a subject type.

Shape (``only_failing=True``, the default)::

    SELECT subject_id, agency_id, judging_date, v0 … vN, e0_0 … eN_M
    FROM (SELECT <source>.*, <verdict CASE 0> AS v0, … FROM <source> LIMIT -1 OFFSET 0) AS judged
    WHERE v0 = 1 OR v1 = 1 …

One row per subject that fails at least one criterion; ``v<i>`` is criterion i's verdict code (0 passed, 1 failed,
2 not applicable), ``e<i>_<j>`` its evidence values, NULL unless that criterion failed. The ``OFFSET 0`` keeps both
engines from inlining the subquery, so each verdict is computed once per row and evidence only for failing
rows. Stream it with ``execution_options(yield_per=…)`` and turn rows into findings with ``Sweep.findings``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import FromClause, Select, case, or_, select

from recruitment_watch.checks.packs import Criterion
from recruitment_watch.checks_sql.compiler import CompiledCriterion, compile_all
from recruitment_watch.checks_sql.render import render_finding
from recruitment_watch.checks_sql.verdicts import FAILED, outcome_of

KEY_COLUMNS = ("subject_id", "agency_id", "judging_date")


@dataclass(frozen=True)
class Sweep:
    """The sweep SELECT plus what is needed to read its rows back."""

    select: Select
    compiled: tuple[CompiledCriterion, ...]
    labels: tuple[dict[str, str], ...]  # per criterion: evidence name → result column label

    def verdicts(self, row: Mapping[str, Any]) -> dict[str, str]:
        """Criterion id → outcome for one result row (``row`` is a ``RowMapping``)."""
        return {c.criterion.id: outcome_of(row[f"v{i}"]) for i, c in enumerate(self.compiled)}

    def findings(self, row: Mapping[str, Any]) -> Iterator[tuple[Criterion, str, dict[str, Any]]]:
        """``(criterion, message, evidence)`` for every criterion the row fails."""
        for index, compiled in enumerate(self.compiled):
            if row[f"v{index}"] == FAILED:
                values = {name: row[label] for name, label in self.labels[index].items()}
                message, evidence = render_finding(compiled, None, values)
                yield compiled.criterion, message, evidence


def build_sweep(
    subject_type: str,
    criteria: list[Criterion],
    source: FromClause | Select,
    *,
    on: date,
    now: datetime,
    dialect_name: str,
    only_failing: bool = True,
    with_evidence: bool = True,
) -> Sweep:
    """The single-scan sweep of ``criteria`` (those judging ``subject_type``) over ``source``'s flat rows.

    ``only_failing=False`` returns every subject (to auto-resolve findings of subjects that now pass);
    ``with_evidence=False`` returns verdict codes only (about half the time on SQLite when many rows fail).
    """
    if isinstance(source, Select):
        source = source.subquery("subjects")
    chosen = [c for c in criteria if c.spec.subject == subject_type]
    options = {"on": on, "now": now, "dialect_name": dialect_name}
    verdicts = compile_all(chosen, source.c, **options)
    judged = (
        select(*source.c, *(c.verdict.label(f"v{i}") for i, c in enumerate(verdicts)))
        .select_from(source)
        .offset(0)
        .subquery("judged")
    )
    compiled = compile_all(chosen, judged.c, **options)
    columns = [judged.c[name] for name in KEY_COLUMNS if name in judged.c]
    columns += [judged.c[f"v{i}"] for i in range(len(compiled))]
    labels = []
    for i, crit in enumerate(compiled):
        failed = judged.c[f"v{i}"] == FAILED
        names = {name: f"e{i}_{j}" for j, name in enumerate(crit.evidence)} if with_evidence else {}
        columns += [case((failed, crit.evidence[name])).label(label) for name, label in names.items()]
        labels.append(names)
    query = select(*columns)
    if only_failing and compiled:
        query = query.where(or_(*(judged.c[f"v{i}"] == FAILED for i in range(len(compiled)))))
    return Sweep(query, tuple(compiled), tuple(labels))
