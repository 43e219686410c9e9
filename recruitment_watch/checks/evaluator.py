"""The pure Python evaluator: judge one subject against loaded packs.

``evaluate_subject`` is the live preview an agency sees before submitting a contract, and what the
tests replay for every example. It returns *would-be findings*: what a sweep would record, with the
pack id, version and digest the verdict was reached under.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from recruitment_watch.checks.conditions import resolve
from recruitment_watch.checks.loader import PLACEHOLDER
from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks.registry import Verdict, not_applicable
from recruitment_watch.checks.subjects import jsonable, judging_date, normalise_subject


@dataclass(frozen=True)
class WouldBeFinding:
    """A failed criterion for one subject, snapshotting the pack it was judged by."""

    criterion_id: str
    pack_id: str
    pack_version: str
    pack_digest: str
    subject_type: str
    severity: str
    title: str
    message: str
    citation: dict[str, str]
    evidence_tag: str
    remediation: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Judgement:
    """Any outcome (passed, failed or not applicable) of one criterion, for previews that show all."""

    pack: Pack
    criterion: Criterion
    verdict: Verdict


def render_message(template: str, evidence: dict[str, Any], subject: dict[str, Any]) -> str:
    """Fill ``{name}`` placeholders from evidence, then from the subject; null values read ``(not recorded)``."""
    return PLACEHOLDER.sub(lambda match: placeholder_text(match.group(1), evidence, subject), template)


def placeholder_text(name: str, evidence: dict[str, Any], subject: dict[str, Any]) -> str:
    """What placeholder ``{name}`` of a message reads for this evidence and subject."""
    value = evidence[name] if name in evidence else resolve(subject, name)
    if value is None:
        return "(not recorded)"
    if isinstance(value, list | tuple | set):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def judge(criterion: Criterion, subject: dict[str, Any], *, on: date) -> Verdict:
    """Apply the criterion's ``applies_when`` precondition, then its check type."""
    precondition = criterion.spec.applies_when
    if precondition is not None:
        evidence: dict[str, Any] = {}
        if not precondition.holds(subject, evidence):
            return not_applicable({"applies_when": False, **evidence})
    return criterion.check.evaluate(subject, criterion.params, on=on)


def prepare_subject(
    subject_type: str, subject: dict[str, Any], *, now: datetime | None = None, validate: bool = True
) -> dict[str, Any]:
    """Normalise a subject (dates parsed, shape checked); complaints get ``now`` when given or missing."""
    data = dict(subject)
    if subject_type == "complaint" and (now is not None or data.get("now") is None):
        data["now"] = now or datetime.now(UTC)
    return normalise_subject(subject_type, data) if validate else data


def judge_subject(
    packs: list[Pack],
    subject_type: str,
    subject: dict[str, Any],
    *,
    on: date | None = None,
    now: datetime | None = None,
    validate: bool = True,
) -> list[Judgement]:
    """Every criterion for ``subject_type`` in ``packs``, with its outcome, in pack then criterion order.

    ``on`` is the evaluation date (default today, UTC); rules are judged on the subject's judging
    date (contract signing date, payment date), falling back to ``on``.
    """
    data = prepare_subject(subject_type, subject, now=now, validate=validate)
    when = judging_date(subject_type, data, on or datetime.now(UTC).date())
    results = []
    for pack in packs:
        for criterion in pack.criteria:
            if criterion.spec.subject == subject_type:
                results.append(Judgement(pack, criterion, judge(criterion, data, on=when)))
    return results


def to_finding(judgement: Judgement, subject: dict[str, Any]) -> WouldBeFinding:
    """The would-be finding for a failed judgement."""
    pack, spec, verdict = judgement.pack, judgement.criterion.spec, judgement.verdict
    return WouldBeFinding(
        criterion_id=spec.id,
        pack_id=pack.id,
        pack_version=pack.version,
        pack_digest=pack.digest,
        subject_type=spec.subject,
        severity=spec.severity,
        title=spec.title,
        message=render_message(spec.message, verdict.evidence, subject),
        citation={"instrument": spec.citation.instrument, "article": spec.citation.article},
        evidence_tag=spec.evidence_tag,
        remediation=spec.remediation,
        evidence=jsonable(verdict.evidence),
    )


def evaluate_subject(
    packs: list[Pack],
    subject_type: str,
    subject: dict[str, Any],
    *,
    on: date | None = None,
    now: datetime | None = None,
    validate: bool = True,
) -> list[WouldBeFinding]:
    """The findings a sweep would record for ``subject`` (only failed criteria)."""
    data = prepare_subject(subject_type, subject, now=now, validate=validate)
    judgements = judge_subject(packs, subject_type, data, on=on, validate=False)
    return [to_finding(j, data) for j in judgements if j.verdict.failed]
