"""``packs review`` and the provenance rules of ``packs validate``, as a legal reviewer sees them."""

from __future__ import annotations

import shutil

from recruitment_watch.services.criteria.packs import packs_root


def test_validate_refuses_a_seen_figure_without_a_retrieval_date(runner, tmp_path):
    broken = tmp_path / "audits"
    shutil.copytree(packs_root(), broken)
    pack_file = broken / "origin-NP" / "pack.yaml"
    text = pack_file.read_text()
    pack_file.write_text(text.replace("    retrieved_on: 2026-12-01\n", "", 1))  # the FVFT notice's source
    result = runner.invoke(args=["packs", "validate", "--root", str(broken)])
    assert result.exit_code == 1
    assert (
        "origin-NP/pack.yaml: criterion FEE-NP-001: figures.0.retrieved_on: "
        "SEEN figure 'FVFT service charge cap NPR 10,000' has no retrieval date"
    ) in result.output


def test_review_lists_what_to_look_at_first_and_a_recorded_review_quiets_it(runner):
    first = runner.invoke(args=["packs", "review", "--pack", "origin-NP"])
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert lines[0] == "origin-NP 1.1.0 — never reviewed: 5 item(s)"
    assert "  FEE-NP-001     new            not reviewed yet" in lines
    assert "  FEE-NP-003     inferred       criterion tagged INFERRED: Cash payment to an agency" in lines
    assert (
        "  FEE-NP-003     inferred       figure bank-payment rule in force — reported as new in Sep 2017; "
        "1 Jan 2017 is probably too early"
    ) in lines
    assert lines[-1] == "5 item(s) to review in 1 pack(s); figures older than 12 months are stale."

    recorded = runner.invoke(args=["packs", "review", "--pack", "origin-NP", "--record", "A. Legal", "--note", "ok"])
    assert recorded.exit_code == 0, recorded.output
    assert recorded.output.splitlines()[-1] == "Recorded a review of 1 pack(s) by A. Legal."

    again = runner.invoke(args=["packs", "review", "--pack", "origin-NP"])
    assert "by A. Legal (version 1.1.0): 2 item(s)" in again.output.splitlines()[0]
    assert "not reviewed yet" not in again.output and "changed since the last review" not in again.output
    assert "FEE-NP-003     inferred" in again.output


def test_review_flags_figures_older_than_the_configured_age(runner, app, tmp_path):
    old = tmp_path / "audits"
    shutil.copytree(packs_root(), old)
    pack_file = old / "dest-AE" / "pack.yaml"
    pack_file.write_text(pack_file.read_text().replace("retrieved_on: 2026-12-01", "retrieved_on: 2020-01-01"))
    app.config["PACK_REVIEW_MAX_AGE_MONTHS"] = 24
    stale = runner.invoke(args=["packs", "review", "--root", str(old), "--pack", "dest-AE"])
    assert stale.exit_code == 0, stale.output
    flagged = [line for line in stale.output.splitlines() if " stale " in line]
    assert [line.split()[0] for line in flagged] == ["CON-AE-001", "DOC-AE-001", "FEE-AE-001"]
    assert "figure Decree-Law 33/2021 in force: retrieved 2020-01-01 (" in flagged[0]
    assert "figures older than 24 months are stale" in stale.output
    patient = runner.invoke(
        args=["packs", "review", "--root", str(old), "--pack", "dest-AE", "--max-age-months", "600"]
    )
    assert not [line for line in patient.output.splitlines() if " stale " in line]
