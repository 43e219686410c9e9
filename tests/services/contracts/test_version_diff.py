"""The field-level diff between contract versions marks exactly what the substitution criteria call worse."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from recruitment_watch.services.contracts.version_diff import (
    ChangeKind,
    diff_terms,
    diff_versions,
    substitution_criteria,
)

ON = date(2026, 3, 1)
OFFER = {
    "seq": 1, "kind": "offer", "basic_wage_minor": 140000, "wage_currency": "QAR", "basic_wage_usd_minor": 38461,
    "wage_period": "month", "food_allowance_minor": 30000, "housing_allowance_minor": None,
    "transport_allowance_minor": None, "food_provided": False, "housing_provided": True, "hours_per_day": 8,
    "days_per_week": 6, "weekly_rest_days": 1, "daily_rest_hours": None, "overtime_rate_pct": 125,
    "annual_leave_days": 21, "duration_months": 24, "probation_months": 3, "worksite_city": "Doha",
    "worksite_country": "QA", "job_title": "Mason", "isco_code": "7112", "employer_id": 4,
    "employer_name": "Doha Build", "return_ticket_by": "employer", "recruitment_costs_borne_by": "employer",
    "deductions": [],
    "languages": ["ar", "ne"], "signed_on": None, "copy_given_to_worker": False, "medical_cover": True,
    "termination_notice_days": 30, "dispute_clause": True, "repatriation_clause": True,
    "joint_liability_clause": False, "attested": False,
}  # fmt: skip


def signed(**changes):
    return {**OFFER, "seq": 2, "kind": "origin_signed", "signed_on": date(2026, 2, 10), **changes}


def test_a_lower_wage_shows_old_and_new_and_is_a_substitution():
    diff = diff_terms(OFFER, signed(basic_wage_minor=120000), substitution_criteria(), on=ON)

    wage = next(change for change in diff.changes if change.field == "basic_wage_minor")
    assert (wage.kind, wage.old, wage.new) == (ChangeKind.changed, 140000, 120000)
    assert wage.worse and wage.worse_by == ("SUB-001",)
    assert diff.substitution and diff.worse_fields == ["basic_wage_minor"]
    assert (diff.from_seq, diff.from_kind, diff.to_seq, diff.to_kind) == (1, "offer", 2, "origin_signed")


def test_a_better_wage_and_the_signing_date_are_changes_but_no_substitution():
    diff = diff_terms(OFFER, signed(basic_wage_minor=150000), substitution_criteria(), on=ON)

    assert {change.field: change.kind for change in diff.changes} == {
        "basic_wage_minor": ChangeKind.changed, "signed_on": ChangeKind.added}  # fmt: skip
    assert not diff.substitution


def test_added_removed_and_worse_fields_across_the_pack_field_list():
    later = signed(
        hours_per_day=10, weekly_rest_days=0, food_allowance_minor=None, deductions=["housing"],
        recruitment_costs_borne_by="worker", isco_code="9313", housing_allowance_minor=5000,
        languages=["ne", "ar"],
    )  # fmt: skip
    diff = diff_terms(OFFER, later, substitution_criteria(), on=ON)
    by_field = {change.field: change for change in diff.changes}

    assert by_field["food_allowance_minor"].kind is ChangeKind.removed and by_field["food_allowance_minor"].worse
    assert (
        by_field["housing_allowance_minor"].kind is ChangeKind.added and not by_field["housing_allowance_minor"].worse
    )
    assert by_field["deductions"].kind is ChangeKind.added and by_field["deductions"].worse_by == ("SUB-010",)
    assert by_field["hours_per_day"].worse_by == ("SUB-006",) and by_field["weekly_rest_days"].worse
    assert by_field["recruitment_costs_borne_by"].worse and by_field["isco_code"].worse_by == ("SUB-004",)
    assert "languages" not in by_field  # the same languages in another order are no change


def test_a_wage_in_another_currency_is_judged_in_usd_within_the_tolerance():
    criteria = substitution_criteria()
    kept = diff_terms(OFFER, signed(wage_currency="USD", basic_wage_minor=38300, basic_wage_usd_minor=38300),
                      criteria, on=ON)  # fmt: skip
    cut = diff_terms(OFFER, signed(wage_currency="USD", basic_wage_minor=30000, basic_wage_usd_minor=30000),
                     criteria, on=ON)  # fmt: skip

    assert not kept.substitution  # 0.4% lower in USD: within SUB-015's 1% tolerance
    assert cut.worse_fields == ["basic_wage_usd_minor"]


def test_stored_versions_are_compared_pair_by_pair_in_seq_order():
    rows = [SimpleNamespace(**{**OFFER, "seq": 3, "kind": "destination_registered", "deductions": ",food,",
                               "languages": ",ar,"}),
            SimpleNamespace(**{**OFFER, "deductions": "", "languages": ",ar,ne,"}),
            SimpleNamespace(**{**signed(), "deductions": "", "languages": ",ar,ne,"})]  # fmt: skip

    first, second = diff_versions(rows, on=ON)

    assert (first.from_seq, first.to_seq, second.from_seq, second.to_seq) == (1, 2, 2, 3)
    assert not first.substitution and second.worse_fields == ["deductions"]
    languages = next(change for change in second.changes if change.field == "languages")
    assert (languages.old, languages.new, languages.worse) == (["ar", "ne"], ["ar"], False)
