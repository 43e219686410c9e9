"""Time-window check types: licence validity and complaint service levels."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field

from recruitment_watch.checks.conditions import FIELD_PATTERN, resolve
from recruitment_watch.checks.registry import CheckType, Params, Verdict, failed, not_applicable, passed, register
from recruitment_watch.checks.subjects import VALID_LICENCE_STATUSES, AgencyStatus, ComplaintCategory, Severity
from recruitment_watch.checks.types_basic import ALL_SUBJECTS, as_date

Path = Annotated[str, Field(pattern=FIELD_PATTERN)]
Hours = Annotated[int, Field(ge=1)]


class LicenceValidOnParams(Params):
    """The licence window and status read from the subject, judged on ``date`` (default: judging date)."""

    valid_from: Path
    valid_to: Path
    status: Path | None = None
    allowed_statuses: Annotated[list[AgencyStatus], Field(min_length=1)] = list(VALID_LICENCE_STATUSES)
    date: Path | None = None
    missing_date: Literal["not_applicable", "fail"] = "not_applicable"


@register
class LicenceValidOn(CheckType):
    """``licence-valid-on``: the agency held a valid licence in an allowed status on the date."""

    key = "licence-valid-on"
    params_model = LicenceValidOnParams
    subjects = ALL_SUBJECTS

    def evaluate(self, subject: dict[str, Any], params: LicenceValidOnParams, *, on: date) -> Verdict:
        """Fail when the date is outside [valid_from, valid_to], either bound is missing, or status is not allowed."""
        checked_on = as_date(resolve(subject, params.date)) if params.date else on
        start, end = resolve(subject, params.valid_from), resolve(subject, params.valid_to)
        evidence: dict[str, Any] = {params.valid_from: start, params.valid_to: end, "checked_on": checked_on}
        if params.status:
            evidence[params.status] = resolve(subject, params.status)
        if checked_on is None:
            return failed(evidence) if params.missing_date == "fail" else not_applicable(evidence)
        inside = start is not None and end is not None and start <= checked_on <= end
        status_ok = params.status is None or evidence[params.status] in params.allowed_statuses
        return passed(evidence) if inside and status_ok else failed(evidence)

    def field_paths(self, params: LicenceValidOnParams) -> list[str]:
        """Licence window, status and reference date fields."""
        return [p for p in (params.valid_from, params.valid_to, params.status, params.date) if p]

    def evidence_keys(self, params: LicenceValidOnParams) -> set[str]:
        """The date the licence was checked on."""
        return {"checked_on"}


class SlaOverdueParams(Params):
    """Hours allowed between ``start`` and ``stop`` (or ``now`` while ``stop`` is null).

    The allowance is the tightest of the severity's hours and the hours of any listed category the
    complaint carries; a complaint with no applicable allowance is not judged.
    """

    start: Path = "complaint.received_at"
    stop: Path
    hours_by_severity: dict[Severity, Hours] = {}
    hours_by_category: dict[ComplaintCategory, Hours] = {}
    severity_field: Path = "complaint.severity"
    categories_field: Path = "complaint.categories"
    now_field: Path = "now"


@register
class SlaOverdue(CheckType):
    """``sla-overdue``: a complaint was not acknowledged / resolved within its service level."""

    key = "sla-overdue"
    params_model = SlaOverdueParams
    subjects = frozenset({"complaint"})

    def evaluate(self, subject: dict[str, Any], params: SlaOverdueParams, *, on: date) -> Verdict:
        """Fail when the elapsed time exceeds the allowance (an open clock keeps running until ``now``)."""
        start: datetime | None = resolve(subject, params.start)
        stop: datetime | None = resolve(subject, params.stop)
        now: datetime | None = resolve(subject, params.now_field)
        severity = resolve(subject, params.severity_field)
        categories = resolve(subject, params.categories_field) or []
        allowances = [params.hours_by_category[c] for c in categories if c in params.hours_by_category]
        if severity in params.hours_by_severity:
            allowances.append(params.hours_by_severity[severity])
        evidence: dict[str, Any] = {params.start: start, params.stop: stop, params.severity_field: severity}
        end = stop or now
        if start is None or end is None or not allowances:
            return not_applicable(evidence)
        allowed = min(allowances)
        elapsed = (end - start).total_seconds() / 3600
        evidence.update(
            allowed_hours=allowed,
            elapsed_hours=round(elapsed, 1),
            due_at=(start + timedelta(hours=allowed)).isoformat(),
            clock_running=stop is None,
        )
        return failed(evidence) if elapsed > allowed else passed(evidence)

    def field_paths(self, params: SlaOverdueParams) -> list[str]:
        """Clock fields plus the fields that pick the allowance."""
        return [params.start, params.stop, params.severity_field, params.categories_field, params.now_field]

    def evidence_keys(self, params: SlaOverdueParams) -> set[str]:
        """Computed keys for messages."""
        return {"allowed_hours", "elapsed_hours", "due_at", "clock_running"}
