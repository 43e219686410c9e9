"""The evaluator API: would-be findings for the live preview."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from recruitment_watch.checks import SubjectError, evaluate_subject, judge_subject


def test_compliant_contract_has_no_findings(packs, subject_factory) -> None:
    """The shared compliant contract passes every contract criterion."""
    assert (
        evaluate_subject(
            packs, "contract_version", subject_factory("contract_ok", normalise=False), on=date(2024, 6, 1)
        )
        == []
    )


def test_substituted_contract_findings_snapshot_the_pack(packs, subject_factory) -> None:
    """A wage cut on arrival yields a finding with pack id, version, digest, citation and rendered message."""
    subject = subject_factory("contract_dest_ok", {"version.basic_wage_minor": 80000}, normalise=False)
    findings = evaluate_subject(packs, "contract_version", subject, on=date(2024, 6, 1))
    by_id = {f.criterion_id: f for f in findings}
    assert {"SUB-001", "WAGE-QA-001"} <= set(by_id)
    sub = by_id["SUB-001"]
    pack = next(p for p in packs if p.id == "contract-substitution")
    assert (sub.pack_id, sub.pack_version, sub.pack_digest) == (pack.id, pack.version, pack.digest)
    assert sub.severity == "high" and sub.citation["instrument"].startswith("Republic Act 8042")
    assert "basic_wage_minor: 120000 → 80000" in sub.message
    assert by_id["WAGE-QA-001"].evidence["judged_on"] == "2024-03-01"  # JSON-safe, origin-signed date


def test_judged_by_rule_in_force_on_signing_date(packs, subject_factory) -> None:
    """A contract signed before Qatar's minimum wage is not judged by it."""
    subject = subject_factory(
        "contract_ok", {"version.signed_on": date(2020, 6, 1), "version.basic_wage_minor": 75000}, normalise=False
    )
    results = judge_subject(packs, "contract_version", subject)
    wage = next(j for j in results if j.criterion.id == "WAGE-QA-001")
    assert wage.verdict.outcome == "not_applicable"


def test_complaint_now_is_injected(packs, subject_factory) -> None:
    """``now`` drives SLA clocks for complaints."""
    subject = subject_factory("complaint_ok", {"complaint.acknowledged_at": None}, normalise=False)
    late = evaluate_subject(packs, "complaint", subject, now=datetime(2024, 5, 9, tzinfo=UTC))
    assert "CMP-001" in {f.criterion_id for f in late}
    early = evaluate_subject(packs, "complaint", subject, now=datetime(2024, 5, 1, 12, tzinfo=UTC))
    assert "CMP-001" not in {f.criterion_id for f in early}


def test_malformed_subject_is_rejected(packs, subject_factory) -> None:
    """Subjects must match the documented shape."""
    subject = subject_factory("agency_ok", {"status": "dormant"}, normalise=False)
    with pytest.raises(SubjectError, match="agency: status"):
        evaluate_subject(packs, "agency", subject)
