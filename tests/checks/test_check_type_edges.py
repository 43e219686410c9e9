"""Every check type at its edges: each bound exactly on and one unit either side, each default, each branch,
the exact evidence dict of each outcome, and the field paths and evidence keys each type declares to the loader
(which checks message placeholders against them). Also the condition grammar, effective dating, money display
and the registry. ``licence-valid-on`` is tested directly: no shipped pack uses it any more.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from recruitment_watch.checks import registry
from recruitment_watch.checks.conditions import AllOf, AnyOf, Comparison, NotOf, _condition_kind, compare, resolve
from recruitment_watch.checks.effective import EffectiveRule, Money, check_no_overlap, format_money, rule_in_force
from recruitment_watch.checks.registry import (
    CheckType,
    Params,
    Verdict,
    check_keys,
    failed,
    get_check,
    not_applicable,
    passed,
    register,
)
from recruitment_watch.checks.types_basic import age_on, as_date
from recruitment_watch.checks.types_contract import FieldChange, is_worse
from recruitment_watch.checks.types_fees import _category_sum
from tests.checks.test_check_types import ON, run

D = date
EMPTY = "List should have at least 1 item after validation, not 0"
AT_LEAST_1 = "Input should be greater than or equal to 1"
ORDER_ONLY_RANKED = "order is required for, and only allowed with, direction ranked"


def params_of(key: str, raw: dict[str, Any]) -> Any:
    """Validated params for check ``key``."""
    return get_check(key).params_model.model_validate(raw)


def rejection(validate: Callable[[Any], Any], raw: Any) -> list[str]:
    """The errors validating ``raw`` raises, each as ``location: message`` (just the message at the top level)."""
    with pytest.raises(ValidationError) as raised:
        validate(raw)
    return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}".removeprefix(": ") for e in raised.value.errors()]


def invalid(key: str, raw: dict[str, Any], message: str) -> None:
    """Assert that ``raw`` params for ``key`` are rejected with exactly this one error."""
    assert rejection(get_check(key).params_model.model_validate, raw) == [message]


# --- registry -----------------------------------------------------------------------------------------------------


def test_registry_holds_exactly_the_built_in_types_sorted() -> None:
    """check_keys lists the ten built-in types in sorted order; an unknown key has no check."""
    assert check_keys() == [
        "age-at-least",
        "date-order",
        "fee-category-banned",
        "fee-total-cap",
        "field-condition",
        "licence-valid-on",
        "ratio-threshold",
        "sla-overdue",
        "version-unfavourable-change",
        "wage-floor",
    ]
    assert get_check("no-such-check") is None


@pytest.mark.parametrize(
    ("key", "subjects"),
    [
        ("field-condition", {"agency", "contract_version", "fee_payment", "complaint"}),
        ("date-order", {"agency", "contract_version", "fee_payment", "complaint"}),
        ("age-at-least", {"agency", "contract_version", "fee_payment", "complaint"}),
        ("ratio-threshold", {"agency", "contract_version", "fee_payment", "complaint"}),
        ("licence-valid-on", {"agency", "contract_version", "fee_payment", "complaint"}),
        ("sla-overdue", {"complaint"}),
        ("version-unfavourable-change", {"contract_version"}),
        ("wage-floor", {"contract_version", "fee_payment"}),
        ("fee-category-banned", {"contract_version", "fee_payment"}),
        ("fee-total-cap", {"contract_version", "fee_payment"}),
    ],
)
def test_each_type_judges_its_subject_types(key: str, subjects: set[str]) -> None:
    """The subject types a check type accepts (the loader rejects any other)."""
    assert get_check(key).subjects == subjects


def test_register_stores_an_instance_and_refuses_a_second_registration(monkeypatch) -> None:
    """A new key is registered as an instance of its class; registering the key again is an error."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))

    class Probe(CheckType):
        key = "probe-check"
        params_model = Params
        subjects = frozenset({"agency"})

    assert register(Probe) is Probe
    assert isinstance(get_check("probe-check"), Probe)
    assert "probe-check" in check_keys()
    with pytest.raises(ValueError, match="^check type 'probe-check' registered twice$"):
        register(Probe)


def test_check_type_base_defaults() -> None:
    """The base class judges nothing and declares no fields, evidence keys or subject problems."""
    base = CheckType()
    with pytest.raises(NotImplementedError):
        base.evaluate({}, None, on=ON)
    assert (base.field_paths(None), base.evidence_keys(None), base.subject_problem(None, "agency")) == ([], set(), None)


@pytest.mark.parametrize(
    ("make", "outcome"),
    [(passed, "passed"), (failed, "failed"), (not_applicable, "not_applicable")],
)
def test_verdict_helpers(make, outcome: str) -> None:
    """Each helper sets its outcome, keeps given evidence and defaults to empty evidence; only failed is failed."""
    assert make() == Verdict(outcome, {})
    assert make({"a": 1}) == Verdict(outcome, {"a": 1})
    assert make({"a": 1}).failed is (outcome == "failed")


def test_params_are_strict_and_frozen() -> None:
    """Unknown params are rejected and validated params cannot be changed."""
    invalid("date-order", {"earlier": "a.b", "expr": "a.b > 1"}, "expr: Extra inputs are not permitted")
    params = params_of("date-order", {"earlier": "a.b"})
    with pytest.raises(ValidationError, match="frozen"):
        params.min_days = 3


# --- conditions ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("eq", 1, 2, False),
        ("eq", None, None, False),
        ("ne", 1, 1, False),
        ("ne", 1, 2, True),
        ("lt", 1, 2, True),
        ("lt", 1, 1, False),
        ("le", 1, 1, True),
        ("le", 2, 1, False),
        ("gt", 2, 1, True),
        ("gt", 2, 2, False),
        ("ge", 2, 2, True),
        ("ge", 1, 2, False),
        ("lt", 1, None, False),
        ("lt", "a", 1, False),
        ("eq", date(2024, 1, 1), "2024-01-01", True),
        ("lt", "2024-01-01", date(2024, 1, 2), True),
        ("eq", datetime(2024, 1, 1, 8, tzinfo=UTC), "2024-01-01T08:00:00+00:00", True),
        ("gt", "2024-01-01T09:00:00+00:00", datetime(2024, 1, 1, 8, tzinfo=UTC), True),
        ("is_null", None, None, True),
        ("is_null", None, 1, True),
        ("is_null", 0, None, False),
        ("not_null", None, None, False),
        ("not_null", 0, None, True),
        ("in", "QA", "QA", True),
        ("in", "QA", ["AE"], False),
        ("in", None, ["QA"], False),
        ("not_in", "QA", ["QA"], False),
        ("not_in", None, ["QA"], False),
        ("contains", ["en"], "ar", False),
        ("contains", "ar", "a", False),
        ("not_contains", ["en"], "ar", True),
        ("not_contains", ["ar"], "ar", False),
        ("len_eq", [], 0, True),
        ("len_eq", ("a",), 1, True),
        ("len_gt", [1], 1, False),
        ("len_gt", [1, 2], 1, True),
        ("len_lt", {"a": 1}, 2, True),
        ("len_le", [1, 2], 2, True),
        ("len_le", [1, 2, 3], 2, False),
        ("len_ge", "abc", 1, False),
        ("subset_of", "ne", ["ne"], True),
        ("subset_of", ["ne", "xx"], ["ne"], False),
        ("intersects", "ne", "ne", True),
        ("intersects", ["ne"], ["ar"], False),
        ("missing_from", ["ne"], ["ne", "ar"], False),
        ("missing_from", [], ["ar"], True),
    ],
)
def test_compare_boundaries_and_nulls(op: str, left, right, expected: bool) -> None:
    """Each operator on, and either side of, its boundary; null and mistyped operands compare false."""
    assert compare(op, left, right) is expected


def test_compare_rejects_an_unknown_operator() -> None:
    """An operator outside the grammar is a programming error."""
    with pytest.raises(ValueError, match="unknown operator 'like'"):
        compare("like", "a", "a")


@pytest.mark.parametrize(
    ("subject", "path", "value"),
    [
        ({"a": {"b": 0}}, "a.b", 0),
        ({"a": {"b": False}}, "a.b", False),
        ({"a": {"b": ""}}, "a.b", ""),
        ({"a": {"b": 1}}, "a.c", None),
        ({"a": {"b": 1}}, "a.b.c", None),
        ({"a": None}, "a.b", None),
        ({"a": {"b": 1}}, "a", {"b": 1}),
    ],
)
def test_resolve_keeps_falsy_values_and_nulls_missing_paths(subject: dict, path: str, value) -> None:
    """A missing key or a non-object on the way yields None; 0, False and '' are values."""
    assert resolve(subject, path) == value and type(resolve(subject, path)) is type(value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"field": "a", "op": "is_null", "value": 1}, "is_null takes no value or other_field"),
        ({"field": "a", "op": "not_null", "other_field": "b"}, "not_null takes no value or other_field"),
        ({"field": "a", "op": "eq"}, "eq needs exactly one of value or other_field"),
        ({"field": "a", "op": "eq", "value": 1, "other_field": "b"}, "eq needs exactly one of value or other_field"),
        ({"field": "a", "op": "eq", "value": None}, "value must not be null; use is_null/not_null"),
        ({"field": "a", "op": "in", "value": "QA"}, "in needs a list value"),
        ({"field": "a", "op": "len_gt", "value": True}, "len_gt needs an integer value"),
        ({"field": "a", "op": "len_gt", "value": 1.5}, "len_gt needs an integer value"),
        ({"field": "a", "op": "lt", "value": [1]}, "lt needs a single value, not a list"),
        ({"field": "a", "op": "contains", "value": ["x"]}, "contains needs a single value, not a list"),
    ],
)
def test_comparison_operands_must_fit_the_operator(raw: dict, message: str) -> None:
    """Each operand rule, with its message."""
    assert rejection(Comparison.model_validate, raw) == [f"Value error, {message}"]


