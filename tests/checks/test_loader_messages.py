"""What a pack author reads when a pack is wrong, and what a loaded pack carries.

Every kind of issue the loader reports is asserted as the exact text shown to the author (file, criterion,
field and message), alone and in order, so a reworded, misplaced or swallowed issue fails. The packs are
small ones written here into a temporary ``audits/`` beside a copy of the real shared bases, so the tests do
not move when the real packs are edited. The last tests pin what ``Pack`` holds and how its digest is made
(findings store the digest, so a silent change to its canonical form would re-word every open finding).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from recruitment_watch.checks import PackLoadError, load_packs
from recruitment_watch.checks.loader import build_base, shared_bases
from recruitment_watch.checks.packs import Example, Pack
from recruitment_watch.checks.subjects import jsonable, normalise_subject

SHARED = Path(__file__).resolve().parents[2] / "audits" / "_shared"
SOURCE = {"id": "demo-act", "instrument": "Demo Act", "citation": "s.1", "evidence_tag": "SEEN"}

Data = dict[str, Any]


def sub_agent_criterion() -> Data:
    """A criterion on agencies: using sub-agents is a breach."""
    return {
        "id": "SUB-001",
        "title": "Agency uses sub-agents",
        "check": "field-condition",
        "params": {"forbid": {"field": "uses_sub_agents", "op": "eq", "value": True}},
        "severity": "high",
        "subject": "agency",
        "message": "{name} uses sub-agents.",
        "citation": {"instrument": "Demo Act", "article": "s.1"},
        "sources": ["demo-act"],
        "evidence_tag": "SEEN",
        "rationale": "Sub-agents are banned.",
        "remediation": "End the arrangement.",
    }


def escalation_criterion() -> Data:
    """A criterion on complaints: an escalated complaint is a breach."""
    return {
        **sub_agent_criterion(),
        "id": "CMP-901",
        "title": "Complaint escalated",
        "params": {"forbid": {"field": "complaint.escalated", "op": "eq", "value": True}},
        "subject": "complaint",
        "message": "Complaint {complaint.id} was escalated.",
    }


def pack_data(pack_id: str = "demo") -> Data:
    """A valid ``pack.yaml`` with the two criteria above."""
    return {
        "schema_version": 1,
        "id": pack_id,
        "version": "1.0.0",
        "title": "Demo pack",
        "sources": [dict(SOURCE)],
        "criteria": [sub_agent_criterion(), escalation_criterion()],
    }


def examples_data(pack_id: str = "demo") -> Data:
    """A valid ``examples.yaml``: one passing and one failing example per criterion."""
    return {
        "schema_version": 1,
        "pack": pack_id,
        "examples": [
            {"id": "sub-none", "criterion": "SUB-001", "expect": "passed", "base": "agency_ok"},
            {
                "id": "sub-used",
                "criterion": "SUB-001",
                "expect": "failed",
                "base": "agency_ok",
                "set": {"uses_sub_agents": True},
                "evaluated_on": "2024-06-01",
            },
            {"id": "cmp-calm", "criterion": "CMP-901", "expect": "passed", "base": "complaint_ok"},
            {
                "id": "cmp-escalated",
                "criterion": "CMP-901",
                "expect": "failed",
                "base": "complaint_ok",
                "set": {"complaint.escalated": True},
                "now": "2024-05-12T08:00:00Z",
            },
        ],
    }


def dump(path: Path, data: Any) -> None:
    """Write ``data`` as YAML."""
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def write_pack(root: Path, pack: Data, examples: Data, folder: str = "demo") -> Path:
    """Write a pack folder under ``root``; returns the folder."""
    path = root / folder
    path.mkdir()
    dump(path / "pack.yaml", pack)
    dump(path / "examples.yaml", examples)
    return path


def issues(root: Path, only: set[str] | None = None) -> list[str]:
    """Load ``root`` expecting failure; every issue as the author reads it, in order."""
    with pytest.raises(PackLoadError) as info:
        load_packs(root, only)
    assert str(info.value) == "\n".join(str(issue) for issue in info.value.issues)
    return [str(issue) for issue in info.value.issues]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty ``audits/`` holding only a copy of the real shared bases."""
    path = tmp_path / "audits"
    path.mkdir()
    shutil.copytree(SHARED, path / "_shared")
    return path


