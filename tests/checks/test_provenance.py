"""Provenance of pack figures (a SEEN figure needs a source and a retrieval date) and the review list; advisories
are findings of their own severity (a US$450 Filipino household-worker contract of 2026 breaks no binding rule)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from recruitment_watch.checks import evaluate_subject, load_packs
from recruitment_watch.checks.provenance import changed_since, criterion_digests, months_between, review_items
from tests.checks.conftest import make_subject
from tests.checks.test_loader import criterion, edit, load_error, tree  # noqa: F401  (tree is a fixture)


def _figure(tree_root: Path, figure: dict) -> None:
    def change(data):
        criterion(data, "FEE-NP-001")["figures"] = [figure]

    edit(tree_root / "origin-NP" / "pack.yaml", change)


def test_a_seen_figure_without_a_source_is_refused(tree: Path) -> None:  # noqa: F811
    _figure(tree, {"what": "cap", "evidence_tag": "SEEN"})
    assert "origin-NP/pack.yaml: criterion FEE-NP-001: figures.0.source: SEEN figure 'cap' names no source" in (
        load_error(tree)
    )


def test_a_seen_figure_needs_a_retrieval_date_its_own_or_its_sources(tree: Path) -> None:  # noqa: F811
    _figure(tree, {"what": "cap", "source": "fea-53", "evidence_tag": "SEEN"})  # a source with a URL, read when?
    assert "figures.0.retrieved_on: SEEN figure 'cap' has no retrieval date" in load_error(tree)
    _figure(tree, {"what": "cap", "source": "fea-53", "evidence_tag": "SEEN", "retrieved_on": date(2026, 1, 5)})
    assert load_packs(tree)


def test_unknown_figure_source_and_reversed_dates_are_refused(tree: Path) -> None:  # noqa: F811
    _figure(tree, {"what": "cap", "source": "nowhere", "evidence_tag": "INFERRED"})
    assert "figures.0.source: unknown source id 'nowhere'" in load_error(tree)
    _figure(tree, {"what": "cap", "evidence_tag": "INFERRED", "effective_from": date(2020, 1, 2),
                   "effective_to": date(2020, 1, 1)})  # fmt: skip
    assert "effective_from is after effective_to" in load_error(tree)


def test_inferred_and_unsourced_figures_need_no_source(tree: Path) -> None:  # noqa: F811
    _figure(tree, {"what": "start day", "evidence_tag": "INFERRED", "note": "first of the month"})
    assert load_packs(tree)


def test_review_lists_doubtful_stale_and_unsourced_items(packs) -> None:
    nepal = next(p for p in packs if p.id == "origin-NP")
    items = review_items(nepal, today=date(2026, 12, 1), max_age_months=12)
    reasons = {(item.criterion_id, item.reason) for item in items}
    assert ("FEE-NP-003", "inferred") in reasons  # the bank-payment rule's start date
    assert not {reason for cid, reason in reasons if cid == "FEE-NP-001"}  # sourced, SEEN, read this year
    later = review_items(nepal, today=date(2028, 1, 1), max_age_months=12)
    stale = [item for item in later if item.reason == "stale" and item.criterion_id == "FEE-NP-001"]
    assert stale and "FVFT service charge cap NPR 10,000: retrieved 2026-12-01 (13 months ago)" in stale[0].detail
    pakistan = next(p for p in packs if p.id == "origin-PK")
    assert any(item.reason == "no-provenance" for item in review_items(pakistan, today=date(2026, 12, 1),
                                                                         max_age_months=12))  # fmt: skip


def test_months_between_counts_whole_months() -> None:
    assert months_between(date(2025, 12, 1), date(2026, 12, 1)) == 12
    assert months_between(date(2025, 12, 2), date(2026, 12, 1)) == 11


def test_changes_since_a_review_name_the_criteria(packs) -> None:
    nepal = next(p for p in packs if p.id == "origin-NP")
    assert {item.reason for item in changed_since(nepal, None)} == {"new"}
    reviewed = criterion_digests(nepal)
    assert changed_since(nepal, reviewed) == []
    reviewed["FEE-NP-002"] = "0" * 64
    del reviewed["FEE-NP-003"]
    assert [(i.criterion_id, i.reason) for i in changed_since(nepal, reviewed)] == [
        ("FEE-NP-002", "changed"),
        ("FEE-NP-003", "new"),
    ]


PH_HSW_2026 = {
    "contract.origin_country": "PH", "worker.nationality": "PH", "worker.languages": ["tl", "en"],
    "fees.origin_currency": "PHP", "worker.domestic_worker": True, "worker.sex": "female",
    "worker.date_of_birth": date(1990, 1, 10), "contract.isco_code": "9111", "version.isco_code": "9111",
    "version.wage_currency": "USD", "version.signed_on": date(2026, 1, 15), "contract.departure_on": date(2026, 2, 20),
    "previous.wage_currency": "USD", "previous.isco_code": "9111",
}  # fmt: skip


def wage(terms: str, cents: int) -> dict:
    return {f"{terms}.basic_wage_minor": cents, f"{terms}.basic_wage_usd_minor": cents}


def test_a_us450_filipino_household_worker_contract_of_2026_raises_only_the_advisory(packs) -> None:
    subject = make_subject("contract_ok", {**PH_HSW_2026, **wage("version", 45000), **wage("previous", 45000)})
    findings = evaluate_subject(packs, "contract_version", subject, on=date(2026, 2, 1))
    assert [(f.criterion_id, f.severity) for f in findings] == [("WAGE-PH-002", "advisory")]
    assert findings[0].message.startswith("Advisory, not a breach")
    below_binding = make_subject("contract_ok", {**PH_HSW_2026, **wage("version", 38000), **wage("previous", 38000)})
    found = {(f.criterion_id, f.severity) for f in evaluate_subject(packs, "contract_version", below_binding,
                                                                     on=date(2026, 2, 1))}  # fmt: skip
    assert found == {("WAGE-PH-001", "high"), ("WAGE-PH-002", "advisory")}