def test_comparison_fields_are_dotted_lower_case_names() -> None:
    """A field path is lower-case dotted identifiers."""
    assert rejection(Comparison.model_validate, {"field": "A.b", "op": "eq", "value": 1}) == [
        "field: String should match pattern '^[a-z_][a-z0-9_]*(\\.[a-z0-9_]+)*$'"
    ]


@pytest.mark.parametrize(
    "raw",
    [
        {"field": "a", "op": "is_null"},
        {"field": "a", "op": "len_eq", "value": 0},
        {"field": "a", "op": "in", "value": ["QA"]},
        {"field": "a", "op": "eq", "other_field": "b"},
        {"field": "a", "op": "eq", "value": False},
    ],
)
def test_comparison_accepts_fitting_operands(raw: dict) -> None:
    """Zero, False and other_field are valid operands."""
    assert Comparison.model_validate(raw).model_dump(exclude_unset=True) == raw


def test_comparison_records_both_operand_fields() -> None:
    """A field-to-field comparison records both values read."""
    evidence: dict[str, Any] = {}
    cond = Comparison.model_validate({"field": "a.x", "op": "lt", "other_field": "b.y"})
    assert cond.holds({"a": {"x": 1}, "b": {"y": 2}}, evidence) is True
    assert evidence == {"a.x": 1, "b.y": 2}


@pytest.mark.parametrize(("model", "key", "expected"), [(AllOf, "all", False), (AnyOf, "any", True)])
def test_all_and_any_evaluate_every_member_for_evidence(model, key: str, expected: bool) -> None:
    """all/any do not short-circuit: evidence names every field read."""
    cond = model.model_validate(
        {
            key: [
                {"field": "a", "op": "eq", "value": 2},
                {"field": "b", "op": "eq", "value": 2},
                {"field": "c", "op": "is_null"},
            ]
        }
    )
    evidence: dict[str, Any] = {}
    assert cond.holds({"a": 1, "b": 2, "c": 3}, evidence) is expected
    assert evidence == {"a": 1, "b": 2, "c": 3}


@pytest.mark.parametrize(("value", "expected"), [(1, False), (2, True), (None, True)])
def test_not_negates_the_comparison_on_this_subject(value, expected: bool) -> None:
    """not is plain negation of the member judged on the same subject."""
    cond = NotOf.model_validate({"not": {"field": "a", "op": "eq", "value": 1}})
    evidence: dict[str, Any] = {}
    assert cond.holds({"a": value}, evidence) is expected
    assert evidence == {"a": value}


def test_paths_walk_every_nested_condition() -> None:
    """paths lists each field read, in order, through all/any/not and other_field."""
    params = params_of(
        "field-condition",
        {
            "require": {
                "all": [
                    {"field": "a", "op": "eq", "other_field": "b"},
                    {"any": [{"not": {"field": "c", "op": "is_null"}}, {"field": "d", "op": "eq", "value": 1}]},
                ]
            }
        },
    )
    assert get_check("field-condition").field_paths(params) == ["a", "b", "c", "d"]


def test_empty_all_or_any_is_rejected() -> None:
    """all/any need at least one member."""
    invalid("field-condition", {"require": {"all": []}}, f"require.all.all: {EMPTY}")
    invalid("field-condition", {"require": {"any": []}}, f"require.any.any: {EMPTY}")


COMPARE = {"field": "a", "op": "eq", "value": 1}


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ({"all": []}, "all"),
        ({"any": [], "not": {}}, "any"),
        ({"not": {}}, "not"),
        ({"field": "a"}, "compare"),
        ({}, "compare"),
        (42, None),
        ([COMPARE], None),
        (AllOf.model_validate({"all": [COMPARE]}), "all"),
        (AnyOf.model_validate({"any": [COMPARE]}), "any"),
        (NotOf.model_validate({"not": COMPARE}), "not"),
        (Comparison.model_validate(COMPARE), "compare"),
    ],
)
def test_condition_kind_is_picked_from_keys_or_model(raw, kind: str | None) -> None:
    """Dicts pick their shape by key (all, then any, then not); built models by their class."""
    assert _condition_kind(raw) == kind


@pytest.mark.parametrize(
    ("cond", "holds_on_one"),
    [
        (AllOf.model_validate({"all": [COMPARE]}), True),
        (AnyOf.model_validate({"any": [COMPARE]}), True),
        (NotOf.model_validate({"not": COMPARE}), False),
        (Comparison.model_validate(COMPARE), True),
    ],
)
def test_params_accept_already_built_conditions(cond, holds_on_one: bool) -> None:
    """Params built in Python from condition models validate and judge like their YAML form."""
    params = get_check("field-condition").params_model(require=cond)
    verdict = get_check("field-condition").evaluate({"a": 1}, params, on=ON)
    assert verdict == Verdict("passed" if holds_on_one else "failed", {"a": 1})


def test_a_condition_that_is_not_an_object_is_rejected() -> None:
    """A scalar where a condition belongs has no shape to validate against."""
    invalid("field-condition", {"require": 42}, "require: Unable to extract tag using discriminator _condition_kind()")


# --- effective dating and money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [(D(2020, 12, 31), False), (D(2021, 1, 1), True), (D(2021, 6, 30), True), (D(2021, 7, 1), False)],
)
def test_rule_in_force_between_inclusive_bounds(on: date, expected: bool) -> None:
    """valid_from and valid_to are both inclusive."""
    assert EffectiveRule(valid_from=D(2021, 1, 1), valid_to=D(2021, 6, 30)).in_force(on) is expected


@pytest.mark.parametrize(
    ("rule", "in_force"),
    [
        ({}, True),
        ({"valid_from": D(2024, 6, 1)}, True),
        ({"valid_from": D(2024, 6, 2)}, False),
        ({"valid_to": D(2024, 6, 1)}, True),
        ({"valid_to": D(2024, 5, 31)}, False),
    ],
)
def test_open_ended_rules(rule: dict, in_force: bool) -> None:
    """A missing bound is open."""
    assert EffectiveRule(**rule).in_force(ON) is in_force


def test_rule_bounds_must_be_ordered() -> None:
    """A one-day rule is valid; a rule ending before it starts is not."""
    assert EffectiveRule(valid_from=ON, valid_to=ON).in_force(ON)
    assert rejection(lambda raw: EffectiveRule(**raw), {"valid_from": ON, "valid_to": ON - timedelta(days=1)}) == [
        "Value error, valid_from is after valid_to"
    ]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"valid_to": D(2020, 12, 31)}, {"valid_from": D(2020, 12, 31)}], "until 2020-12-31, next from 2020-12-31"),
        ([{"valid_from": D(2020, 12, 31)}, {"valid_to": D(2020, 12, 31)}], "until 2020-12-31, next from 2020-12-31"),
        ([{}, {"valid_from": D(2021, 1, 1)}], "until None, next from 2021-01-01"),
        ([{"valid_to": D(2020, 12, 31)}, {"valid_to": D(2021, 12, 31)}], "until 2020-12-31, next from None"),
    ],
)
def test_overlapping_rules_are_rejected(rules: list[dict], message: str) -> None:
    """Rules sharing even one day (or open-ended into each other) overlap, in any order given."""
    with pytest.raises(ValueError, match=f"^rules overlap: one in force {message}$"):
        check_no_overlap([EffectiveRule(**rule) for rule in rules])


@pytest.mark.parametrize(
    "rules",
    [
        [],
        [{}],
        [{"valid_to": D(2020, 12, 31)}, {"valid_from": D(2021, 1, 1)}],
        [{"valid_from": D(2021, 1, 1)}, {"valid_to": D(2020, 12, 31)}],
        [{"valid_from": D(2022, 1, 1)}, {"valid_from": D(2021, 1, 1), "valid_to": D(2021, 12, 31)}],
    ],
)
def test_adjacent_rules_do_not_overlap(rules: list[dict]) -> None:
    """A rule may start the day after the previous one ends."""
    check_no_overlap([EffectiveRule(**rule) for rule in rules])
    assert sum(EffectiveRule(**rule).in_force(D(2021, 1, 1)) for rule in rules) <= 1


