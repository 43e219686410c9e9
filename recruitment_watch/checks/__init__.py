"""The criteria engine: pack loading, the check-type registry and the pure Python evaluator.

Imports only the standard library, pydantic and PyYAML (a test enforces this). Typical use::

    packs = load_packs(Path("audits"))
    findings = evaluate_subject(packs, "contract_version", subject)
"""

from recruitment_watch.checks.errors import PackIssue, PackLoadError, SubjectError
from recruitment_watch.checks.evaluator import Judgement, WouldBeFinding, evaluate_subject, judge, judge_subject
from recruitment_watch.checks.loader import load_packs
from recruitment_watch.checks.packs import Criterion, Example, Pack
from recruitment_watch.checks.registry import CheckType, Verdict, check_keys, get_check
from recruitment_watch.checks.risk import RiskScore, RiskWeights, score_agency
from recruitment_watch.checks.subjects import SUBJECT_MODELS, SUBJECT_TYPES, judging_date, normalise_subject

__all__ = [
    "SUBJECT_MODELS",
    "SUBJECT_TYPES",
    "CheckType",
    "Criterion",
    "Example",
    "Judgement",
    "Pack",
    "PackIssue",
    "PackLoadError",
    "RiskScore",
    "RiskWeights",
    "SubjectError",
    "Verdict",
    "WouldBeFinding",
    "check_keys",
    "evaluate_subject",
    "get_check",
    "judge",
    "judge_subject",
    "judging_date",
    "load_packs",
    "normalise_subject",
    "score_agency",
]
