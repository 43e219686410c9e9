"""The evaluator's plumbing, exactly: which date and clock a subject is judged on, when it is validated, what
every field of a would-be finding holds, how each kind of placeholder value reads, and the wording of pack errors.

The packs here are built in memory (one agency licence-horizon criterion, one gated criterion, one complaint SLA),
so the assertions do not move when the shipped packs change.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from recruitment_watch.checks import SubjectError, evaluate_subject, get_check, judge, judge_subject
from recruitment_watch.checks.errors import PackIssue, PackLoadError
from recruitment_watch.checks.evaluator import (
    WouldBeFinding,
    placeholder_text,
    prepare_subject,
    render_message,
    to_finding,
)
from recruitment_watch.checks.packs import BaseSpec, Criterion, ExampleSpec, Pack, PackFile

HORIZON = {
    "id": "LICT-001",
    "title": "Licence valid 60 days ahead",
    "check": "date-order",
    "params": {"later": "licence_valid_to", "min_days": 60},
    "severity": "medium",
    "subject": "agency",
    "message": "Licence {licence_no} ends {licence_valid_to}, {days_between} days after {judged_on}.",
    "citation": {"instrument": "Test Act 2020", "article": "s. 7(2)"},
    "sources": ["test-act"],
    "evidence_tag": "SEEN",
    "rationale": "Renewal takes two months.",
    "remediation": "Renew the licence.",
}
GATED = {
    **HORIZON,
    "id": "LICT-002",
    "title": "Sub-agents need certification",
    "check": "field-condition",
    "params": {"require": {"field": "iris_certified", "op": "eq", "value": True}},
    "applies_when": {"field": "uses_sub_agents", "op": "eq", "value": True},
    "message": "Uses sub-agents without certification (iris_certified: {iris_certified}).",
}
SLA = {
    **HORIZON,
    "id": "SLAT-001",
    "title": "Acknowledge within 48 hours",
    "check": "sla-overdue",
    "params": {"stop": "complaint.acknowledged_at", "hours_by_severity": {"high": 48}},
    "subject": "complaint",
    "message": "Not acknowledged by {due_at}.",
}
LONG_AGO = date(2025, 1, 1)


def make_pack(pack_id: str, *criteria: dict[str, Any]) -> Pack:
    """A loaded pack built in memory from criterion dicts shaped as in ``pack.yaml``."""
    file = PackFile.model_validate(
        {
            "schema_version": 1,
            "id": pack_id,
            "version": "1.4.2",
            "title": f"Pack {pack_id}",
            "sources": [{"id": "test-act", "instrument": "Test Act 2020", "citation": "s. 7", "evidence_tag": "SEEN"}],
            "criteria": list(criteria),
        }
    )
    compiled = []
    for spec in file.criteria:
        check = get_check(spec.check)
        compiled.append(Criterion(spec=spec, params=check.params_model.model_validate(spec.params), check=check))
    return Pack(pack_id, file.version, file.title, f"digest-{pack_id}", f"audits/{pack_id}", file, tuple(compiled))


@pytest.fixture
def agency(subject_factory) -> dict[str, Any]:
    """The shared compliant agency (raw, dates as parsed from YAML), licence valid to 2025-03-02."""
    return subject_factory("agency_ok", {"licence_valid_to": date(2025, 3, 2)}, normalise=False)


@pytest.fixture
def complaint(subject_factory) -> dict[str, Any]:
    """A high-severity complaint received 2024-05-01 08:00 UTC and never acknowledged, without ``now``."""
    subject = subject_factory("complaint_ok", {"complaint.acknowledged_at": None}, normalise=False)
    del subject["now"]
    return subject


# --- judging date -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "outcome", "days"),
    [(date(2024, 12, 31), "passed", 61), (LONG_AGO, "passed", 60), (date(2025, 1, 2), "failed", 59)],
)
def test_an_agency_is_judged_on_the_given_date(agency, on: date, outcome: str, days: int) -> None:
    """Agencies have no judging date of their own: ``on`` is used, and 60 days ahead is exactly enough."""
    [judgement] = judge_subject([make_pack("lic", HORIZON)], "agency", agency, on=on)
    assert judgement.verdict.outcome == outcome
    assert judgement.verdict.evidence == {"judged_on": on, "licence_valid_to": date(2025, 3, 2), "days_between": days}


def test_evaluate_subject_passes_the_date_on(agency) -> None:
    """The finding's evidence shows the date the subject was judged on, not today."""
    [finding] = evaluate_subject([make_pack("lic", HORIZON)], "agency", agency, on=date(2025, 1, 2))
    assert finding.evidence == {"judged_on": "2025-01-02", "licence_valid_to": "2025-03-02", "days_between": 59}