def test_rule_in_force_picks_the_one_rule_or_none() -> None:
    """The rule in force on the date, or None between rules."""
    old, new = EffectiveRule(valid_to=D(2019, 12, 31), note="old"), EffectiveRule(valid_from=D(2021, 1, 1), note="new")
    assert rule_in_force([old, new], D(2019, 12, 31)) is old
    assert rule_in_force([old, new], D(2021, 1, 1)) is new
    assert rule_in_force([old, new], D(2020, 6, 1)) is None


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (None, "USD", "?"),
        (0, "QAR", "QAR 0.00"),
        (123456, "USD", "USD 1,234.56"),
        (123456789, "NPR", "NPR 1,234,567.89"),
        (1234, "JPY", "JPY 1,234"),
        (1234, "KRW", "KRW 1,234"),
        (1234567, "BHD", "BHD 1,234.567"),
        (1234567, "KWD", "KWD 1,234.567"),
        (12345, None, "123.45"),
        (12345, "", "123.45"),
    ],
)
def test_format_money_uses_each_currency_exponent(amount, currency, text: str) -> None:
    """Amounts show in major units with the currency's decimals; an unknown amount is '?'."""
    assert format_money(amount, currency) == text


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"amount_minor": -1, "currency": "USD"}, "amount_minor: Input should be greater than or equal to 0"),
        ({"amount_minor": 1, "currency": "usd"}, "currency: String should match pattern '^[A-Z]{3}$'"),
    ],
)
def test_money_is_non_negative_in_an_iso_currency(raw: dict, message: str) -> None:
    """Negative amounts and lower-case currencies are rejected."""
    assert rejection(Money.model_validate, raw) == [message]


# --- field-condition ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [{}, {"require": COMPARE, "forbid": COMPARE}])
def test_field_condition_needs_exactly_one_of_require_or_forbid(raw: dict) -> None:
    """Neither or both is an error."""
    invalid("field-condition", raw, "Value error, give exactly one of require or forbid")


@pytest.mark.parametrize(
    ("mode", "value", "outcome"),
    [("require", 1, "passed"), ("require", 2, "failed"), ("forbid", 1, "failed"), ("forbid", 2, "passed")],
)
def test_field_condition_outcomes_and_evidence(mode: str, value: int, outcome: str) -> None:
    """require passes when the condition holds, forbid fails when it holds; evidence is the value read."""
    assert run("field-condition", {mode: COMPARE}, {"a": value}) == Verdict(outcome, {"a": value})


@pytest.mark.parametrize("mode", ["require", "forbid"])
def test_field_condition_declares_the_fields_of_its_condition(mode: str) -> None:
    """field_paths reads whichever of require or forbid is given."""
    params = params_of("field-condition", {mode: {"field": "x.y", "op": "lt", "other_field": "x.z"}})
    assert get_check("field-condition").field_paths(params) == ["x.y", "x.z"]
    assert get_check("field-condition").evidence_keys(params) == set()


# --- date-order ---------------------------------------------------------------------------------------------------

SIGNED = D(2024, 3, 1)
LEAD = {"earlier": "v.signed", "later": "c.departs", "min_days": 7, "max_days": 10}


@pytest.mark.parametrize(
    ("departs", "days", "outcome"),
    [
        (D(2024, 3, 7), 6, "failed"),
        (D(2024, 3, 8), 7, "passed"),
        (D(2024, 3, 11), 10, "passed"),
        (D(2024, 3, 12), 11, "failed"),
    ],
)
def test_date_order_min_and_max_days_are_inclusive(departs: date, days: int, outcome: str) -> None:
    """Exactly min_days or max_days between the dates passes; one day fewer or more fails."""
    verdict = run("date-order", LEAD, {"v": {"signed": SIGNED}, "c": {"departs": departs}})
    assert verdict == Verdict(outcome, {"v.signed": SIGNED, "c.departs": departs, "days_between": days})


@pytest.mark.parametrize(("departs", "outcome"), [(SIGNED, "passed"), (SIGNED - timedelta(days=1), "failed")])
def test_date_order_defaults_to_same_day_or_later_without_upper_bound(departs: date, outcome: str) -> None:
    """min_days defaults to 0 and there is no maximum by default."""
    params = {"earlier": "v.signed", "later": "c.departs"}
    assert run("date-order", params, {"v": {"signed": SIGNED}, "c": {"departs": departs}}).outcome == outcome
    far = {"v": {"signed": SIGNED}, "c": {"departs": D(2090, 1, 1)}}
    assert run("date-order", params, far).outcome == "passed"


@pytest.mark.parametrize(
    ("expires", "days", "outcome"), [(D(2024, 7, 31), 60, "passed"), (D(2024, 7, 30), 59, "failed")]
)
def test_date_order_without_earlier_counts_from_the_judging_date(expires: date, days: int, outcome: str) -> None:
    """An omitted ``earlier`` is the judging date, shown as ``judged_on``."""
    verdict = run("date-order", {"later": "a.expires", "min_days": 60}, {"a": {"expires": expires}})
    assert verdict == Verdict(outcome, {"judged_on": ON, "a.expires": expires, "days_between": days})


def test_date_order_without_later_counts_to_the_judging_date() -> None:
    """An omitted ``later`` is the judging date; datetimes count by their UTC date."""
    received = datetime(2024, 5, 31, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    verdict = run("date-order", {"earlier": "c.received", "max_days": 0}, {"c": {"received": received}})
    assert verdict == Verdict("passed", {"c.received": D(2024, 6, 1), "judged_on": ON, "days_between": 0})


@pytest.mark.parametrize(("missing", "outcome"), [({}, "not_applicable"), ({"missing": "fail"}, "failed")])
def test_date_order_missing_date_follows_the_policy(missing: dict, outcome: str) -> None:
    """A null date is not applicable by default, a failure with ``missing: fail``; no day count is shown."""
    subject = {"v": {"signed": None}, "c": {"departs": SIGNED}}
    assert run("date-order", {**LEAD, **missing}, subject) == Verdict(outcome, {"v.signed": None, "c.departs": SIGNED})


def test_date_order_declarations() -> None:
    """Needs a field on at least one side; declares its date fields and computed keys."""
    invalid("date-order", {"min_days": 1}, "Value error, give earlier, later or both")
    check = get_check("date-order")
    assert check.field_paths(params_of("date-order", LEAD)) == ["v.signed", "c.departs"]
    assert check.field_paths(params_of("date-order", {"later": "c.departs"})) == ["c.departs"]
    assert check.evidence_keys(params_of("date-order", LEAD)) == {"days_between", "judged_on"}


# --- age-at-least -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(2006, 6, 1), D(2024, 6, 1), 18),
        (D(2006, 6, 2), D(2024, 6, 1), 17),
        (D(2006, 5, 31), D(2024, 6, 1), 18),
        (D(2006, 7, 1), D(2024, 6, 30), 17),
        (D(2006, 5, 31), D(2024, 6, 30), 18),
        (D(2004, 2, 29), D(2022, 2, 28), 17),
        (D(2004, 2, 29), D(2022, 3, 1), 18),
    ],
)
def test_age_counts_completed_years(birth: date, on: date, age: int) -> None:
    """A year completes on the birthday (a 29 February birthday completes on 1 March)."""
    assert age_on(birth, on) == age


@pytest.mark.parametrize(("birth", "age", "outcome"), [(D(2006, 6, 1), 18, "passed"), (D(2006, 6, 2), 17, "failed")])
def test_age_at_least_on_the_judging_date(birth: date, age: int, outcome: str) -> None:
    """Exactly min_years on the judging date passes; a day younger fails."""
    verdict = run("age-at-least", {"birth": "w.dob", "min_years": 18}, {"w": {"dob": birth}})
    assert verdict == Verdict(outcome, {"w.dob": birth, "age_on": ON, "age_years": age})


def test_age_at_least_on_a_subject_date() -> None:
    """With ``at`` the age is taken on that field's date (ISO strings accepted)."""
    params = {"birth": "w.dob", "at": "c.departs", "min_years": 18}
    verdict = run("age-at-least", params, {"w": {"dob": "2006-06-02"}, "c": {"departs": D(2024, 6, 2)}})
    assert verdict == Verdict("passed", {"w.dob": D(2006, 6, 2), "age_on": D(2024, 6, 2), "age_years": 18})


@pytest.mark.parametrize(
    ("subject", "evidence"),
    [
        ({"w": {"dob": None}, "c": {"departs": ON}}, {"w.dob": None, "age_on": ON}),
        ({"w": {"dob": D(2000, 1, 1)}, "c": {"departs": None}}, {"w.dob": D(2000, 1, 1), "age_on": None}),
    ],
)
@pytest.mark.parametrize(("missing", "outcome"), [({}, "not_applicable"), ({"missing": "fail"}, "failed")])
def test_age_at_least_missing_date_follows_the_policy(subject, evidence, missing: dict, outcome: str) -> None:
    """A null birth or reference date is not applicable by default, a failure with ``missing: fail``."""
    params = {"birth": "w.dob", "at": "c.departs", "min_years": 18, **missing}
    assert run("age-at-least", params, subject) == Verdict(outcome, evidence)


