"""Load criteria packs from ``audits/`` in three stages; a malformed pack is never half-loaded.

1. **Shape**: parse YAML and validate ``pack.yaml``/``examples.yaml`` against the strict file models.
2. **Params**: look up each criterion's check type and validate its params with that type's model.
3. **Cross-references**: unique criterion ids across packs (and never a retired id), source ids
   exist, field paths and message placeholders exist in the subject schema, examples name existing
   criteria, build valid subjects, and every criterion has at least one passing and one failing example.

Any issue in any loaded pack raises ``PackLoadError`` listing every issue; nothing is returned.
Folders starting with ``_`` or ``.`` are not packs; ``_shared/bases.yaml`` holds shared example bases.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from recruitment_watch.checks.errors import PackIssue, PackLoadError, SubjectError
from recruitment_watch.checks.packs import (
    BaseSpec,
    Criterion,
    CriterionSpec,
    Example,
    ExamplesFile,
    Pack,
    PackFile,
    Source,
)
from recruitment_watch.checks.provenance import figure_issues
from recruitment_watch.checks.registry import get_check
from recruitment_watch.checks.subjects import is_known_path, jsonable, normalise_subject

PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")
LAW_WORDS = re.compile(r"\b(law|laws|legal|illegal|unlawful|statute|statutory)\b", re.IGNORECASE)
_TAG_LOCS = {"compare"}


def load_packs(root: Path, only: set[str] | None = None) -> list[Pack]:
    """Load every pack folder under ``root`` (or only the ids in ``only``), sorted by id."""
    root = Path(root)
    issues: list[PackIssue] = []
    shared = _load_shared_bases(root, issues)
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    if only is not None:
        unknown = only - {p.name for p in folders}
        issues += [PackIssue(f"{root.name}/{name}", "no such pack") for name in sorted(unknown)]
        folders = [p for p in folders if p.name in only]
    packs = [pack for folder in folders if (pack := _load_pack(root, folder, shared, issues)) is not None]
    issues += _cross_pack_issues(root, packs)
    if issues:
        raise PackLoadError(issues)
    return packs


def _display(root: Path, path: Path) -> str:
    """A path as shown in errors: ``audits/<pack>/pack.yaml``."""
    return f"{root.name}/{path.relative_to(root).as_posix()}"


# libyaml's safe loader when PyYAML was built with it (10x faster: every sweep loads the packs), else pure Python.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, shown: str, issues: list[PackIssue]) -> Any:
    """Parse a YAML file, recording a missing file or a syntax error as an issue."""
    if not path.is_file():
        issues.append(PackIssue(shown, "file is missing"))
        return None
    try:
        parsed = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        issues.append(PackIssue(shown, f"invalid YAML: {exc}".replace("\n", " ")))
        return None
    if parsed is None:  # nothing but comments: an issue, never a pack silently left out
        issues.append(PackIssue(shown, "file is empty (no YAML document in it)"))
    return parsed


def _validation_issues(
    shown: str, exc: ValidationError, raw: Any, prefix: str = "", criterion: str | None = None
) -> list[PackIssue]:
    """Turn pydantic errors into issues naming the criterion (by id) and the dotted field."""
    found = []
    for err in exc.errors():
        loc = [part for part in err["loc"] if part not in _TAG_LOCS]
        crit = criterion
        if criterion is None and len(loc) >= 2 and loc[0] == "criteria" and isinstance(loc[1], int):
            items = raw.get("criteria") if isinstance(raw, dict) else None
            item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
            crit = str(item.get("id")) if isinstance(item, dict) and item.get("id") else f"#{loc[1] + 1}"
            loc = loc[2:]
        where = ".".join(str(part) for part in loc)
        field = f"{prefix}.{where}" if prefix and where else (prefix or where or None)
        found.append(PackIssue(shown, err["msg"], crit, field))
    return found


def _validate(model: type[BaseModel], raw: Any, shown: str, issues: list[PackIssue]) -> Any:
    """Validate ``raw`` against ``model``; issues are recorded and None returned on failure."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        issues += _validation_issues(shown, exc, raw)
        return None


def _load_shared_bases(root: Path, issues: list[PackIssue]) -> dict[str, BaseSpec]:
    """Bases shared by all packs' examples, from ``_shared/bases.yaml`` when present."""
    path = root / "_shared" / "bases.yaml"
    if not path.exists():
        return {}
    shown = _display(root, path)
    parsed = _validate(ExamplesFile, _read_yaml(path, shown, issues), shown, issues)
    return dict(parsed.bases) if parsed else {}


