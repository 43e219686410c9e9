"""Field-level differences between consecutive versions of a contract, with the changes to the worker's prejudice
(contract substitution) marked.

What counts as worse is not decided here: every ``version-unfavourable-change`` criterion of the loaded packs (the
contract-substitution pack) is judged on the pair exactly as a sweep judges it (``checks.evaluator.judge``, with its
``applies_when``), and the fields it reports in ``worse_fields`` are the ones marked, with the criterion's id. A
field the packs do not list can change (shown as a change) but is never called a substitution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from recruitment_watch.checks.evaluator import judge
from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.checks.subjects import ContractTerms
from recruitment_watch.services.criteria.packs import active_packs
from recruitment_watch.services.criteria.subject_loader import terms_of

SUBSTITUTION_CHECK = "version-unfavourable-change"
# Every version has its own sequence number and stage: a difference there is the reason for the version, not a
# change of terms.
NOT_COMPARED = frozenset({"seq", "kind"})
COMPARED = tuple(name for name in ContractTerms.model_fields if name not in NOT_COMPARED)


class ChangeKind(StrEnum):
    added = "added"  # the earlier version had no value
    removed = "removed"  # the later version has no value
    changed = "changed"


@dataclass(frozen=True)
class FieldChange:
    """One term that differs: its value before and after, and the substitution criteria that call it worse."""

    field: str
    kind: ChangeKind
    old: Any
    new: Any
    worse_by: tuple[str, ...] = ()

    @property
    def worse(self) -> bool:
        """Whether the change is to the worker's prejudice (a substitution criterion counts it)."""
        return bool(self.worse_by)


@dataclass(frozen=True)
class VersionDiff:
    """What changed from version ``from_seq`` to version ``to_seq``."""

    from_seq: int
    from_kind: str
    to_seq: int
    to_kind: str
    changes: tuple[FieldChange, ...]

    @property
    def substitution(self) -> bool:
        """Whether any change is to the worker's prejudice."""
        return any(change.worse for change in self.changes)

    @property
    def worse_fields(self) -> list[str]:
        return [change.field for change in self.changes if change.worse]


def substitution_criteria(packs: Sequence[Pack] | None = None) -> list[Criterion]:
    """The criteria that judge a version against the one before it (the loaded packs by default)."""
    chosen = active_packs() if packs is None else packs
    return [criterion for pack in chosen for criterion in pack.criteria if criterion.spec.check == SUBSTITUTION_CHECK]


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple | set) and not value)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, list | tuple | set) or isinstance(new, list | tuple | set):
        return set(old or ()) == set(new or ())
    return old == new


def _kind_of(old: Any, new: Any) -> ChangeKind:
    if _empty(old):
        return ChangeKind.added
    if _empty(new):
        return ChangeKind.removed
    return ChangeKind.changed


def worse_fields(
    previous: Mapping[str, Any], version: Mapping[str, Any], criteria: Sequence[Criterion], *, on: date
) -> dict[str, list[str]]:
    """Per field, the ids of the substitution criteria that find the move from ``previous`` to ``version`` worse."""
    subject = {"previous": dict(previous), "version": dict(version)}
    found: dict[str, list[str]] = {}
    for criterion in criteria:
        verdict = judge(criterion, subject, on=on)
        if verdict.failed:
            for name in verdict.evidence.get("worse_fields", ()):
                found.setdefault(name, []).append(criterion.id)
    return found


def diff_terms(
    previous: Mapping[str, Any], version: Mapping[str, Any], criteria: Sequence[Criterion], *, on: date
) -> VersionDiff:
    """The difference between two versions' terms (as ``subject_loader.terms_of`` gives them)."""
    worse = worse_fields(previous, version, criteria, on=on)
    changes = tuple(
        FieldChange(
            name,
            _kind_of(previous.get(name), version.get(name)),
            previous.get(name),
            version.get(name),
            tuple(worse.get(name, ())),
        )  # fmt: skip
        for name in COMPARED
        if not _same(previous.get(name), version.get(name))
    )
    return VersionDiff(previous["seq"], previous["kind"], version["seq"], version["kind"], changes)


def diff_versions(versions: Sequence[Any], *, on: date, packs: Sequence[Pack] | None = None) -> list[VersionDiff]:
    """The differences between each pair of consecutive stored versions (``ContractVersion`` rows), in seq order."""
    criteria = substitution_criteria(packs)
    ordered = [terms_of(version) for version in sorted(versions, key=lambda row: row.seq)]
    return [diff_terms(before, after, criteria, on=on) for before, after in zip(ordered, ordered[1:], strict=False)]
