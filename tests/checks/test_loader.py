"""Loader stages: malformed packs are rejected whole, with errors naming file, criterion and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from recruitment_watch.checks import PackLoadError, load_packs

AUDITS = Path(__file__).resolve().parents[2] / "audits"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the shared bases and two real packs in a temporary ``audits/`` folder."""
    root = tmp_path / "audits"
    root.mkdir()
    for name in ("_shared", "dest-QA", "origin-NP"):
        shutil.copytree(AUDITS / name, root / name)
    return root


def edit(path: Path, change) -> None:
    """Load a YAML file, apply ``change`` to the data and write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def criterion(data: dict, criterion_id: str) -> dict:
    """The criterion dict with ``criterion_id`` in pack data."""
    return next(c for c in data["criteria"] if c["id"] == criterion_id)


def load_error(root: Path) -> str:
    """Load ``root`` expecting failure; return the error text."""
    with pytest.raises(PackLoadError) as info:
        load_packs(root)
    return str(info.value)


def test_real_tree_loads(tree: Path) -> None:
    """The copied packs load cleanly with a digest and version each."""
    packs = load_packs(tree)
    assert [p.id for p in packs] == ["dest-QA", "origin-NP"]
    assert [(len(p.digest), p.version) for p in packs] == [(64, "1.2.0"), (64, "1.1.0")]


def test_only_filters_packs(tree: Path) -> None:
    """``only`` limits loading; an unknown id is an error."""
    assert [p.id for p in load_packs(tree, only={"origin-NP"})] == ["origin-NP"]
    with pytest.raises(PackLoadError, match="no such pack"):
        load_packs(tree, only={"origin-XX"})


def test_malformed_yaml(tree: Path) -> None:
    """A YAML syntax error names the file."""
    (tree / "dest-QA" / "pack.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert "audits/dest-QA/pack.yaml: invalid YAML" in load_error(tree)


def test_bad_params_names_file_criterion_and_field(tree: Path) -> None:
    """A wrongly typed param is reported with its full dotted path."""

    def change(data):
        criterion(data, "WAGE-QA-001")["params"]["rules"][0]["floor"]["amount_minor"] = "a thousand"

    edit(tree / "dest-QA" / "pack.yaml", change)
    assert (
        "audits/dest-QA/pack.yaml: criterion WAGE-QA-001: params.rules.0.floor.amount_minor: "
        "Input should be a valid integer"
    ) in load_error(tree)


def test_unknown_param_key_rejected(tree: Path) -> None:
    """Params models are strict: unknown keys fail."""
    edit(tree / "origin-NP" / "pack.yaml", lambda d: criterion(d, "FEE-NP-003")["params"].update(typo=1))
    assert "criterion FEE-NP-003: params.typo: Extra inputs are not permitted" in load_error(tree)


def test_unknown_check_type(tree: Path) -> None:
    """A check key that is not registered is named."""
    edit(tree / "origin-NP" / "pack.yaml", lambda d: criterion(d, "FEE-NP-001").update(check="fee-magic"))
    assert "criterion FEE-NP-001: check: unknown check type 'fee-magic'" in load_error(tree)


def test_shape_error_names_criterion(tree: Path) -> None:
    """Stage 1 errors inside a criterion name it by id."""
    edit(tree / "dest-QA" / "pack.yaml", lambda d: criterion(d, "CON-012").update(severity="severe"))
    assert "audits/dest-QA/pack.yaml: criterion CON-012: severity: Input should be" in load_error(tree)


def test_unknown_field_path(tree: Path) -> None:
    """Conditions may only reference fields of the subject schema."""

    def change(data):
        criterion(data, "CON-012")["params"]["forbid"]["field"] = "version.duration_years"

    edit(tree / "dest-QA" / "pack.yaml", change)
    assert "criterion CON-012: params: unknown contract_version field 'version.duration_years'" in load_error(tree)


def test_duplicate_id_across_packs(tree: Path) -> None:
    """Criterion ids are unique across all packs."""
    edit(tree / "origin-NP" / "pack.yaml", lambda d: criterion(d, "FEE-NP-003").update(id="CON-012"))
    edit(
        tree / "origin-NP" / "examples.yaml",
        lambda d: [e.update(criterion="CON-012") for e in d["examples"] if e["criterion"] == "FEE-NP-003"],
    )
    assert "criterion CON-012: id: duplicate criterion id" in load_error(tree)


def test_retired_id_cannot_return(tree: Path) -> None:
    """An id listed in any pack's retired_ids may not be used again."""
    edit(tree / "origin-NP" / "pack.yaml", lambda d: d.update(retired_ids=["CON-012"]))
    assert "criterion CON-012: id: reuses an id retired by origin-NP" in load_error(tree)