def shared_bases(root: Path) -> dict[str, BaseSpec]:
    """The shared example bases under ``root`` (raises PackLoadError when malformed)."""
    issues: list[PackIssue] = []
    bases = _load_shared_bases(Path(root), issues)
    if issues:
        raise PackLoadError(issues)
    return bases


def _compile(spec: CriterionSpec, shown: str, issues: list[PackIssue]) -> Criterion | None:
    """Stage 2: validate params with the check type's model and the subject it judges."""
    check = get_check(spec.check)
    if check is None:
        issues.append(PackIssue(shown, f"unknown check type {spec.check!r}", spec.id, "check"))
        return None
    if spec.subject not in check.subjects:
        allowed = ", ".join(sorted(check.subjects))
        issues.append(PackIssue(shown, f"{spec.check} judges {allowed}, not {spec.subject}", spec.id, "subject"))
        return None
    try:
        params = check.params_model.model_validate(spec.params)
    except ValidationError as exc:
        issues += _validation_issues(shown, exc, spec.params, "params", spec.id)
        return None
    problem = check.subject_problem(params, spec.subject)
    if problem:
        field, _, message = problem.partition(": ")
        issues.append(PackIssue(shown, message, spec.id, field))
        return None
    return Criterion(spec=spec, params=params, check=check)


def _criterion_issues(crit: Criterion, sources: dict[str, Source], shown: str) -> list[PackIssue]:
    """Stage 3 for one criterion: sources, figure provenance, field paths, placeholders, INFERRED wording."""
    spec, found = crit.spec, []
    for source in spec.sources:
        if source not in sources:
            found.append(PackIssue(shown, f"unknown source id {source!r}", spec.id, "sources"))
    found += [PackIssue(shown, message, spec.id, field) for field, message in figure_issues(spec, sources)]
    paths = crit.check.field_paths(crit.params) + (spec.applies_when.paths() if spec.applies_when else [])
    for path in paths:
        if not is_known_path(spec.subject, path):
            found.append(PackIssue(shown, f"unknown {spec.subject} field {path!r}", spec.id, "params"))
    known = set(paths) | crit.check.evidence_keys(crit.params)
    for name in PLACEHOLDER.findall(spec.message):
        if name not in known and not is_known_path(spec.subject, name):
            problem = f"placeholder {{{name}}} is neither evidence nor a field"
            found.append(PackIssue(shown, problem, spec.id, "message"))
    if spec.evidence_tag == "INFERRED":
        if LAW_WORDS.search(spec.message):
            found.append(PackIssue(shown, "an INFERRED threshold must not be called law", spec.id, "message"))
        if "INFERRED" not in spec.rationale:
            found.append(PackIssue(shown, "rationale must say the threshold is INFERRED", spec.id, "rationale"))
    return found


def set_path(subject: dict[str, Any], path: str, value: Any) -> None:
    """Set dotted ``path`` in ``subject``; the parent object must exist."""
    *parents, leaf = path.split(".")
    target: Any = subject
    for part in parents:
        target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            raise SubjectError(f"set {path}: {part} is not an object")
    target[leaf] = copy.deepcopy(value)


def build_base(name: str, bases: dict[str, BaseSpec], seen: tuple[str, ...] = ()) -> tuple[str, dict[str, Any]]:
    """The subject type and a fresh subject dict for base ``name`` (following base chains).

    Also used by tests and fixtures to build subjects from ``shared_bases(root)``.
    """
    if name in seen:
        raise SubjectError(f"base cycle: {' → '.join((*seen, name))}")
    spec = bases.get(name)
    if spec is None:
        raise SubjectError(f"unknown base {name!r}")
    if spec.subject is not None:
        subject = copy.deepcopy(spec.subject)
    else:
        parent_type, subject = build_base(spec.base or "", bases, (*seen, name))
        if parent_type != spec.subject_type:
            raise SubjectError(f"base {name!r} is {spec.subject_type} but extends a {parent_type}")
    for path, value in spec.set.items():
        set_path(subject, path, value)
    return spec.subject_type, subject


