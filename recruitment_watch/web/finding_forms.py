"""The findings pages' forms (Flask-WTF, each with its CSRF token), the words for finding codes, the queue's filters
as read from the address, and the queue's export columns."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from recruitment_watch.services.casework.finding_queue import (
    SEVERITIES,
    STATUSES,
    FindingFilters,
    FindingRow,
    QueueOrder,
)
from recruitment_watch.services.casework.findings import MAX_REASON, BulkAction
from recruitment_watch.web.forms import choices

STATUS_LABELS = {
    "open": _l("open"), "agency_responded": _l("agency responded"), "verified_remediated": _l("remedy verified"),
    "dismissed": _l("dismissed"), "auto_resolved": _l("resolved (no longer found)"),
}  # fmt: skip
ORDER_LABELS = {QueueOrder.newest.value: _l("newest first"), QueueOrder.severity.value: _l("most severe first"),
                QueueOrder.due.value: _l("soonest due first")}  # fmt: skip
ACTION_LABELS = {BulkAction.verify.value: _l("Verify the remedy (close as remedied)"),
                 BulkAction.dismiss.value: _l("Dismiss (a reason is needed)"),
                 BulkAction.assign.value: _l("Assign to an inspector")}  # fmt: skip
HISTORY_LABELS = {
    "first_seen": _l("First found"), "last_seen": _l("Last found by a sweep"), "disclosed": _l("Put to the agency"),
    "agency_responded": _l("Agency responded"), "verified_remediated": _l("Remedy verified"),
    "dismissed": _l("Dismissed"), "auto_resolved": _l("No longer found (resolved)"),
}  # fmt: skip
EXPORT_HEADER = ["id", "pack", "criterion", "severity", "status", "agency", "subject_type", "subject_id",
                 "first_seen_at", "due_on", "assigned_to", "message", "citation"]  # fmt: skip


class BulkFindingForm(FlaskForm):
    """What to do with the ticked findings (the checkboxes are named ``findings``)."""

    action = SelectField(_l("Action"), choices=choices(ACTION_LABELS.items()), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason for dismissing (the agency reads it)"),
                           validators=[Length(max=MAX_REASON)])  # fmt: skip
    assignee = SelectField(_l("Inspector to assign to"), coerce=int)
    submit = SubmitField(_l("Apply to ticked findings"))


class ConfirmDismissForm(FlaskForm):
    """The second step of a dismissal: the inspector has seen which findings and which reason."""

    submit = SubmitField(_l("Yes, dismiss these findings"))


class ResponseForm(FlaskForm):
    """The agency's answer to a finding, with evidence files."""

    text = TextAreaField(_l("Your response: what you did, or why the finding is wrong"),
                         filters=[lambda value: value.strip() if value else value],
                         validators=[InputRequired(), Length(min=3, max=5000)])  # fmt: skip
    evidence = MultipleFileField(_l("Evidence files (PDF, photo or voice recording)"))
    submit = SubmitField(_l("Send the response"))


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "")[:10])
    except ValueError:
        return None


def filters_from_request(packs: Iterable[str]) -> FindingFilters:
    """The queue's filters from the address; a value that is not one of the offered ones filters nothing."""
    args = request.args

    def picked(name: str, allowed) -> str:
        value = args.get(name, "")
        return value if value in allowed else ""

    agency = args.get("agency", "")
    order = picked("sort", {order.value for order in QueueOrder}) or QueueOrder.newest.value
    return FindingFilters(
        pack_id=picked("pack", set(packs)), criterion_id=args.get("criterion", "")[:40].strip(),
        severity=picked("severity", SEVERITIES), status=picked("status", STATUSES),
        agency_id=int(agency) if agency.isdigit() and len(agency) < 16 else None,
        origin_country=args.get("origin", "")[:2], destination_country=args.get("destination", "")[:2],
        seen_from=_day("from"), seen_to=_day("to"), assignee=args.get("assignee", "")[:16],
        order=QueueOrder(order),
    )  # fmt: skip


def export_line(row: FindingRow) -> list:
    """A finding's cells in an export, in ``EXPORT_HEADER``'s order."""
    return [row.id, row.pack_id, row.criterion_id, row.severity, row.status, row.agency_name, row.subject_type,
            row.subject_id, row.first_seen_at, row.due_on, row.assignee_name, row.message, row.citation]  # fmt: skip