def _judged_on_without_a_date(agency: dict[str, Any]) -> date:
    [judgement] = judge_subject([make_pack("lic", HORIZON)], "agency", agency)
    return judgement.verdict.evidence["judged_on"]


@pytest.mark.parametrize("zone", ["AAA-14", "BBB+12"])
def test_without_a_date_an_agency_is_judged_on_today_in_utc_whatever_the_host_zone(agency, zone: str) -> None:
    """The default evaluation date is the UTC date, also on a host 14 hours ahead of or 12 behind UTC."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        before = datetime.now(UTC).date()
        judged = _judged_on_without_a_date(agency)
        after = datetime.now(UTC).date()
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()
    assert judged in {before, after}


# --- complaint clock ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "outcome"),
    [
        (datetime(2024, 5, 3, 8, tzinfo=UTC), "passed"),
        (datetime(2024, 5, 3, 8, 1, tzinfo=UTC), "failed"),
    ],
)
def test_judge_subject_runs_the_clock_to_the_given_now(complaint, now: datetime, outcome: str) -> None:
    """An unacknowledged complaint is on time at exactly 48 hours and late a minute later."""
    [judgement] = judge_subject([make_pack("sla", SLA)], "complaint", complaint, now=now)
    assert judgement.verdict.outcome == outcome


def test_evaluate_subject_runs_the_clock_to_the_given_now(complaint) -> None:
    """``now`` reaches the SLA check through evaluate_subject too."""
    pack = make_pack("sla", SLA)
    assert evaluate_subject([pack], "complaint", complaint, now=datetime(2024, 5, 3, 8, tzinfo=UTC)) == []
    [finding] = evaluate_subject([pack], "complaint", complaint, now=datetime(2024, 5, 3, 9, tzinfo=UTC))
    assert finding.message == "Not acknowledged by 2024-05-03T08:00:00+00:00."
    assert finding.evidence["elapsed_hours"] == 49.0


def test_given_now_replaces_the_subject_now(complaint) -> None:
    """An explicit ``now`` wins over one already in the subject."""
    complaint["now"] = "2024-05-01T09:00:00Z"
    now = datetime(2024, 6, 1, tzinfo=UTC)
    assert prepare_subject("complaint", complaint, now=now)["now"] == now


def test_subject_now_is_kept_when_no_now_is_given(complaint) -> None:
    """Without an explicit ``now`` the subject's own is used (parsed to an aware datetime)."""
    complaint["now"] = "2024-05-01T09:00:00Z"
    assert prepare_subject("complaint", complaint)["now"] == datetime(2024, 5, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize("validate", [True, False])
def test_missing_now_is_the_current_utc_time(complaint, validate: bool) -> None:
    """A complaint without ``now`` gets the current time, aware and in UTC, validated or not."""
    before = datetime.now(UTC)
    now = prepare_subject("complaint", {**complaint, "now": None}, validate=validate)["now"]
    assert before <= now <= datetime.now(UTC)
    assert now.utcoffset() == timedelta(0)


def test_only_complaints_get_a_now(agency) -> None:
    """Other subjects are never given a ``now`` key."""
    prepared = prepare_subject("agency", agency, now=datetime(2024, 6, 1, tzinfo=UTC), validate=False)
    assert "now" not in prepared and prepared == agency


def test_prepare_subject_copies_and_parses(complaint) -> None:
    """The caller's dict is not changed; validation parses ISO strings, no validation leaves them."""
    complaint["complaint"]["received_at"] = "2024-05-01T10:00:00+02:00"
    now = datetime(2024, 6, 1, tzinfo=UTC)
    assert prepare_subject("complaint", complaint, now=now)["complaint"]["received_at"] == datetime(
        2024, 5, 1, 8, tzinfo=UTC
    )
    raw = prepare_subject("complaint", complaint, now=now, validate=False)
    assert raw["complaint"]["received_at"] == "2024-05-01T10:00:00+02:00"
    assert "now" not in complaint


# --- validation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("evaluate", [judge_subject, evaluate_subject])
def test_subjects_are_validated_by_default(agency, evaluate) -> None:
    """A subject off its documented shape is rejected, naming the field."""
    with pytest.raises(SubjectError) as raised:
        evaluate([make_pack("lic", HORIZON)], "agency", {**agency, "status": "dormant"}, on=LONG_AGO)
    assert str(raised.value).startswith("agency: status: Input should be 'active', 'renewed',")


def test_judge_subject_parses_dates_by_default(agency) -> None:
    """Validation turns ISO strings into dates before the checks see them."""
    subject = {**agency, "licence_valid_to": "2025-03-02"}
    [judgement] = judge_subject([make_pack("lic", HORIZON)], "agency", subject, on=LONG_AGO)
    assert judgement.verdict.evidence["licence_valid_to"] == date(2025, 3, 2)


def test_judge_subject_can_skip_validation(agency) -> None:
    """With ``validate=False`` an off-shape but judgeable subject is judged as given."""
    [judgement] = judge_subject(
        [make_pack("lic", HORIZON)], "agency", {**agency, "status": "dormant"}, on=LONG_AGO, validate=False
    )
    assert judgement.verdict.outcome == "passed"


def test_evaluate_subject_can_skip_validation(agency) -> None:
    """With ``validate=False`` evaluate_subject validates neither before nor inside judge_subject."""
    findings = evaluate_subject(
        [make_pack("lic", HORIZON)], "agency", {**agency, "status": "dormant"}, on=date(2025, 1, 2), validate=False
    )
    assert [f.criterion_id for f in findings] == ["LICT-001"]


# --- selection, order and the finding itself ----------------------------------------------------------------------


def test_judgements_follow_pack_then_criterion_order_for_the_subject_type_only(agency) -> None:
    """Criteria for other subject types are left out; the rest keep pack order, then criterion order."""
    packs = [make_pack("b-first", GATED, SLA), make_pack("a-second", {**HORIZON, "id": "LICT-009"}, HORIZON)]
    results = judge_subject(packs, "agency", agency, on=LONG_AGO)
    assert [(j.pack.id, j.criterion.id, j.verdict.outcome) for j in results] == [
        ("b-first", "LICT-002", "not_applicable"),
        ("a-second", "LICT-009", "passed"),
        ("a-second", "LICT-001", "passed"),
    ]


def test_would_be_finding_snapshots_every_field(agency) -> None:
    """Every field of the finding comes from the pack and criterion; the message reads evidence and subject."""
    [finding] = evaluate_subject([make_pack("lic", HORIZON)], "agency", agency, on=date(2025, 1, 2))
    assert finding == WouldBeFinding(
        criterion_id="LICT-001",
        pack_id="lic",
        pack_version="1.4.2",
        pack_digest="digest-lic",
        subject_type="agency",
        severity="medium",
        title="Licence valid 60 days ahead",
        message="Licence DOFE-1234 ends 2025-03-02, 59 days after 2025-01-02.",
        citation={"instrument": "Test Act 2020", "article": "s. 7(2)"},
        evidence_tag="SEEN",
        remediation="Renew the licence.",
        evidence={"judged_on": "2025-01-02", "licence_valid_to": "2025-03-02", "days_between": 59},
    )


def test_only_failed_criteria_become_findings(agency) -> None:
    """Passed and not-applicable judgements yield no finding."""
    packs = [make_pack("lic", HORIZON, GATED)]
    assert evaluate_subject(packs, "agency", agency, on=LONG_AGO) == []
    gated = evaluate_subject(packs, "agency", {**agency, "uses_sub_agents": True}, on=LONG_AGO)
    assert [(f.criterion_id, f.message) for f in gated] == [
        ("LICT-002", "Uses sub-agents without certification (iris_certified: False).")
    ]


def test_to_finding_renders_subject_fields_from_the_given_subject(agency) -> None:
    """A placeholder that is not evidence reads the subject handed to ``to_finding``."""
    [judgement] = judge_subject([make_pack("lic", HORIZON)], "agency", agency, on=date(2025, 1, 2))
    assert to_finding(judgement, {"licence_no": "X-9"}).message == (
        "Licence X-9 ends 2025-03-02, 59 days after 2025-01-02."
    )


# --- applies_when -------------------------------------------------------------------------------------------------


def test_false_precondition_is_not_applicable_with_its_evidence(agency) -> None:
    """When ``applies_when`` is false the check is not run; the evidence says why."""
    criterion = make_pack("gate", GATED).criterion("LICT-002")
    verdict = judge(criterion, {**agency, "uses_sub_agents": False}, on=LONG_AGO)
    assert (verdict.outcome, verdict.evidence) == ("not_applicable", {"applies_when": False, "uses_sub_agents": False})


@pytest.mark.parametrize(("certified", "outcome"), [(True, "passed"), (False, "failed")])
def test_true_precondition_runs_the_check(agency, certified: bool, outcome: str) -> None:
    """When ``applies_when`` holds the check decides, and its evidence is the check's own."""
    criterion = make_pack("gate", GATED).criterion("LICT-002")
    verdict = judge(criterion, {**agency, "uses_sub_agents": True, "iris_certified": certified}, on=LONG_AGO)
    assert (verdict.outcome, verdict.evidence) == (outcome, {"iris_certified": certified})


# --- message placeholders -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "(not recorded)"),
        (0, "0"),
        (False, "False"),
        ("", ""),
        (12.5, "12.5"),
        (["ne", "ar"], "ne, ar"),
        (("a", 1), "a, 1"),
        ({"only"}, "only"),
        ([], "none"),
        (date(2024, 3, 1), "2024-03-01"),
        (datetime(2024, 3, 1, 8, 30, tzinfo=UTC), "2024-03-01T08:30:00+00:00"),
        (datetime(2024, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=3))), "2024-03-01T08:30:00+03:00"),
    ],
)
def test_placeholder_text_by_value_kind(value: Any, text: str) -> None:
    """Null reads ``(not recorded)``, collections are comma-joined (empty: ``none``), dates are ISO."""
    assert placeholder_text("x", {"x": value}, {}) == text


