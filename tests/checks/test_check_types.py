"""Each check type on hand-built subjects, independent of the shipped packs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from recruitment_watch.checks import check_keys, get_check
from recruitment_watch.checks.conditions import compare

ON = date(2024, 6, 1)


def run(key: str, params: dict, subject: dict, on: date = ON):
    """Validate ``params`` for check ``key`` and evaluate ``subject``."""
    check = get_check(key)
    assert check is not None
    return check.evaluate(subject, check.params_model.model_validate(params), on=on)


def test_registry_keys_are_kebab_case() -> None:
    """Every built-in type is registered under a kebab-case key."""
    keys = check_keys()
    assert {
        "field-condition",
        "fee-category-banned",
        "fee-total-cap",
        "version-unfavourable-change",
        "date-order",
        "licence-valid-on",
        "sla-overdue",
        "ratio-threshold",
        "wage-floor",
        "age-at-least",
    } <= set(keys)
    assert all(key == key.lower() and " " not in key and "_" not in key for key in keys)


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("eq", 1, 1, True),
        ("lt", None, 1, False),
        ("ne", None, 1, False),
        ("is_null", None, None, True),
        ("in", "QA", ["QA", "AE"], True),
        ("not_in", "NP", ["QA"], True),
        ("contains", ["ar", "en"], "ar", True),
        ("subset_of", ["ne"], ["ne", "en"], True),
        ("missing_from", ["ne"], ["ar"], True),
        ("intersects", ["ne", "en"], ["ar", "en"], True),
        ("len_ge", ["a", "b", "c"], 3, True),
        ("ge", date(2024, 1, 2), "2024-01-01", True),
    ],
)
def test_compare_operators(op: str, left, right, expected: bool) -> None:
    """Operators follow the documented null semantics (null compares false)."""
    assert compare(op, left, right) is expected


def test_field_condition_require_and_forbid() -> None:
    """require passes when it holds; forbid fails when it holds; evidence records the values read."""
    subject = {"worker": {"passport_held_by": "employer", "languages": ["ne"]}, "version": {"languages": ["ar"]}}
    verdict = run(
        "field-condition", {"require": {"field": "worker.passport_held_by", "op": "eq", "value": "worker"}}, subject
    )
    assert verdict.outcome == "failed" and verdict.evidence == {"worker.passport_held_by": "employer"}
    forbid = {"forbid": {"not": {"field": "worker.languages", "op": "intersects", "other_field": "version.languages"}}}
    assert run("field-condition", forbid, subject).outcome == "failed"


def test_field_condition_params_are_strict() -> None:
    """Exactly one of require/forbid; operands must fit the operator; no expressions."""
    model = get_check("field-condition").params_model
    with pytest.raises(ValidationError):
        model.model_validate({})
    with pytest.raises(ValidationError):
        model.model_validate({"require": {"field": "a.b", "op": "in", "value": "QA"}})
    with pytest.raises(ValidationError):
        model.model_validate({"require": {"field": "a.b", "op": "eq", "value": 1, "expr": "a.b == 1"}})


def test_fee_category_banned_payment_and_totals() -> None:
    """On a payment the category decides; on contract totals any positive amount in the categories fails."""
    payment = {
        "payment": {
            "category": "medical",
            "payee_type": "agency",
            "amount_usd_minor": 500,
            "amount_minor": 500,
            "currency": "USD",
        }
    }
    assert run("fee-category-banned", {"categories": ["medical"]}, payment).outcome == "failed"
    assert (
        run("fee-category-banned", {"categories": ["medical"], "payee_types": ["employer"]}, payment).outcome
        == "passed"
    )
    totals = {"fees": {"worker_paid_by_category_usd_minor": {"equipment": 0, "medical": 10}}}
    verdict = run("fee-category-banned", {"categories": ["medical", "equipment"]}, totals)
    assert verdict.outcome == "failed" and verdict.evidence["banned_categories"] == ["medical"]


def cap_subject(total_origin: int, wage_usd: int = 30000, total_usd: int = 0) -> dict:
    """A minimal contract subject for fee caps."""
    return {
        "version": {"basic_wage_usd_minor": wage_usd},
        "fees": {
            "origin_currency": "NPR",
            "worker_paid_total_origin_minor": total_origin,
            "worker_paid_by_category_origin_minor": {"recruitment_service_fee": total_origin},
            "worker_paid_by_category_usd_minor": {"recruitment_service_fee": total_usd},
        },
    }


def test_fee_total_cap_effective_dated() -> None:
    """The rule in force on the judging date applies; none in force means not applicable."""
    params = {
        "categories": ["recruitment_service_fee"],
        "rules": [
            {"valid_to": date(2019, 12, 31), "cap": {"amount_minor": 500000, "currency": "NPR"}},
            {
                "valid_from": date(2020, 1, 1),
                "valid_to": date(2023, 12, 31),
                "cap": {"amount_minor": 1000000, "currency": "NPR"},
            },
        ],
    }
    subject = cap_subject(800000)
    assert run("fee-total-cap", params, subject, on=date(2019, 6, 1)).outcome == "failed"
    assert run("fee-total-cap", params, subject, on=date(2021, 6, 1)).outcome == "passed"
    verdict = run("fee-total-cap", params, subject, on=date(2024, 6, 1))
    assert verdict.outcome == "not_applicable"
    assert run("fee-total-cap", params, subject, on=date(2023, 12, 31)).outcome == "passed"  # valid_to inclusive


def test_fee_total_cap_wage_multiple_and_currency_mismatch() -> None:
    """A wage-multiple cap compares USD; a cap in a third currency cannot be judged."""
    params = {"rules": [{"wage_multiple": 1.0}]}
    assert run("fee-total-cap", params, cap_subject(0, wage_usd=30000, total_usd=45000)).outcome == "failed"
    assert run("fee-total-cap", params, cap_subject(0, wage_usd=30000, total_usd=30000)).outcome == "passed"
    other = {"rules": [{"cap": {"amount_minor": 1, "currency": "INR"}}]}
    assert run("fee-total-cap", other, cap_subject(5)).outcome == "not_applicable"


def terms(**changes) -> dict:
    """Minimal contract terms."""
    base = {
        "basic_wage_minor": 1000,
        "food_provided": True,
        "deductions": [],
        "isco_code": "7112",
        "return_ticket_by": "employer",
        "hours_per_day": 8,
    }
    return {**base, **changes}


def test_version_unfavourable_change_directions() -> None:
    """Worse changes fail, favourable ones pass, no previous version is not applicable."""
    params = {
        "fields": [
            {"field": "basic_wage_minor", "direction": "lower-is-worse"},
            {"field": "hours_per_day", "direction": "higher-is-worse"},
            {"field": "food_provided", "direction": "true-to-false-is-worse"},
            {"field": "deductions", "direction": "new-items-are-worse"},
            {"field": "isco_code", "direction": "any-change-is-worse", "prefix": 2},
            {"field": "return_ticket_by", "direction": "ranked", "order": ["employer", "agency", "worker"]},
        ]
    }
    same = {"previous": terms(), "version": terms()}
    assert run("version-unfavourable-change", params, same).outcome == "passed"
    better = {"previous": terms(), "version": terms(basic_wage_minor=1200, hours_per_day=7, isco_code="7114")}
    assert run("version-unfavourable-change", params, better).outcome == "passed"
    worse = {"previous": terms(), "version": terms(deductions=["food"], return_ticket_by="worker")}
    verdict = run("version-unfavourable-change", params, worse)
    assert verdict.outcome == "failed" and verdict.evidence["worse_fields"] == ["deductions", "return_ticket_by"]
    assert (
        run("version-unfavourable-change", params, {"previous": None, "version": terms()}).outcome == "not_applicable"
    )


def test_version_change_params_validate_fields() -> None:
    """Only contract-term fields, and options only where they mean something."""
    model = get_check("version-unfavourable-change").params_model
    with pytest.raises(ValidationError, match="not a contract-version field"):
        model.model_validate({"fields": [{"field": "salary", "direction": "lower-is-worse"}]})
    with pytest.raises(ValidationError, match="order is required"):
        model.model_validate({"fields": [{"field": "return_ticket_by", "direction": "ranked"}]})


def test_date_order_and_missing_policy() -> None:
    """Lead time in whole days; a missing date follows the ``missing`` policy."""
    subject = {"v": {"signed": date(2024, 3, 1)}, "c": {"departs": date(2024, 3, 5)}}
    params = {"earlier": "v.signed", "later": "c.departs", "min_days": 7}
    verdict = run("date-order", params, subject)
    assert verdict.outcome == "failed" and verdict.evidence["days_between"] == 4
    assert run("date-order", {**params, "min_days": 0, "max_days": 3}, subject).outcome == "failed"
    gap = {"v": {"signed": None}, "c": {"departs": date(2024, 3, 5)}}
    assert run("date-order", params, gap).outcome == "not_applicable"
    assert run("date-order", {**params, "missing": "fail"}, gap).outcome == "failed"


def test_licence_valid_on() -> None:
    """Outside the window, a missing bound or a disallowed status fails."""
    params = {"valid_from": "a.from", "valid_to": "a.to", "status": "a.status"}
    ok = {"a": {"from": date(2023, 1, 1), "to": date(2025, 1, 1), "status": "active"}}
    assert run("licence-valid-on", params, ok).outcome == "passed"
    assert run("licence-valid-on", params, ok, on=date(2025, 1, 2)).outcome == "failed"
    assert run("licence-valid-on", params, {"a": {**ok["a"], "status": "suspended"}}).outcome == "failed"
    assert run("licence-valid-on", params, {"a": {**ok["a"], "to": None}}).outcome == "failed"


def test_sla_overdue_tightest_allowance_and_running_clock() -> None:
    """The tightest of severity and category allowances applies; an open clock runs until now."""
    params = {
        "stop": "complaint.acknowledged_at",
        "hours_by_severity": {"high": 48},
        "hours_by_category": {"harassment_violence": 24},
    }
    received = datetime(2024, 5, 1, 8, tzinfo=UTC)
    subject = {
        "complaint": {"received_at": received, "acknowledged_at": None, "severity": "high", "categories": ["fees"]},
        "now": datetime(2024, 5, 2, 20, tzinfo=UTC),
    }
    verdict = run("sla-overdue", params, subject)
    assert verdict.outcome == "passed" and verdict.evidence["clock_running"] is True
    subject["complaint"]["categories"] = ["harassment_violence"]
    verdict = run("sla-overdue", params, subject)
    assert verdict.outcome == "failed" and verdict.evidence["allowed_hours"] == 24
    subject["complaint"]["severity"], subject["complaint"]["categories"] = "low", ["other"]
    assert run("sla-overdue", params, subject).outcome == "not_applicable"


def test_ratio_threshold_and_age() -> None:
    """Ratios above max fail; small denominators are not judged; age counts completed years."""
    params = {"numerator": "n", "denominator": "d", "max": 1.0}
    assert run("ratio-threshold", params, {"n": 150, "d": 100}).outcome == "failed"
    assert run("ratio-threshold", params, {"n": 150, "d": 0}).outcome == "not_applicable"
    age = {"birth": "dob", "min_years": 18}
    assert run("age-at-least", age, {"dob": date(2006, 6, 2)}).outcome == "failed"
    assert run("age-at-least", age, {"dob": date(2006, 6, 1)}).outcome == "passed"


def test_wage_floor_allowances_and_dates() -> None:
    """Basic wage and each allowance must reach the floor in force, unless the benefit is provided."""
    params = {
        "rules": [
            {
                "valid_from": date(2021, 3, 20),
                "floor": {"amount_minor": 100000, "currency": "QAR"},
                "allowances": [
                    {
                        "field": "version.food_allowance_minor",
                        "min_minor": 30000,
                        "unless_true": "version.food_provided",
                    }
                ],
            }
        ]
    }
    version = {
        "basic_wage_minor": 100000,
        "wage_currency": "QAR",
        "wage_period": "month",
        "basic_wage_usd_minor": 27000,
        "food_allowance_minor": 0,
        "food_provided": False,
    }
    verdict = run("wage-floor", params, {"version": version})
    assert verdict.outcome == "failed" and verdict.evidence["shortfalls"] == "food_allowance_minor"
    assert run("wage-floor", params, {"version": {**version, "food_provided": True}}).outcome == "passed"
    assert run("wage-floor", params, {"version": version}, on=date(2020, 1, 1)).outcome == "not_applicable"