def test_age_at_least_declarations() -> None:
    """min_years lies in 0..120; declares birth (and ``at``) fields and its computed keys."""
    invalid(
        "age-at-least", {"birth": "w.dob", "min_years": -1}, "min_years: Input should be greater than or equal to 0"
    )
    invalid(
        "age-at-least", {"birth": "w.dob", "min_years": 121}, "min_years: Input should be less than or equal to 120"
    )
    check = get_check("age-at-least")
    assert check.field_paths(params_of("age-at-least", {"birth": "w.dob", "min_years": 0})) == ["w.dob"]
    with_at = params_of("age-at-least", {"birth": "w.dob", "at": "c.departs", "min_years": 120})
    assert check.field_paths(with_at) == ["w.dob", "c.departs"]
    assert check.evidence_keys(with_at) == {"age_years", "age_on"}


# --- ratio-threshold ----------------------------------------------------------------------------------------------

RATIO = {"numerator": "a.n", "denominator": "a.d", "max": 1.0}


@pytest.mark.parametrize(
    ("n", "d", "ratio", "outcome"),
    [(100, 100, 1.0, "passed"), (101, 100, 1.01, "failed"), (1, 3, 0.3333, "passed"), (2, 1, 2.0, "failed")],
)
def test_ratio_at_max_passes_and_above_fails(n: int, d: int, ratio: float, outcome: str) -> None:
    """The ratio may equal max; the evidence rounds it to four decimals."""
    verdict = run("ratio-threshold", RATIO, {"a": {"n": n, "d": d}})
    assert verdict == Verdict(outcome, {"a.n": n, "a.d": d, "max": 1.0, "ratio": ratio})


def test_ratio_null_numerator_counts_as_zero() -> None:
    """No complaints recorded is a ratio of 0."""
    verdict = run("ratio-threshold", RATIO, {"a": {"n": None, "d": 5}})
    assert verdict == Verdict("passed", {"a.n": 0, "a.d": 5, "max": 1.0, "ratio": 0.0})


@pytest.mark.parametrize(
    ("min_denominator", "d", "outcome"),
    [
        (None, None, "not_applicable"),
        (None, 0, "not_applicable"),
        (None, 1, "failed"),
        (10, 9, "not_applicable"),
        (10, 10, "passed"),
    ],
)
def test_ratio_small_denominators_are_not_judged(min_denominator, d, outcome: str) -> None:
    """Denominators below min_denominator (default 1) or null are not applicable."""
    params = {**RATIO, **({"min_denominator": min_denominator} if min_denominator else {})}
    verdict = run("ratio-threshold", params, {"a": {"n": 2, "d": d}})
    assert verdict.outcome == outcome
    if outcome == "not_applicable":
        assert verdict.evidence == {"a.n": 2, "a.d": d, "max": 1.0}


def test_ratio_declarations() -> None:
    """max is non-negative, min_denominator at least 1; declares both fields and its computed keys."""
    invalid("ratio-threshold", {**RATIO, "max": -0.1}, "max: Input should be greater than or equal to 0")
    invalid(
        "ratio-threshold",
        {**RATIO, "min_denominator": 0},
        "min_denominator: Input should be greater than or equal to 1",
    )
    params = params_of("ratio-threshold", {**RATIO, "max": 0, "min_denominator": 1})
    assert get_check("ratio-threshold").field_paths(params) == ["a.n", "a.d"]
    assert get_check("ratio-threshold").evidence_keys(params) == {"ratio", "max"}


# --- as_date ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(2024, 3, 1), D(2024, 3, 1)),
        (datetime(2024, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5))), D(2024, 3, 2)),
        (datetime(2024, 3, 2, 1, 0, tzinfo=timezone(timedelta(hours=3))), D(2024, 3, 1)),
        (datetime(2024, 3, 1, 23, 30), D(2024, 3, 1)),
        ("2024-03-01", D(2024, 3, 1)),
        ("2024-03-01T23:30:00-05:00", D(2024, 3, 1)),
        (20240301, None),
        (None, None),
    ],
)
def test_as_date(value, expected) -> None:
    """Aware datetimes count by their UTC date, naive ones and ISO strings by their own; others are None."""
    assert as_date(value) == expected


# --- licence-valid-on (no shipped pack uses it; tested directly) --------------------------------------------------

WINDOW = {"valid_from": "a.from", "valid_to": "a.to"}
LICENCE = {"from": D(2023, 1, 1), "to": D(2025, 1, 1), "status": "active", "signed": None}


@pytest.mark.parametrize(
    ("on", "outcome"),
    [(D(2022, 12, 31), "failed"), (D(2023, 1, 1), "passed"), (D(2025, 1, 1), "passed"), (D(2025, 1, 2), "failed")],
)
def test_licence_window_is_inclusive(on: date, outcome: str) -> None:
    """Valid on its first and last day, not the day before or after; no status read without ``status``."""
    verdict = run("licence-valid-on", WINDOW, {"a": LICENCE}, on=on)
    assert verdict == Verdict(outcome, {"a.from": D(2023, 1, 1), "a.to": D(2025, 1, 1), "checked_on": on})


@pytest.mark.parametrize(
    ("signed", "on", "outcome"), [(D(2022, 12, 31), ON, "failed"), (D(2023, 1, 1), D(2030, 1, 1), "passed")]
)
def test_licence_checked_on_a_subject_date(signed: date, on: date, outcome: str) -> None:
    """With ``date`` the licence is checked on that field's date, not the judging date."""
    verdict = run("licence-valid-on", {**WINDOW, "date": "a.signed"}, {"a": {**LICENCE, "signed": signed}}, on=on)
    assert verdict == Verdict(outcome, {"a.from": D(2023, 1, 1), "a.to": D(2025, 1, 1), "checked_on": signed})


def test_licence_checked_on_a_datetime_uses_its_utc_date() -> None:
    """A datetime reference date counts by its UTC date."""
    signed = datetime(2022, 12, 31, 22, tzinfo=timezone(timedelta(hours=-3)))
    verdict = run("licence-valid-on", {**WINDOW, "date": "a.signed"}, {"a": {**LICENCE, "signed": signed}})
    assert verdict.outcome == "passed" and verdict.evidence["checked_on"] == D(2023, 1, 1)


@pytest.mark.parametrize(("policy", "outcome"), [({}, "not_applicable"), ({"missing_date": "fail"}, "failed")])
def test_licence_missing_reference_date_follows_the_policy(policy: dict, outcome: str) -> None:
    """A null reference date is not applicable by default, a failure with ``missing_date: fail``."""
    verdict = run("licence-valid-on", {**WINDOW, "date": "a.signed", **policy}, {"a": LICENCE})
    assert verdict == Verdict(outcome, {"a.from": D(2023, 1, 1), "a.to": D(2025, 1, 1), "checked_on": None})


@pytest.mark.parametrize("bound", ["from", "to"])
def test_licence_missing_bound_fails(bound: str) -> None:
    """A licence without a start or end date is not a valid licence."""
    assert run("licence-valid-on", WINDOW, {"a": {**LICENCE, bound: None}}).outcome == "failed"


@pytest.mark.parametrize(
    ("allowed", "status", "outcome"),
    [
        ({}, "active", "passed"),
        ({}, "renewed", "passed"),
        ({}, "suspended", "failed"),
        ({}, None, "failed"),
        ({"allowed_statuses": ["suspended"]}, "suspended", "passed"),
        ({"allowed_statuses": ["suspended"]}, "active", "failed"),
    ],
)
def test_licence_status_must_be_allowed(allowed: dict, status, outcome: str) -> None:
    """Active and renewed are allowed by default; the status read is evidence."""
    params = {**WINDOW, "status": "a.status", **allowed}
    verdict = run("licence-valid-on", params, {"a": {**LICENCE, "status": status}})
    assert verdict == Verdict(
        outcome, {"a.from": D(2023, 1, 1), "a.to": D(2025, 1, 1), "checked_on": ON, "a.status": status}
    )


def test_licence_declarations() -> None:
    """allowed_statuses is a non-empty list of known statuses; declares its fields and ``checked_on``."""
    invalid("licence-valid-on", {**WINDOW, "allowed_statuses": []}, f"allowed_statuses: {EMPTY}")
    invalid(
        "licence-valid-on",
        {**WINDOW, "allowed_statuses": ["dormant"]},
        "allowed_statuses.0: Input should be 'active', 'renewed', 'suspended', 'cancelled', 'expired', 'surrendered',"
        " 'delisted' or 'banned'",
    )
    check = get_check("licence-valid-on")
    full = params_of("licence-valid-on", {**WINDOW, "status": "a.status", "date": "a.signed"})
    assert check.field_paths(full) == ["a.from", "a.to", "a.status", "a.signed"]
    assert check.field_paths(params_of("licence-valid-on", WINDOW)) == ["a.from", "a.to"]
    assert check.evidence_keys(full) == {"checked_on"}