@pytest.fixture
def demo(root: Path) -> Path:
    """``root`` with the valid demo pack written into it."""
    write_pack(root, pack_data(), examples_data())
    return root


# --- one broken pack, one exact list of issues -------------------------------------------------------------------


def no_criteria(pack: Data, examples: Data) -> None:
    pack["criteria"] = []


def wrong_schema_version(pack: Data, examples: Data) -> None:
    pack["schema_version"] = 2


def criterion_without_id(pack: Data, examples: Data) -> None:
    del pack["criteria"][1]["id"]


def criterion_as_plain_string(pack: Data, examples: Data) -> None:
    pack["criteria"].append("CMP-902")


def criteria_as_yaml_set(pack: Data, examples: Data) -> None:
    pack["criteria"] = {"SUB-001"}  # dumped as `!!set`, which YAML loads as a set, not a list


def check_for_other_subjects(pack: Data, examples: Data) -> None:
    pack["criteria"][0]["check"] = "wage-floor"


def payee_types_on_contract(pack: Data, examples: Data) -> None:
    pack["criteria"][0].update(
        check="fee-category-banned",
        subject="contract_version",
        params={"categories": ["medical"], "payee_types": ["agency"]},
        message="Worker paid {amount_display}.",
    )


def pack_id_not_folder(pack: Data, examples: Data) -> None:
    pack["id"] = "demo-other"
    del examples["pack"]


def examples_for_other_pack(pack: Data, examples: Data) -> None:
    examples["pack"] = "origin-NP"


def examples_wrong_schema_version(pack: Data, examples: Data) -> None:
    examples["schema_version"] = 2


def source_listed_twice(pack: Data, examples: Data) -> None:
    pack["sources"].append(dict(SOURCE))


def unknown_field_in_applies_when(pack: Data, examples: Data) -> None:
    pack["criteria"][0]["applies_when"] = {"field": "licence_kind", "op": "eq", "value": "foreign"}


def example_id_twice(pack: Data, examples: Data) -> None:
    examples["examples"].append(dict(examples["examples"][0]))


def first_example_names_unknown_criterion(pack: Data, examples: Data) -> None:
    examples["examples"].insert(0, {"id": "ghost", "criterion": "GHOST-001", "expect": "passed", "base": "agency_ok"})


def first_example_base_of_other_subject(pack: Data, examples: Data) -> None:
    examples["examples"].insert(0, {"id": "odd", "criterion": "SUB-001", "expect": "passed", "base": "complaint_ok"})


def first_example_subject_invalid(pack: Data, examples: Data) -> None:
    bad = {
        "id": "odd",
        "criterion": "SUB-001",
        "expect": "passed",
        "base": "agency_ok",
        "set": {"uses_sub_agents": "often"},
    }
    examples["examples"].insert(0, bad)


PACK = "audits/demo/pack.yaml"
EXAMPLES = "audits/demo/examples.yaml"
NOT_A_CRITERION = "Input should be a valid dictionary or instance of CriterionSpec"
BROKEN_PACKS: list[tuple[Callable[[Data, Data], None], list[str]]] = [
    (no_criteria, [f"{PACK}: criteria: List should have at least 1 item after validation, not 0"]),
    (wrong_schema_version, [f"{PACK}: schema_version: Input should be 1"]),
    (criterion_without_id, [f"{PACK}: criterion #2: id: Field required"]),
    (criterion_as_plain_string, [f"{PACK}: criterion #3: {NOT_A_CRITERION}"]),
    (criteria_as_yaml_set, [f"{PACK}: criterion #1: {NOT_A_CRITERION}"]),
    (
        check_for_other_subjects,
        [f"{PACK}: criterion SUB-001: subject: wage-floor judges contract_version, fee_payment, not agency"],
    ),
    (
        payee_types_on_contract,
        [f"{PACK}: criterion SUB-001: params.payee_types: only allowed for subject fee_payment"],
    ),
    (pack_id_not_folder, [f"{PACK}: id: pack id 'demo-other' differs from folder 'demo'"]),
    (examples_for_other_pack, [f"{EXAMPLES}: pack: examples are for pack 'origin-NP'"]),
    (examples_wrong_schema_version, [f"{EXAMPLES}: schema_version: Input should be 1"]),
    (source_listed_twice, [f"{PACK}: sources: duplicate source id 'demo-act'"]),
    (unknown_field_in_applies_when, [f"{PACK}: criterion SUB-001: params: unknown agency field 'licence_kind'"]),
    (example_id_twice, [f"{EXAMPLES}: criterion SUB-001: examples.sub-none: duplicate example id"]),
    (
        first_example_names_unknown_criterion,
        [f"{EXAMPLES}: criterion GHOST-001: examples.ghost: example names a criterion not in this pack"],
    ),
    (
        first_example_base_of_other_subject,
        [f"{EXAMPLES}: criterion SUB-001: examples.odd: base 'complaint_ok' is a complaint, criterion judges agency"],
    ),
    (
        first_example_subject_invalid,
        [
            f"{EXAMPLES}: criterion SUB-001: examples.odd: agency: uses_sub_agents: "
            "Input should be a valid boolean, unable to interpret input"
        ],
    ),
]