def test_evidence_wins_over_the_subject_even_when_null() -> None:
    """An evidence key hides the subject field of the same name, also when its value is null."""
    subject = {"version": {"basic_wage_minor": 1000}, "cap": 7}
    assert placeholder_text("version.basic_wage_minor", {"version.basic_wage_minor": 900}, subject) == "900"
    assert placeholder_text("cap", {"cap": None}, subject) == "(not recorded)"


def test_placeholders_fall_back_to_dotted_subject_fields() -> None:
    """A placeholder that is not evidence resolves the dotted path in the subject; a missing one is not recorded."""
    subject = {"version": {"basic_wage_minor": 1000, "languages": ["ar"]}}
    template = "{version.basic_wage_minor} in {version.languages}; {version.missing}; {total}"
    assert render_message(template, {"total": 3}, subject) == "1000 in ar; (not recorded); 3"


def test_only_lower_case_placeholders_are_filled() -> None:
    """Braces around anything but a lower-case dotted name are left as written."""
    assert render_message("{Total} {a-b} {} {total}", {"total": 3}, {}) == "{Total} {a-b} {} 3"


# --- pack errors and models ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "field", "text"),
    [
        (None, None, "audits/x/pack.yaml: bad"),
        ("FEE-001", None, "audits/x/pack.yaml: criterion FEE-001: bad"),
        (None, "params.rules", "audits/x/pack.yaml: params.rules: bad"),
        ("FEE-001", "params.rules", "audits/x/pack.yaml: criterion FEE-001: params.rules: bad"),
        ("", "", "audits/x/pack.yaml: bad"),
    ],
)
def test_pack_issue_names_file_criterion_and_field(criterion, field, text: str) -> None:
    """An issue reads ``file: criterion ID: field: message``, leaving out what is unknown."""
    assert str(PackIssue("audits/x/pack.yaml", "bad", criterion, field)) == text