def _resolve_examples(
    parsed: ExamplesFile, by_id: dict[str, Criterion], shared: dict[str, BaseSpec], shown: str, issues: list[PackIssue]
) -> list[Example]:
    """Stage 3 for examples: build and validate every subject, then check coverage."""
    bases = {**shared, **parsed.bases}
    examples, seen_ids = [], set()
    for spec in parsed.examples:
        where = f"examples.{spec.id}"
        if spec.id in seen_ids:
            issues.append(PackIssue(shown, "duplicate example id", spec.criterion, where))
        seen_ids.add(spec.id)
        crit = by_id.get(spec.criterion)
        if crit is None:
            issues.append(PackIssue(shown, "example names a criterion not in this pack", spec.criterion, where))
            continue
        try:
            if spec.base is not None:
                base_type, subject = build_base(spec.base, bases)
                if base_type != crit.spec.subject:
                    raise SubjectError(f"base {spec.base!r} is a {base_type}, criterion judges {crit.spec.subject}")
            else:
                subject = copy.deepcopy(spec.subject or {})
            for path, value in spec.set.items():
                set_path(subject, path, value)
            if spec.now is not None:
                subject["now"] = spec.now
            subject = normalise_subject(crit.spec.subject, subject)
        except SubjectError as exc:
            issues.append(PackIssue(shown, str(exc), spec.criterion, where))
            continue
        examples.append(
            Example(spec.id, spec.criterion, spec.expect, crit.spec.subject, subject, spec.evaluated_on, spec.now)
        )
    for crit_id in by_id:
        outcomes = {ex.expect for ex in examples if ex.criterion == crit_id}
        for needed in ("passed", "failed"):
            if needed not in outcomes:
                issues.append(PackIssue(shown, f"needs at least one {needed} example", crit_id, "examples"))
    return examples


def _digest(pack_file: PackFile, examples: list[Example]) -> str:
    """SHA-256 of the canonical JSON of the pack content and its resolved examples."""
    content = {
        "pack": pack_file.model_dump(mode="json", by_alias=True, exclude_none=True),
        "examples": [jsonable(ex.__dict__) for ex in examples],
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _load_pack(root: Path, folder: Path, shared: dict[str, BaseSpec], issues: list[PackIssue]) -> Pack | None:
    """Load one pack folder through all three stages; any issue in it means None."""
    before = len(issues)
    pack_path, examples_path = folder / "pack.yaml", folder / "examples.yaml"
    pack_shown, examples_shown = _display(root, pack_path), _display(root, examples_path)
    raw_pack = _read_yaml(pack_path, pack_shown, issues)
    raw_examples = _read_yaml(examples_path, examples_shown, issues)
    pack_file = _validate(PackFile, raw_pack, pack_shown, issues) if raw_pack is not None else None
    parsed = _validate(ExamplesFile, raw_examples, examples_shown, issues) if raw_examples is not None else None
    if pack_file is None or parsed is None:
        return None
    if pack_file.id != folder.name:
        problem = f"pack id {pack_file.id!r} differs from folder {folder.name!r}"
        issues.append(PackIssue(pack_shown, problem, None, "id"))
    if parsed.pack not in (None, pack_file.id):
        issues.append(PackIssue(examples_shown, f"examples are for pack {parsed.pack!r}", None, "pack"))
    criteria = [crit for spec in pack_file.criteria if (crit := _compile(spec, pack_shown, issues)) is not None]
    if len(issues) > before:
        return None
    source_ids = [source.id for source in pack_file.sources]
    for dup in sorted({s for s in source_ids if source_ids.count(s) > 1}):
        issues.append(PackIssue(pack_shown, f"duplicate source id {dup!r}", None, "sources"))
    for crit in criteria:
        issues += _criterion_issues(crit, {source.id: source for source in pack_file.sources}, pack_shown)
    examples = _resolve_examples(parsed, {c.id: c for c in criteria}, shared, examples_shown, issues)
    if len(issues) > before:
        return None
    return Pack(
        id=pack_file.id,
        version=pack_file.version,
        title=pack_file.title,
        digest=_digest(pack_file, examples),
        path=str(folder),
        file=pack_file,
        criteria=tuple(criteria),
        examples=tuple(examples),
    )


def _cross_pack_issues(root: Path, packs: list[Pack]) -> list[PackIssue]:
    """Criterion ids are unique across packs and never reuse a retired id."""
    found, owner = [], {}
    retired = {rid: pack.id for pack in packs for rid in pack.file.retired_ids}
    for pack in packs:
        shown = f"{root.name}/{pack.id}/pack.yaml"
        for crit in pack.criteria:
            if crit.id in owner:
                found.append(PackIssue(shown, f"duplicate criterion id (also in {owner[crit.id]})", crit.id, "id"))
            owner.setdefault(crit.id, pack.id)
            if crit.id in retired:
                found.append(PackIssue(shown, f"reuses an id retired by {retired[crit.id]}", crit.id, "id"))
    return found
