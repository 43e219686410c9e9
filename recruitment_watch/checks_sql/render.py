"""Turn a failing row's evidence columns into the finding message and evidence the Python evaluator produces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from recruitment_watch.checks.evaluator import placeholder_text, render_message
from recruitment_watch.checks.loader import PLACEHOLDER
from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks.subjects import jsonable
from recruitment_watch.checks_sql.compiler import CompiledCriterion
from recruitment_watch.checks_sql.flat import decode_value
from recruitment_watch.checks_sql.schema import path_info
from recruitment_watch.checks_sql.verdicts import SQL_CHECKS

_PLAIN = (str, int, float, bool, type(None))


def render_finding(
    criterion: Criterion | CompiledCriterion, pack: Pack | None, row: Mapping[str, Any]
) -> tuple[str, dict]:
    """``(message, evidence)`` of a failing row, as ``evaluate_subject`` words them, without re-judging.

    ``row`` maps the compiled criterion's evidence names to the values SQL returned for them (``Sweep.findings``
    does this for sweep rows); ``criterion`` may be the compiled criterion or, when ``row`` already holds decoded
    values, the plain one. ``pack`` is accepted for symmetry with findings (its id/version/digest are the caller's).
    Rendering many rows of one criterion: build a ``FindingRenderer`` once instead.
    """
    if isinstance(criterion, CompiledCriterion):
        renderer = FindingRenderer(criterion)
        return renderer.render([row.get(name) for name in renderer.names])
    spec = criterion.spec
    values = dict(row)
    subject = _sparse_subject(spec.subject, values)
    evidence = SQL_CHECKS[spec.check].evidence(criterion.params, values, subject)
    return render_message(spec.message, evidence, subject), jsonable(evidence)


class FindingRenderer:
    """``render_finding`` for one compiled criterion with the per-row work planned once (a sweep words millions).

    ``render`` takes the raw evidence values in ``names`` order and returns exactly what ``render_finding`` does.
    """

    def __init__(self, compiled: CompiledCriterion):
        spec = compiled.criterion.spec
        self.names: tuple[str, ...] = tuple(compiled.evidence)
        self._kinds = tuple(compiled.kinds[name] for name in self.names)
        self._is_complaint = spec.subject == "complaint"
        self._placements = _placements(spec.subject, self.names)
        self._evidence = SQL_CHECKS[spec.check].evidence
        self._params = compiled.criterion.params
        self._template = PLACEHOLDER.split(spec.message)  # literal, name, literal, name, …, literal

    def render(self, raw: Sequence[Any]) -> tuple[str, dict]:
        pairs = zip(self.names, self._kinds, raw, strict=True)
        values = {name: decode_value(kind, value) for name, kind, value in pairs}
        subject = _placed(self._placements, values, self._is_complaint)
        evidence = self._evidence(self._params, values, subject)
        return self._message(evidence, subject), _jsonable_evidence(evidence)

    def _message(self, evidence: dict[str, Any], subject: dict[str, Any]) -> str:
        """``render_message`` over the template split once at its placeholders."""
        parts = self._template
        out = [parts[0]]
        for at in range(1, len(parts), 2):
            out.append(placeholder_text(parts[at], evidence, subject))
            out.append(parts[at + 1])
        return "".join(out)


def _jsonable_evidence(evidence: dict[str, Any]) -> dict[str, Any]:
    """``jsonable(evidence)`` without the generic walk when values are JSON scalars or lists of them (most rows)."""
    safe: dict[str, Any] = {}
    for key, value in evidence.items():
        if type(key) is not str:
            return jsonable(evidence)
        if isinstance(value, _PLAIN):
            safe[key] = value
        elif type(value) is list and all(isinstance(item, _PLAIN) for item in value):
            safe[key] = list(value)
        else:
            return jsonable(evidence)
    return safe


def _is_dict(subject_type: str, path: str) -> bool:
    info = path_info(subject_type, path)
    return info is not None and info.kind == "dict"


def _sparse_subject(subject_type: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the leaves a failing criterion's evidence holds, nested like the subject (missing paths read as null).

    A sweep renders every new finding this way, so it must not walk every path of the subject (``unflatten``
    does, and costs ~20× more); evidence functions and message placeholders only read these leaves.
    """
    return _placed(_placements(subject_type, values), values, subject_type == "complaint")


def _placements(subject_type: str, names) -> list[tuple[str, tuple[str, ...], str, bool]]:
    """Where each subject leaf among ``names`` goes: (name, parent keys, leaf key, whether NULL means "absent" —
    the leaf is a key of an open dict). Computed values (``=name``) are not subject leaves."""
    placements = []
    for name in names:
        if name.startswith("="):
            continue
        *parents, leaf = name.split(".")
        placements.append((name, tuple(parents), leaf, bool(parents) and _is_dict(subject_type, ".".join(parents))))
    return placements


def _placed(placements, values: Mapping[str, Any], is_complaint: bool) -> dict[str, Any]:
    """The sparse subject: each leaf's value at its place (complaints also get the judging moment as ``now``)."""
    subject: dict[str, Any] = {}
    for name, parents, leaf, open_dict in placements:
        value = values[name]
        if value is None and open_dict:
            continue  # NULL in a dict column means the key is absent (as ``unflatten`` reads it)
        node = subject
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[leaf] = value
    if is_complaint:
        subject["now"] = values.get("=now")
    return subject