# --- sla-overdue --------------------------------------------------------------------------------------------------

RECEIVED = datetime(2024, 5, 1, 8, tzinfo=UTC)
SLA = {"stop": "complaint.acknowledged_at", "hours_by_severity": {"high": 48}}


def complaint(stop=None, *, now=None, severity="high", categories=("fees",), start=RECEIVED) -> dict[str, Any]:
    """A complaint subject with the given clock and allowance fields."""
    return {
        "complaint": {
            "received_at": start,
            "acknowledged_at": stop,
            "severity": severity,
            "categories": list(categories) if categories is not None else None,
        },
        "now": now,
    }


@pytest.mark.parametrize(
    ("elapsed", "shown", "outcome"),
    [
        (timedelta(hours=48), 48.0, "passed"),
        (timedelta(hours=48, seconds=1), 48.0, "failed"),
        (timedelta(hours=48, minutes=5), 48.1, "failed"),
    ],
)
def test_sla_met_at_exactly_the_allowance(elapsed: timedelta, shown: float, outcome: str) -> None:
    """Acknowledged at exactly 48 hours is on time, a second later overdue; elapsed hours show one decimal."""
    stop = RECEIVED + elapsed
    verdict = run("sla-overdue", SLA, complaint(stop, now=RECEIVED + timedelta(days=30)))
    assert verdict == Verdict(
        outcome,
        {
            "complaint.received_at": RECEIVED,
            "complaint.acknowledged_at": stop,
            "complaint.severity": "high",
            "allowed_hours": 48,
            "elapsed_hours": shown,
            "due_at": "2024-05-03T08:00:00+00:00",
            "clock_running": False,
        },
    )


@pytest.mark.parametrize(("hours", "outcome"), [(48, "passed"), (49, "failed")])
def test_sla_open_clock_runs_until_now(hours: int, outcome: str) -> None:
    """Without a stop time the clock runs until ``now``."""
    verdict = run("sla-overdue", SLA, complaint(now=RECEIVED + timedelta(hours=hours)))
    assert verdict.outcome == outcome
    assert (verdict.evidence["clock_running"], verdict.evidence["elapsed_hours"]) == (True, float(hours))


def test_sla_stop_time_wins_over_now() -> None:
    """A stopped clock is judged at its stop time, whatever ``now`` is."""
    verdict = run("sla-overdue", SLA, complaint(RECEIVED + timedelta(hours=10), now=RECEIVED + timedelta(hours=100)))
    assert verdict.outcome == "passed" and verdict.evidence["elapsed_hours"] == 10.0


@pytest.mark.parametrize(
    ("subject", "evidence"),
    [
        (
            complaint(RECEIVED, start=None),
            {"complaint.received_at": None, "complaint.acknowledged_at": RECEIVED, "complaint.severity": "high"},
        ),
        (
            complaint(None, now=None),
            {"complaint.received_at": RECEIVED, "complaint.acknowledged_at": None, "complaint.severity": "high"},
        ),
        (
            complaint(RECEIVED, severity="low"),
            {"complaint.received_at": RECEIVED, "complaint.acknowledged_at": RECEIVED, "complaint.severity": "low"},
        ),
    ],
)
def test_sla_not_judged_without_a_start_an_end_or_an_allowance(subject, evidence) -> None:
    """No received time, no stop or now, or no allowance for the complaint: not applicable, with what was read."""
    assert run("sla-overdue", SLA, subject) == Verdict("not_applicable", evidence)


@pytest.mark.parametrize(
    ("severity", "categories", "allowed"),
    [
        ("high", ["fees"], 48),
        ("low", ["harassment_violence"], 24),
        ("high", ["harassment_violence"], 24),
        ("high", ["passport_retention", "harassment_violence"], 12),
        ("critical", None, 6),
        ("critical", ["harassment_violence"], 6),
    ],
)
def test_sla_allowance_is_the_tightest_that_applies(severity: str, categories, allowed: int) -> None:
    """Severity and every listed category the complaint carries offer allowances; the smallest applies."""
    params = {
        "stop": "complaint.acknowledged_at",
        "hours_by_severity": {"high": 48, "critical": 6},
        "hours_by_category": {"harassment_violence": 24, "passport_retention": 12},
    }
    subject = complaint(RECEIVED + timedelta(hours=1), severity=severity, categories=categories)
    verdict = run("sla-overdue", params, subject)
    assert verdict.evidence["allowed_hours"] == allowed
    assert verdict.evidence["due_at"] == (RECEIVED + timedelta(hours=allowed)).isoformat()


def test_sla_custom_fields() -> None:
    """Start, severity, categories and now fields can all be renamed."""
    params = {
        "start": "c.opened",
        "stop": "c.closed",
        "severity_field": "c.sev",
        "categories_field": "c.cats",
        "now_field": "clock",
        "hours_by_category": {"fees": 2},
    }
    subject = {
        "c": {"opened": RECEIVED, "closed": None, "sev": "low", "cats": ["fees"]},
        "clock": RECEIVED + timedelta(hours=3),
    }
    verdict = run("sla-overdue", params, subject)
    assert verdict.outcome == "failed"
    assert {k: verdict.evidence[k] for k in ("c.opened", "c.closed", "c.sev", "elapsed_hours")} == {
        "c.opened": RECEIVED,
        "c.closed": None,
        "c.sev": "low",
        "elapsed_hours": 3.0,
    }


def test_sla_declarations() -> None:
    """Hours are at least 1; declares its default clock and allowance fields and computed keys."""
    invalid("sla-overdue", {**SLA, "hours_by_severity": {"high": 0}}, f"hours_by_severity.high: {AT_LEAST_1}")
    check = get_check("sla-overdue")
    params = params_of("sla-overdue", {**SLA, "hours_by_severity": {"high": 1}})
    assert check.field_paths(params) == [
        "complaint.received_at",
        "complaint.acknowledged_at",
        "complaint.severity",
        "complaint.categories",
        "now",
    ]
    assert check.evidence_keys(params) == {"allowed_hours", "elapsed_hours", "due_at", "clock_running"}


# --- version-unfavourable-change ----------------------------------------------------------------------------------

RANKED = {"order": ["employer", "agency", "worker"]}


@pytest.mark.parametrize(
    ("direction", "options", "prev", "cur", "worse"),
    [
        ("lower-is-worse", {}, 1000, 1000, False),
        ("lower-is-worse", {}, 1000, 999, True),
        ("lower-is-worse", {}, 1000, None, True),
        ("lower-is-worse", {}, 0, None, False),
        ("lower-is-worse", {}, 1, None, True),
        ("lower-is-worse", {}, None, 0, False),
        ("lower-is-worse", {"tolerance_pct": 10}, 1000, 900, False),
        ("lower-is-worse", {"tolerance_pct": 10}, 1000, 899, True),
        ("higher-is-worse", {}, 8, 8, False),
        ("higher-is-worse", {}, 8, 9, True),
        ("higher-is-worse", {}, 8, None, False),
        ("higher-is-worse", {}, None, 9, False),
        ("higher-is-worse", {"tolerance_pct": 10}, 100, 110, False),
        ("higher-is-worse", {"tolerance_pct": 10}, 100, 111, True),
        ("any-change-is-worse", {}, "7112", "7112", False),
        ("any-change-is-worse", {}, "7112", "7113", True),
        ("any-change-is-worse", {}, "7112", None, True),
        ("any-change-is-worse", {}, None, "7112", False),
        ("any-change-is-worse", {"prefix": 2}, "7112", "7199", False),
        ("any-change-is-worse", {"prefix": 2}, "7112", "7212", True),
        ("any-change-is-worse", {"prefix": 2}, "7112", None, True),
        ("true-to-false-is-worse", {}, True, False, True),
        ("true-to-false-is-worse", {}, True, None, True),
        ("true-to-false-is-worse", {}, True, True, False),
        ("true-to-false-is-worse", {}, False, False, False),
        ("true-to-false-is-worse", {}, False, True, False),
        ("true-to-false-is-worse", {}, None, False, False),
        ("new-items-are-worse", {}, [], ["food"], True),
        ("new-items-are-worse", {}, ["food"], ["food"], False),
        ("new-items-are-worse", {}, ["food", "rent"], ["food"], False),
        ("new-items-are-worse", {}, ["food"], None, False),
        ("ranked", RANKED, "employer", "agency", True),
        ("ranked", RANKED, "agency", "employer", False),
        ("ranked", RANKED, "agency", "agency", False),
        ("ranked", RANKED, "employer", "boss", False),
        ("ranked", RANKED, "boss", "worker", False),
        ("ranked", RANKED, None, "worker", False),
    ],
)
def test_is_worse_by_direction(direction: str, options: dict, prev, cur, worse: bool) -> None:
    """Each direction on, and either side of, its boundary; a null previous value is never worse."""
    change = FieldChange(field="return_ticket_by", direction=direction, **options)
    assert is_worse(change, prev, cur) is worse


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"field": "salary", "direction": "lower-is-worse"},
            "field: Value error, 'salary' is not a contract-version field",
        ),
        ({"field": "return_ticket_by", "direction": "ranked"}, f"Value error, {ORDER_ONLY_RANKED}"),
        (
            {"field": "basic_wage_minor", "direction": "lower-is-worse", "order": ["a"]},
            f"Value error, {ORDER_ONLY_RANKED}",
        ),
        (
            {"field": "isco_code", "direction": "lower-is-worse", "prefix": 2},
            "Value error, prefix is only allowed with any-change-is-worse",
        ),
        ({"field": "isco_code", "direction": "any-change-is-worse", "prefix": 0}, f"prefix: {AT_LEAST_1}"),
        (
            {"field": "isco_code", "direction": "any-change-is-worse", "tolerance_pct": 5},
            "Value error, tolerance_pct is only allowed with lower-is-worse or higher-is-worse",
        ),
        (
            {"field": "basic_wage_minor", "direction": "lower-is-worse", "tolerance_pct": 101},
            "tolerance_pct: Input should be less than or equal to 100",
        ),
    ],
)
def test_field_change_options_must_fit_the_direction(raw: dict, message: str) -> None:
    """Only contract-term fields; order, prefix and tolerance only where they mean something."""
    assert rejection(FieldChange.model_validate, raw) == [message]


