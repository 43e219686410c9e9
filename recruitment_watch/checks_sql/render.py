"""Turn a failing row's evidence columns into the finding message and evidence the Python evaluator produces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recruitment_watch.checks.evaluator import render_message
from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks.subjects import jsonable
from recruitment_watch.checks_sql.compiler import CompiledCriterion
from recruitment_watch.checks_sql.flat import decode_value
from recruitment_watch.checks_sql.schema import path_info
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
    subject = _sparse_subject(spec.subject, values)
    evidence = SQL_CHECKS[spec.check].evidence(criterion.params, values, subject)
    return render_message(spec.message, evidence, subject), jsonable(evidence)


def _is_dict(subject_type: str, path: str) -> bool:
    info = path_info(subject_type, path)
    return info is not None and info.kind == "dict"


def _sparse_subject(subject_type: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the leaves a failing criterion's evidence holds, nested like the subject (missing paths read as null).

    A sweep renders every new finding this way, so it must not walk every path of the subject (``unflatten``
    does, and costs ~20× more); evidence functions and message placeholders only read these leaves.
    """
    subject: dict[str, Any] = {}
    for name, value in values.items():
        if name.startswith("="):
            continue
        *parents, leaf = name.split(".")
        if value is None and parents and _is_dict(subject_type, ".".join(parents)):
            continue  # NULL in a dict column means the key is absent (as ``unflatten`` reads it)
        node = subject
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[leaf] = value
    if subject_type == "complaint":
        subject["now"] = values.get("=now")
    return subject


def _encoded(leaves: dict[str, Any]) -> dict[str, Any]:
    """Decoded leaf values back in column form for ``unflatten`` (lists re-encoded)."""
    from recruitment_watch.checks_sql.flat import encode_list

    return {name: encode_list(value) if isinstance(value, list) else value for name, value in leaves.items()}