@pytest.mark.parametrize(("change", "expected"), BROKEN_PACKS, ids=[change.__name__ for change, _ in BROKEN_PACKS])
def test_each_pack_problem_is_reported_once_with_file_criterion_and_field(
    root: Path, change: Callable[[Data, Data], None], expected: list[str]
) -> None:
    """The issue list is exactly the expected lines: nothing reworded, misplaced, extra or cut short."""
    pack, examples = pack_data(), examples_data()
    change(pack, examples)
    write_pack(root, pack, examples)
    assert issues(root) == expected


@pytest.mark.parametrize("missing", ["pack.yaml", "examples.yaml"])
def test_missing_file_is_the_only_issue(demo: Path, missing: str) -> None:
    """A missing file is named once; its absence is not also reported as an invalid document."""
    (demo / "demo" / missing).unlink()
    assert issues(demo) == [f"audits/demo/{missing}: file is missing"]


@pytest.mark.parametrize("emptied", ["pack.yaml", "examples.yaml"])
def test_empty_file_is_reported_not_silently_skipped(demo: Path, emptied: str) -> None:
    """A file with no YAML document in it (e.g. everything commented out) must be an issue, not a missing pack."""
    (demo / "demo" / emptied).write_text("# criteria to come\n", encoding="utf-8")
    assert issues(demo) == [f"audits/demo/{emptied}: file is empty (no YAML document in it)"]


def test_broken_shared_bases_and_unknown_pack_are_both_reported(demo: Path) -> None:
    """A malformed ``_shared/bases.yaml`` is reported even when ``only`` also names a pack that does not exist."""
    dump(demo / "_shared" / "bases.yaml", {"schema_version": 2, "bases": {}})
    assert issues(demo, only={"nope"}) == [
        "audits/_shared/bases.yaml: schema_version: Input should be 1",
        "audits/nope: no such pack",
    ]


def test_folders_starting_with_dot_or_underscore_are_not_packs(demo: Path) -> None:
    """Editor and tool folders (``.cache``) and drafts (``_drafts``) are skipped, not reported as broken packs."""
    (demo / ".cache").mkdir()
    (demo / "_drafts").mkdir()
    assert [pack.id for pack in load_packs(demo)] == ["demo"]


def test_duplicate_criterion_id_names_the_pack_that_has_it_first(demo: Path) -> None:
    """The later pack's criteria are reported, each naming the pack that already uses the id."""
    write_pack(demo, pack_data("demo-b"), examples_data("demo-b"), folder="demo-b")
    assert issues(demo) == [
        "audits/demo-b/pack.yaml: criterion SUB-001: id: duplicate criterion id (also in demo)",
        "audits/demo-b/pack.yaml: criterion CMP-901: id: duplicate criterion id (also in demo)",
    ]


# --- what a loaded pack holds ------------------------------------------------------------------------------------