def test_missing_fail_example(tree: Path) -> None:
    """Every criterion needs a passing and a failing example."""
    edit(
        tree / "dest-QA" / "examples.yaml",
        lambda d: d.update(examples=[e for e in d["examples"] if e["id"] != "con012-72"]),
    )
    assert "audits/dest-QA/examples.yaml: criterion CON-012: examples: needs at least one failed example" in load_error(
        tree
    )


def test_example_for_unknown_criterion(tree: Path) -> None:
    """Examples must reference a criterion of the same pack."""
    edit(tree / "dest-QA" / "examples.yaml", lambda d: d["examples"][0].update(criterion="FEE-ZZ-001"))
    assert (
        "criterion FEE-ZZ-001: examples.qa001-origin-government: example names a criterion not in this pack"
        in load_error(tree)
    )


def test_example_subject_must_match_schema(tree: Path) -> None:
    """Example subjects are validated against the documented subject shape."""

    def change(data):
        example = next(e for e in data["examples"] if e["id"] == "wage-qa-ok")
        example["set"] = {"version.wage_period": "fortnight"}

    edit(tree / "dest-QA" / "examples.yaml", change)
    assert "examples.wage-qa-ok: contract_version: version.wage_period" in load_error(tree)


def test_unknown_source_id(tree: Path) -> None:
    """Criteria may only cite sources declared in their pack."""
    edit(tree / "dest-QA" / "pack.yaml", lambda d: criterion(d, "CON-012").update(sources=["nowhere"]))
    assert "criterion CON-012: sources: unknown source id 'nowhere'" in load_error(tree)


def test_inferred_threshold_must_not_be_called_law(tree: Path) -> None:
    """An INFERRED criterion may not call its threshold law, and its rationale must say INFERRED."""

    def change(data):
        crit = criterion(data, "FEE-NP-003")
        crit["message"] = "Cash payment breaks the law."
        crit["rationale"] = "Bank only."

    edit(tree / "origin-NP" / "pack.yaml", change)
    error = load_error(tree)
    assert "criterion FEE-NP-003: message: an INFERRED threshold must not be called law" in error
    assert "criterion FEE-NP-003: rationale: rationale must say the threshold is INFERRED" in error


def test_unknown_placeholder(tree: Path) -> None:
    """Message placeholders must be evidence keys or subject fields."""
    edit(tree / "dest-QA" / "pack.yaml", lambda d: criterion(d, "CON-012").update(message="{nonsense} months"))
    assert "criterion CON-012: message: placeholder {nonsense}" in load_error(tree)


def test_one_bad_pack_loads_nothing(tree: Path) -> None:
    """A malformed pack is never half-loaded, and the good pack is not returned either."""
    edit(tree / "dest-QA" / "pack.yaml", lambda d: criterion(d, "CON-012").update(check="nope"))
    with pytest.raises(PackLoadError) as info:
        load_packs(tree)
    assert all("dest-QA" in str(issue) for issue in info.value.issues)


def test_overlapping_effective_rules(tree: Path) -> None:
    """Two rules in force on the same day are rejected."""

    def change(data):
        rules = criterion(data, "FEE-NP-001")["params"]["rules"]
        rules.append({"valid_from": "2020-01-01", "cap": {"amount_minor": 1, "currency": "NPR"}})

    edit(tree / "origin-NP" / "pack.yaml", change)
    assert "criterion FEE-NP-001: params.rules: Value error, rules overlap" in load_error(tree)


def test_digest_changes_with_content(tree: Path) -> None:
    """The digest covers pack content and examples; formatting alone does not change it."""
    before = {p.id: p.digest for p in load_packs(tree)}
    path = tree / "origin-NP" / "pack.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert {p.id: p.digest for p in load_packs(tree)} == before
    edit(path, lambda d: criterion(d, "FEE-NP-001").update(severity="critical"))
    after = {p.id: p.digest for p in load_packs(tree)}
    assert after["origin-NP"] != before["origin-NP"] and after["dest-QA"] == before["dest-QA"]
