"""Turn a failing row's evidence columns into the finding message and evidence the Python evaluator produces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recruitment_watch.checks.evaluator import render_message
from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks.subjects import jsonable
from recruitment_watch.checks_sql.compiler import CompiledCriterion
from recruitment_watch.checks_sql.flat import decode_value, unflatten
from recruitment_watch.checks_sql.schema import column_name
from recruitment_watch.checks_sql.verdicts import SQL_CHECKS


def decode_evidence(compiled: CompiledCriterion, row: Mapping[str, Any]) -> dict[str, Any]:
    """The evidence values of ``row`` (keyed like ``compiled.evidence``) decoded to Python values."""
    return {name: decode_value(compiled.kinds[name], row.get(name)) for name in compiled.evidence}


def render_finding(
    criterion: Criterion | CompiledCriterion, pack: Pack | None, row: Mapping[str, Any]
) -> tuple[str, dict]:
    """``(message, evidence)`` of a failing row, as ``evaluate_subject`` words them, without re-judging.

    ``row`` maps the compiled criterion's evidence names to the values SQL returned for them (``Sweep.findings``
    does this for sweep rows); ``criterion`` may be the compiled criterion or, when ``row`` already holds decoded
    values, the plain one. ``pack`` is accepted for symmetry with findings (its id/version/digest are the caller's).
    """
    if isinstance(criterion, CompiledCriterion):
        values = decode_evidence(criterion, row)
        criterion = criterion.criterion
    else:
        values = dict(row)
    spec = criterion.spec
    leaves = {column_name(name): value for name, value in values.items() if not name.startswith("=")}
    subject = unflatten(spec.subject, _encoded(leaves), now=values.get("=now"))
    evidence = SQL_CHECKS[spec.check].evidence(criterion.params, values, subject)
    return render_message(spec.message, evidence, subject), jsonable(evidence)


def _encoded(leaves: dict[str, Any]) -> dict[str, Any]:
    """Decoded leaf values back in column form for ``unflatten`` (lists re-encoded)."""
    from recruitment_watch.checks_sql.flat import encode_list

    return {name: encode_list(value) if isinstance(value, list) else value for name, value in leaves.items()}