def test_loaded_pack_keeps_title_path_and_resolved_examples(demo: Path) -> None:
    """Title and folder come from the pack; every example is resolved with its dates and full subject."""
    (pack,) = load_packs(demo)
    bases = shared_bases(demo)
    assert (pack.title, pack.path) == ("Demo pack", str(demo / "demo"))
    assert [ex.id for ex in pack.examples] == ["sub-none", "sub-used", "cmp-calm", "cmp-escalated"]
    _, agency = build_base("agency_ok", bases)
    agency["uses_sub_agents"] = True
    assert pack.examples[1] == Example(
        "sub-used", "SUB-001", "failed", "agency", normalise_subject("agency", agency), date(2024, 6, 1), None
    )
    now = datetime(2024, 5, 12, 8, tzinfo=UTC)
    _, complaint = build_base("complaint_ok", bases)
    complaint["complaint"]["escalated"] = True
    complaint["now"] = now
    assert pack.examples[3] == Example(
        "cmp-escalated", "CMP-901", "failed", "complaint", normalise_subject("complaint", complaint), None, now
    )


def test_example_with_a_full_subject_uses_it_as_written(root: Path) -> None:
    """An example may give the whole ``subject`` instead of a base; it is validated and kept as given."""
    _, agency = build_base("agency_ok", shared_bases(root))
    examples = examples_data()
    examples["examples"][0] = {
        "id": "sub-none",
        "criterion": "SUB-001",
        "expect": "passed",
        "subject": jsonable(agency),
    }
    write_pack(root, pack_data(), examples)
    (pack,) = load_packs(root)
    assert pack.examples[0].subject == normalise_subject("agency", agency)


def test_examples_sharing_a_yaml_anchor_do_not_see_each_others_overrides(root: Path) -> None:
    """``subject: *anchor`` reuses one subject; ``set`` on one example must not change the next."""
    _, complaint = build_base("complaint_ok", shared_bases(root))
    write_pack(root, pack_data(), examples_data())
    anchored = json.dumps(jsonable(complaint))
    text = (root / "demo" / "examples.yaml").read_text(encoding="utf-8")
    text += (  # the dumped file ends with the examples list, so these items extend it
        f"- {{id: cmp-a, criterion: CMP-901, expect: failed, subject: &c {anchored},\n"
        "   set: {complaint.escalated: true}}\n"
        "- {id: cmp-b, criterion: CMP-901, expect: passed, subject: *c}\n"
    )
    (root / "demo" / "examples.yaml").write_text(text, encoding="utf-8")
    (pack,) = load_packs(root)
    resolved = {ex.id: ex.subject["complaint"]["escalated"] for ex in pack.examples if ex.id.startswith("cmp-")}
    assert resolved == {"cmp-calm": False, "cmp-escalated": True, "cmp-a": True, "cmp-b": False}


# --- the digest --------------------------------------------------------------------------------------------------


def test_digest_ignores_key_order_inside_params(root: Path) -> None:
    """Reordering keys in the YAML (here inside ``params``) is formatting and leaves the digest alone."""
    write_pack(root, pack_data(), examples_data())
    (before,) = load_packs(root)
    pack = pack_data()
    pack["criteria"][0]["params"] = {"forbid": {"value": True, "op": "eq", "field": "uses_sub_agents"}}
    dump(root / "demo" / "pack.yaml", pack)
    (after,) = load_packs(root)
    assert after.digest == before.digest


def canonical_digest(pack: Pack) -> str:
    """The digest as documented: SHA-256 of compact, key-sorted, UTF-8 JSON of the pack (as written, aliases,
    no nulls) and its resolved examples."""
    content = {
        "pack": pack.file.model_dump(mode="json", by_alias=True, exclude_none=True),
        "examples": [jsonable(ex.__dict__) for ex in pack.examples],
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_digest_is_sha256_of_the_canonical_json(root: Path) -> None:
    """The stored digest can be recomputed from the canonical form, including non-ASCII text, ``not:`` and nulls."""
    pack = pack_data()
    pack["title"] = "Démo — sub-agents"
    pack["criteria"][0]["applies_when"] = {"not": {"field": "country", "op": "eq", "value": "QA"}}
    write_pack(root, pack, examples_data())
    (loaded,) = load_packs(root)
    assert loaded.file.description is None and loaded.file.sources[0].url is None
    assert loaded.digest == canonical_digest(loaded)