@pytest.mark.parametrize(
    "raw",
    [
        {"field": "isco_code", "direction": "any-change-is-worse", "tolerance_pct": 0},
        {"field": "basic_wage_minor", "direction": "higher-is-worse", "tolerance_pct": 100},
        {"field": "isco_code", "direction": "any-change-is-worse", "prefix": 1},
    ],
)
def test_field_change_accepts_boundary_options(raw: dict) -> None:
    """A zero tolerance is allowed with any direction; 100 % and a one-character prefix are valid."""
    assert FieldChange.model_validate(raw).model_dump(exclude_unset=True) == raw


CHANGE = {
    "fields": [
        {"field": "basic_wage_minor", "direction": "lower-is-worse"},
        {"field": "hours_per_day", "direction": "higher-is-worse"},
    ]
}


def test_version_change_evidence_names_both_sides_and_the_worsened_fields() -> None:
    """Every compared field is evidence on both sides; worsened ones are listed and summarised."""
    subject = {
        "previous": {"basic_wage_minor": 1000, "hours_per_day": 8},
        "version": {"basic_wage_minor": 900, "hours_per_day": 9},
    }
    assert run("version-unfavourable-change", CHANGE, subject) == Verdict(
        "failed",
        {
            "previous.basic_wage_minor": 1000,
            "version.basic_wage_minor": 900,
            "previous.hours_per_day": 8,
            "version.hours_per_day": 9,
            "worse_fields": ["basic_wage_minor", "hours_per_day"],
            "changes": "basic_wage_minor: 1000 → 900; hours_per_day: 8 → 9",
        },
    )


def test_version_change_without_worsening_passes_with_empty_summary() -> None:
    """A favourable change passes; a field absent from a side reads as null."""
    subject = {"previous": {"basic_wage_minor": 1000}, "version": {"basic_wage_minor": 1100, "hours_per_day": 8}}
    assert run("version-unfavourable-change", CHANGE, subject) == Verdict(
        "passed",
        {
            "previous.basic_wage_minor": 1000,
            "version.basic_wage_minor": 1100,
            "previous.hours_per_day": None,
            "version.hours_per_day": 8,
            "worse_fields": [],
            "changes": "",
        },
    )


@pytest.mark.parametrize("subject", [{"previous": None, "version": {}}, {"version": {}}])
def test_version_change_without_previous_is_not_applicable(subject: dict) -> None:
    """The first version has nothing to be compared with."""
    assert run("version-unfavourable-change", CHANGE, subject) == Verdict("not_applicable", {"previous": None})


def test_version_change_declarations() -> None:
    """Needs at least one field; declares both sides of each and its computed keys."""
    invalid("version-unfavourable-change", {"fields": []}, f"fields: {EMPTY}")
    check, params = get_check("version-unfavourable-change"), params_of("version-unfavourable-change", CHANGE)
    assert check.field_paths(params) == [
        "previous.basic_wage_minor",
        "version.basic_wage_minor",
        "previous.hours_per_day",
        "version.hours_per_day",
    ]
    assert check.evidence_keys(params) == {"worse_fields", "changes"}


# --- wage-floor ---------------------------------------------------------------------------------------------------

QA_RULE = {
    "valid_from": D(2021, 3, 20),
    "floor": {"amount_minor": 100000, "currency": "QAR"},
    "allowances": [
        {"field": "version.food_allowance_minor", "min_minor": 30000, "unless_true": "version.food_provided"},
        {"field": "version.housing_allowance_minor", "min_minor": 50000},
    ],
}
QA_FLOOR = {"rules": [QA_RULE]}
QA_WAGE = {
    "basic_wage_minor": 100000,
    "wage_currency": "QAR",
    "wage_period": "month",
    "basic_wage_usd_minor": 27473,
    "food_allowance_minor": 30000,
    "food_provided": False,
    "housing_allowance_minor": 50000,
}
QA_EVIDENCE = {
    "judged_on": ON,
    "version.wage_currency": "QAR",
    "floor_minor": 100000,
    "floor_display": "QAR 1,000.00",
    "wage_minor": 100000,
    "wage_display": "QAR 1,000.00",
    "version.food_allowance_minor": 30000,
    "version.food_provided": False,
    "version.housing_allowance_minor": 50000,
}


def test_wage_floor_met_exactly() -> None:
    """Wage and allowances exactly at their floors pass; the evidence shows every amount read."""
    assert run("wage-floor", QA_FLOOR, {"version": QA_WAGE}) == Verdict("passed", {**QA_EVIDENCE, "shortfalls": ""})


@pytest.mark.parametrize(
    ("changes", "shortfalls"),
    [
        ({"basic_wage_minor": 99999}, "basic wage"),
        ({"food_allowance_minor": 29999}, "food_allowance_minor"),
        ({"housing_allowance_minor": 49999}, "housing_allowance_minor"),
        ({"housing_allowance_minor": None}, "housing_allowance_minor"),
        ({"food_allowance_minor": 0, "food_provided": None}, "food_allowance_minor"),
        (
            {"basic_wage_minor": 99999, "food_allowance_minor": 29999, "housing_allowance_minor": 49999},
            "basic wage, food_allowance_minor, housing_allowance_minor",
        ),
    ],
)
def test_wage_floor_one_unit_short_fails(changes: dict, shortfalls: str) -> None:
    """One minor unit below any floor is a shortfall; a null allowance counts as nothing."""
    verdict = run("wage-floor", QA_FLOOR, {"version": {**QA_WAGE, **changes}})
    assert verdict.outcome == "failed" and verdict.evidence["shortfalls"] == shortfalls


def test_wage_floor_null_allowance_counts_as_zero() -> None:
    """A null allowance misses even a floor of one minor unit."""
    params = {"rules": [{**QA_RULE, "allowances": [{"field": "version.housing_allowance_minor", "min_minor": 1}]}]}
    verdict = run("wage-floor", params, {"version": {**QA_WAGE, "housing_allowance_minor": None}})
    assert verdict.outcome == "failed" and verdict.evidence["shortfalls"] == "housing_allowance_minor"


def test_wage_floor_provided_benefit_replaces_its_allowance() -> None:
    """A benefit provided in kind waives its allowance floor; the flag is evidence."""
    verdict = run("wage-floor", QA_FLOOR, {"version": {**QA_WAGE, "food_allowance_minor": None, "food_provided": True}})
    assert verdict == Verdict(
        "passed",
        {**QA_EVIDENCE, "version.food_allowance_minor": None, "version.food_provided": True, "shortfalls": ""},
    )


@pytest.mark.parametrize(("on", "in_force"), [(D(2021, 3, 19), False), (D(2021, 3, 20), True)])
def test_wage_floor_applies_from_its_first_day(on: date, in_force: bool) -> None:
    """Before the rule's first day nothing is judged."""
    verdict = run("wage-floor", QA_FLOOR, {"version": QA_WAGE}, on=on)
    if in_force:
        assert verdict.outcome == "passed" and verdict.evidence["judged_on"] == on
    else:
        assert verdict == Verdict("not_applicable", {"judged_on": on, "version.wage_currency": "QAR"})


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"wage_period": "week"}, "wage is not monthly"),
        ({"wage_currency": "USD"}, "wage currency differs from the floor currency"),
    ],
)
def test_wage_floor_not_judged_on_other_periods_or_currencies(changes: dict, reason: str) -> None:
    """A weekly wage or a wage in another currency cannot be compared with a monthly QAR floor."""
    verdict = run("wage-floor", QA_FLOOR, {"version": {**QA_WAGE, **changes}})
    assert verdict == Verdict(
        "not_applicable",
        {
            "judged_on": ON,
            "version.wage_currency": changes.get("wage_currency", "QAR"),
            "floor_minor": 100000,
            "floor_display": "QAR 1,000.00",
            "reason": reason,
        },
    )