def test_pack_load_error_lists_one_issue_per_line() -> None:
    """The error keeps its issues and shows each on its own line."""
    issues = [PackIssue("a.yaml", "one"), PackIssue("b.yaml", "two", "FEE-001", "id")]
    error = PackLoadError(issues)
    assert error.issues is issues
    assert str(error) == "a.yaml: one\nb.yaml: criterion FEE-001: id: two"
    assert str(PackLoadError([PackIssue("a.yaml", "one")])) == "a.yaml: one"


def test_subject_error_is_a_value_error() -> None:
    """Callers that catch ValueError also catch malformed subjects."""
    assert issubclass(SubjectError, ValueError)


def test_pack_finds_criteria_by_id() -> None:
    """``Pack.criterion`` returns the criterion with that id; an unknown id raises KeyError naming it."""
    pack = make_pack("lic", HORIZON, GATED)
    assert pack.criterion("LICT-002") is pack.criteria[1]
    assert pack.criteria[1].id == "LICT-002"
    with pytest.raises(KeyError) as raised:
        pack.criterion("LICT-404")
    assert raised.value.args == ("LICT-404",)


@pytest.mark.parametrize("model", [BaseSpec, ExampleSpec])
@pytest.mark.parametrize(
    ("origin", "valid"),
    [({"base": "agency_ok"}, True), ({"subject": {"id": 1}}, True), ({}, False), ({"base": "a", "subject": {}}, False)],
)
def test_bases_and_examples_need_exactly_one_origin(model, origin: dict, valid: bool) -> None:
    """A base or an example starts from a full subject or from another base, never both or neither."""
    raw = {"subject_type": "agency"} if model is BaseSpec else {"id": "e1", "criterion": "LICT-001", "expect": "passed"}
    if valid:
        spec = model.model_validate({**raw, **origin})
        assert (spec.base, spec.subject) == (origin.get("base"), origin.get("subject"))
    else:
        with pytest.raises(ValidationError) as raised:
            model.model_validate({**raw, **origin})
        assert [e["msg"] for e in raised.value.errors()] == ["Value error, give exactly one of subject or base"]
