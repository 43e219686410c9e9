"""The criteria packs the system judges with: loaded from the shipped ``audits/`` folder (or another root)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from recruitment_watch.checks import load_packs
from recruitment_watch.checks.packs import Pack
from recruitment_watch.paths import shipped_dir


def packs_root() -> Path:
    """The folder the packs ship in (``audits/``)."""
    return shipped_dir("audits")


@lru_cache(maxsize=8)
def _load(root: str, only: frozenset[str] | None) -> tuple[Pack, ...]:
    return tuple(load_packs(Path(root), only=set(only) if only else None))


def active_packs(only: set[str] | None = None, root: Path | None = None) -> list[Pack]:
    """Every pack (or only the named ones), validated whole; raises ``PackLoadError`` naming file/criterion/field."""
    return list(_load(str(root or packs_root()), frozenset(only) if only else None))


def reload_packs() -> None:
    """Forget loaded packs (after a pack file changed on disk)."""
    _load.cache_clear()
    _registry_criteria.cache_clear()


def registry_criteria() -> frozenset[str]:
    """Ids of the criteria whose verdict on a submission also reads the register (the agency's licence history), so
    a licence decision recorded later can change it; every other criterion reads only what the submission holds."""
    return _registry_criteria(str(packs_root()))


@lru_cache(maxsize=8)
def _registry_criteria(root: str) -> frozenset[str]:
    found = set()
    for pack in active_packs(root=Path(root)):
        for criterion in pack.criteria:
            applies = criterion.spec.applies_when.paths() if criterion.spec.applies_when else []
            paths = criterion.check.field_paths(criterion.params) + applies
            if any(path.startswith("agency.") for path in paths):
                found.add(criterion.id)
    return frozenset(found)