def test_wage_floor_unknown_period_is_judged() -> None:
    """A null wage period is taken as monthly."""
    assert run("wage-floor", QA_FLOOR, {"version": {**QA_WAGE, "wage_period": None}}).outcome == "passed"


def test_wage_floor_null_wage_is_not_judged() -> None:
    """Without a wage there is nothing to compare."""
    verdict = run("wage-floor", QA_FLOOR, {"version": {**QA_WAGE, "basic_wage_minor": None}})
    assert verdict == Verdict(
        "not_applicable",
        {
            "judged_on": ON,
            "version.wage_currency": "QAR",
            "floor_minor": 100000,
            "floor_display": "QAR 1,000.00",
            "wage_minor": None,
            "wage_display": "?",
        },
    )


USD_FLOOR = {"rules": [{"floor": {"amount_minor": 50000, "currency": "USD"}}]}


@pytest.mark.parametrize(("usd", "outcome"), [(50000, "passed"), (49999, "failed")])
def test_usd_floor_compares_the_usd_equivalent(usd: int, outcome: str) -> None:
    """A USD floor without allowances judges a wage in another currency by its USD equivalent."""
    version = {"basic_wage_minor": 2800000, "wage_currency": "PHP", "wage_period": "month", "basic_wage_usd_minor": usd}
    verdict = run("wage-floor", USD_FLOOR, {"version": version})
    assert verdict == Verdict(
        outcome,
        {
            "judged_on": ON,
            "version.wage_currency": "PHP",
            "floor_minor": 50000,
            "floor_display": "USD 500.00",
            "wage_minor": usd,
            "wage_display": f"USD {usd / 100:,.2f}",
            "shortfalls": "" if outcome == "passed" else "basic wage",
        },
    )


def test_usd_floor_uses_a_usd_wage_itself() -> None:
    """A wage already in USD is compared as written, not through its USD equivalent field."""
    version = {"basic_wage_minor": 50000, "wage_currency": "USD", "wage_period": "month", "basic_wage_usd_minor": 1}
    assert run("wage-floor", USD_FLOOR, {"version": version}).outcome == "passed"


def test_usd_floor_with_allowances_needs_the_same_currency() -> None:
    """Allowances are in the wage currency, so a USD floor with allowances cannot judge a PHP wage."""
    params = {
        "rules": [{**USD_FLOOR["rules"][0], "allowances": [{"field": "version.food_allowance_minor", "min_minor": 1}]}]
    }
    version = {
        "basic_wage_minor": 2800000,
        "wage_currency": "PHP",
        "wage_period": "month",
        "basic_wage_usd_minor": 50000,
    }
    verdict = run("wage-floor", params, {"version": version})
    assert verdict.outcome == "not_applicable"
    assert verdict.evidence["reason"] == "wage currency differs from the floor currency"


def test_wage_floor_declarations() -> None:
    """Rules must not overlap; declares wage fields, every allowance field of every rule, and computed keys."""
    old = {
        "valid_to": D(2021, 3, 19),
        "floor": {"amount_minor": 75000, "currency": "QAR"},
        "allowances": [{"field": "version.transport_allowance_minor", "min_minor": 0}],
    }
    invalid(
        "wage-floor",
        {"rules": [QA_RULE, {**old, "valid_to": D(2021, 3, 20)}]},
        "rules: Value error, rules overlap: one in force until 2021-03-20, next from 2021-03-20",
    )
    invalid("wage-floor", {"rules": []}, f"rules: {EMPTY}")
    check, params = get_check("wage-floor"), params_of("wage-floor", {"rules": [QA_RULE, old]})
    assert check.field_paths(params) == [
        "version.basic_wage_minor",
        "version.wage_currency",
        "version.basic_wage_usd_minor",
        "version.wage_period",
        "version.food_allowance_minor",
        "version.food_provided",
        "version.housing_allowance_minor",
        "version.transport_allowance_minor",
    ]
    assert check.evidence_keys(params) == {
        "judged_on",
        "floor_minor",
        "floor_display",
        "wage_minor",
        "wage_display",
        "shortfalls",
        "reason",
    }


# --- fee-category-banned ------------------------------------------------------------------------------------------

PAYMENT = {
    "category": "medical",
    "payee_type": "agency",
    "amount_usd_minor": 500,
    "amount_minor": 65000,
    "currency": "NPR",
}


def test_category_sum_over_some_or_all_categories() -> None:
    """None means every category; an empty list means none."""
    amounts = {"medical": 1, "equipment": 2, "insurance": 4}
    assert (
        _category_sum(amounts, None),
        _category_sum(amounts, ["medical", "insurance"]),
        _category_sum(amounts, []),
    ) == (7, 5, 0)


@pytest.mark.parametrize(
    ("params", "changes", "outcome"),
    [
        ({}, {}, "failed"),
        ({}, {"amount_usd_minor": 1}, "failed"),
        ({}, {"amount_usd_minor": 0}, "passed"),
        ({}, {"category": "insurance"}, "passed"),
        ({"payee_types": ["agency", "sub_agent"]}, {}, "failed"),
        ({"payee_types": ["employer"]}, {}, "passed"),
    ],
)
def test_banned_category_on_a_payment(params: dict, changes: dict, outcome: str) -> None:
    """A positive amount in a banned category (to a listed payee, when listed) fails; evidence is the payment."""
    pay = {**PAYMENT, **changes}
    verdict = run("fee-category-banned", {"categories": ["medical"], **params}, {"payment": pay})
    assert verdict == Verdict(
        outcome,
        {
            "payment.category": pay["category"],
            "payment.payee_type": "agency",
            "payment.amount_usd_minor": pay["amount_usd_minor"],
            "amount_display": "NPR 650.00",
        },
    )


@pytest.mark.parametrize(
    ("categories", "hits", "total", "outcome"),
    [
        (["medical", "equipment"], ["equipment"], 250, "failed"),
        (["insurance", "equipment"], ["equipment", "insurance"], 350, "failed"),
        (["medical"], [], 0, "passed"),
        (["skills_test"], [], 0, "passed"),
    ],
)
def test_banned_categories_in_contract_totals(categories: list[str], hits: list[str], total: int, outcome: str) -> None:
    """Contract totals fail on any positive banned amount; hits are sorted and the total is in USD."""
    fees = {"fees": {"worker_paid_by_category_usd_minor": {"medical": 0, "equipment": 250, "insurance": 100}}}
    verdict = run("fee-category-banned", {"categories": categories}, fees)
    assert verdict == Verdict(
        outcome,
        {"banned_categories": hits, "banned_total_usd_minor": total, "amount_display": f"USD {total / 100:.2f}"},
    )


def test_one_minor_unit_in_a_banned_category_fails() -> None:
    """Any positive amount is a breach, however small."""
    fees = {"fees": {"worker_paid_by_category_usd_minor": {"medical": 1}}}
    assert run("fee-category-banned", {"categories": ["medical"]}, fees) == Verdict(
        "failed", {"banned_categories": ["medical"], "banned_total_usd_minor": 1, "amount_display": "USD 0.01"}
    )


@pytest.mark.parametrize(
    ("subject_type", "payee_types", "problem"),
    [
        ("contract_version", ["agency"], "params.payee_types: only allowed for subject fee_payment"),
        ("contract_version", None, None),
        ("fee_payment", ["agency"], None),
    ],
)
def test_payee_types_only_for_payments(subject_type: str, payee_types, problem) -> None:
    """Contract totals have no payee, so payee_types there is a pack error naming the field."""
    raw = {"categories": ["medical"], **({"payee_types": payee_types} if payee_types else {})}
    check = get_check("fee-category-banned")
    assert check.subject_problem(params_of("fee-category-banned", raw), subject_type) == problem


def test_fee_category_banned_declarations() -> None:
    """Needs at least one known category; declares its computed keys and no fields."""
    invalid("fee-category-banned", {"categories": []}, f"categories: {EMPTY}")
    [error] = rejection(get_check("fee-category-banned").params_model.model_validate, {"categories": ["bribes"]})
    assert error.startswith("categories.0: Input should be 'recruitment_service_fee', 'medical',")
    check, params = get_check("fee-category-banned"), params_of("fee-category-banned", {"categories": ["medical"]})
    assert check.evidence_keys(params) == {"amount_display", "banned_categories", "banned_total_usd_minor"}
    assert check.field_paths(params) == []


# --- fee-total-cap ------------------------------------------------------------------------------------------------


def usd_cap(amount: int, **rule: Any) -> dict[str, Any]:
    """Params with one fixed USD cap."""
    return {"rules": [{"cap": {"amount_minor": amount, "currency": "USD"}, **rule}]}


def pay_subject(**changes: Any) -> dict[str, Any]:
    """A fee payment subject with a monthly wage of USD 300.00."""
    return {"payment": {**PAYMENT, **changes}, "version": {"basic_wage_usd_minor": 30000}}


@pytest.mark.parametrize(("usd", "outcome"), [(500, "passed"), (501, "failed")])
def test_fixed_cap_may_be_reached_not_exceeded(usd: int, outcome: str) -> None:
    """A total equal to the cap passes; one minor unit more fails; the evidence shows cap, total and rule."""
    verdict = run("fee-total-cap", usd_cap(500), pay_subject(amount_usd_minor=usd))
    assert verdict == Verdict(
        outcome,
        {
            "judged_on": ON,
            "rule_valid_from": None,
            "rule_valid_to": None,
            "cap_minor": 500,
            "cap_display": "USD 5.00",
            "currency": "USD",
            "total_minor": usd,
            "total_display": f"USD {usd / 100:.2f}",
        },
    )


def test_cap_in_the_payment_currency_uses_the_paid_amount() -> None:
    """A cap in the payment's own currency compares the amount paid, not its USD equivalent."""
    params = {"rules": [{"cap": {"amount_minor": 65000, "currency": "NPR"}}]}
    assert run("fee-total-cap", params, pay_subject()).evidence["total_minor"] == 65000
    assert run("fee-total-cap", params, pay_subject(amount_minor=65001)).outcome == "failed"


def test_cap_in_a_third_currency_is_not_judged() -> None:
    """No amount in the cap's currency: not applicable, saying why."""
    params = {"rules": [{"cap": {"amount_minor": 1, "currency": "INR"}}]}
    assert run("fee-total-cap", params, pay_subject()) == Verdict(
        "not_applicable",
        {
            "judged_on": ON,
            "rule_valid_from": None,
            "rule_valid_to": None,
            "cap_minor": 1,
            "cap_display": "INR 0.01",
            "currency": "INR",
            "reason": "no amount in the cap currency",
        },
    )


def test_payment_outside_the_capped_categories_counts_as_nothing() -> None:
    """A payment in another category adds 0 to a category cap."""
    verdict = run("fee-total-cap", {**usd_cap(0), "categories": ["recruitment_service_fee"]}, pay_subject())
    assert verdict.outcome == "passed" and verdict.evidence["total_minor"] == 0


@pytest.mark.parametrize(
    ("wage", "usd", "cap", "outcome"),
    [(30000, 45000, 45000, "passed"), (30000, 45001, 45000, "failed"), (33333, 50000, 50000, "passed")],
)
def test_wage_multiple_cap(wage: int, usd: int, cap: int, outcome: str) -> None:
    """The cap is the monthly USD wage times the multiple, rounded to a minor unit; the evidence shows both."""
    subject = {"payment": {**PAYMENT, "amount_usd_minor": usd}, "version": {"basic_wage_usd_minor": wage}}
    verdict = run("fee-total-cap", {"rules": [{"wage_multiple": 1.5}]}, subject)
    assert verdict == Verdict(
        outcome,
        {
            "judged_on": ON,
            "rule_valid_from": None,
            "rule_valid_to": None,
            "version.basic_wage_usd_minor": wage,
            "wage_multiple": 1.5,
            "cap_minor": cap,
            "cap_display": f"USD {cap / 100:,.2f}",
            "currency": "USD",
            "total_minor": usd,
            "total_display": f"USD {usd / 100:,.2f}",
        },
    )


@pytest.mark.parametrize(("usd", "outcome"), [(0, "passed"), (1, "failed")])
def test_zero_wage_multiple_allows_no_fee(usd: int, outcome: str) -> None:
    """A multiple of 0 caps worker-paid fees at nothing."""
    subject = {"payment": {**PAYMENT, "amount_usd_minor": usd}, "version": {"basic_wage_usd_minor": 30000}}
    verdict = run("fee-total-cap", {"rules": [{"wage_multiple": 0}]}, subject)
    assert (verdict.outcome, verdict.evidence["cap_minor"]) == (outcome, 0)


def test_wage_multiple_cap_without_a_wage_is_not_judged() -> None:
    """Without a monthly wage there is no cap."""
    subject = {"payment": PAYMENT, "version": {"basic_wage_usd_minor": None}}
    assert run("fee-total-cap", {"rules": [{"wage_multiple": 1.5}]}, subject) == Verdict(
        "not_applicable",
        {"judged_on": ON, "rule_valid_from": None, "rule_valid_to": None, "version.basic_wage_usd_minor": None},
    )


CONTRACT_FEES = {
    "version": {"basic_wage_usd_minor": 30000},
    "fees": {
        "origin_currency": "NPR",
        "worker_paid_total_origin_minor": 900000,
        "worker_paid_by_category_origin_minor": {"recruitment_service_fee": 800000, "medical": 50000},
        "worker_paid_by_category_usd_minor": {"recruitment_service_fee": 6000, "medical": 400},
    },
}


@pytest.mark.parametrize(
    ("currency", "categories", "total"),
    [
        ("NPR", None, 900000),
        ("NPR", ["medical"], 50000),
        ("USD", None, 6400),
        ("USD", ["medical"], 400),
        ("INR", None, None),
    ],
)
def test_contract_totals_in_the_cap_currency(currency: str, categories, total) -> None:
    """Origin caps read the origin totals (the ledger total when uncategorised); USD caps sum the USD categories."""
    params = {"rules": [{"cap": {"amount_minor": 1, "currency": currency}}]}
    if categories is not None:
        params["categories"] = categories
    verdict = run("fee-total-cap", params, CONTRACT_FEES)
    assert verdict.evidence.get("total_minor") == total
    assert verdict.outcome == ("not_applicable" if total is None else "failed")


@pytest.mark.parametrize(
    ("on", "cap", "valid_from", "valid_to"),
    [(D(2019, 12, 31), 5, None, D(2019, 12, 31)), (D(2020, 1, 1), 10, D(2020, 1, 1), None)],
)
def test_cap_rule_in_force_is_reported(on: date, cap: int, valid_from, valid_to) -> None:
    """The rule in force on the judging date decides, and its dates are evidence."""
    params = {
        "rules": [usd_cap(5, valid_to=D(2019, 12, 31))["rules"][0], usd_cap(10, valid_from=D(2020, 1, 1))["rules"][0]]
    }
    verdict = run("fee-total-cap", params, pay_subject(amount_usd_minor=7), on=on)
    assert (verdict.evidence["cap_minor"], verdict.evidence["rule_valid_from"], verdict.evidence["rule_valid_to"]) == (
        cap,
        valid_from,
        valid_to,
    )


def test_no_cap_rule_in_force_is_not_judged() -> None:
    """Before any rule there is nothing to judge by."""
    verdict = run("fee-total-cap", usd_cap(5, valid_from=D(2030, 1, 1)), pay_subject())
    assert verdict == Verdict("not_applicable", {"judged_on": ON})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"cap": {"amount_minor": 1, "currency": "USD"}, "wage_multiple": 1},
            "rules.0: Value error, give exactly one of cap or wage_multiple",
        ),
        ({}, "rules.0: Value error, give exactly one of cap or wage_multiple"),
        ({"wage_multiple": -0.5}, "rules.0.wage_multiple: Input should be greater than or equal to 0"),
    ],
)
def test_cap_rule_needs_exactly_one_non_negative_cap(raw: dict, message: str) -> None:
    """A rule is a fixed cap or a wage multiple, never both or neither."""
    invalid("fee-total-cap", {"rules": [raw]}, message)


@pytest.mark.parametrize(
    ("rules", "paths"),
    [
        ([{"cap": {"amount_minor": 1, "currency": "USD"}}], []),
        ([{"wage_multiple": 0}], ["version.basic_wage_usd_minor"]),
        (
            [
                {"valid_to": D(2019, 12, 31), "cap": {"amount_minor": 1, "currency": "USD"}},
                {"valid_from": D(2020, 1, 1), "wage_multiple": 1},
            ],
            ["version.basic_wage_usd_minor"],
        ),
    ],
)
def test_fee_total_cap_declares_the_wage_only_for_wage_multiples(rules: list[dict], paths: list[str]) -> None:
    """The monthly wage is a declared field only when some rule is a wage multiple."""
    assert get_check("fee-total-cap").field_paths(params_of("fee-total-cap", {"rules": rules})) == paths


def test_fee_total_cap_declarations() -> None:
    """Rules must not overlap; declares its computed keys."""
    invalid(
        "fee-total-cap",
        {"rules": [usd_cap(1)["rules"][0], usd_cap(2)["rules"][0]]},
        "rules: Value error, rules overlap: one in force until None, next from None",
    )
    assert get_check("fee-total-cap").evidence_keys(params_of("fee-total-cap", usd_cap(1))) == {
        "judged_on",
        "cap_minor",
        "cap_display",
        "currency",
        "total_minor",
        "total_display",
        "wage_multiple",
        "rule_valid_from",
        "rule_valid_to",
        "reason",
    }
