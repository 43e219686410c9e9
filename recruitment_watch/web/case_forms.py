"""The inspectors' case forms (Flask-WTF, each with its CSRF token) and the words for the case codes they show."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from recruitment_watch import money
from recruitment_watch.models.vocab import ComplaintOutcome, ComplaintStatus
from recruitment_watch.services.casework.cases import MAX_TEXT
from recruitment_watch.web.forms import choices

OUTCOME_LABELS = {
    ComplaintOutcome.substantiated.value: _l("substantiated"),
    ComplaintOutcome.not_substantiated.value: _l("not substantiated"),
    ComplaintOutcome.referred.value: _l("referred to another authority"),
    ComplaintOutcome.withdrawn.value: _l("withdrawn"),
}
CURRENCIES = sorted(money.SUPPORTED_CURRENCIES)
SLA_LABELS = {"on_track": _l("on track"), "due_soon": _l("due soon"), "overdue": _l("overdue")}
CATEGORY_LABELS = {
    "unpaid_wages": _l("unpaid wages"), "fees": _l("recruitment fees"),
    "contract_substitution": _l("contract substitution"), "passport_retention": _l("passport kept"),
    "deception": _l("deception"), "harassment_violence": _l("harassment or violence"),
    "excessive_hours": _l("excessive hours"), "living_conditions": _l("living conditions"),
    "termination_repatriation": _l("termination or repatriation"), "other": _l("other"),
}  # fmt: skip


class AssignForm(FlaskForm):
    """Assign one case (the choices are the ministry's inspectors; 0 = nobody)."""

    assignee = SelectField(_l("Assign to"), coerce=int)
    submit = SubmitField(_l("Assign"))


class BulkAssignForm(FlaskForm):
    """Assign the ticked cases of the queue (the checkboxes are named ``cases``)."""

    assignee = SelectField(_l("Assign the ticked cases to"), coerce=int)
    submit = SubmitField(_l("Assign ticked cases"))


class MessageForm(FlaskForm):
    text = TextAreaField(_l("Message to the complainant"), validators=[InputRequired(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Send message"))


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Internal note (never shown to the complainant)"),
                         validators=[InputRequired(), Length(max=MAX_TEXT)])  # fmt: skip
    submit = SubmitField(_l("Add note"))


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=choices((s.value, s.value) for s in ComplaintStatus))
    submit = SubmitField(_l("Change status"))


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=choices(OUTCOME_LABELS.items()))
    referred_to = StringField(_l("Referred to (authority), for a referral"), validators=[Length(max=200)])
    amount_recovered = StringField(_l("Amount recovered for the worker"), validators=[Optional(), Length(max=30)],
                                   render_kw={"inputmode": "decimal"})  # fmt: skip
    currency = SelectField(_l("Currency"), choices=choices([("", "—")] + [(c, c) for c in CURRENCIES]))
    closing_note = TextAreaField(_l("Closing note"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Close the case"))


class MergeForm(FlaskForm):
    target = SelectField(_l("Merge this case into"), coerce=int)
    confirm = BooleanField(_l("Yes, this case reports the same events: merge it"))
    submit = SubmitField(_l("Merge"))


class WorkingFileForm(FlaskForm):
    files = MultipleFileField(_l("Internal working file (PDF, photo or voice recording)"))
    submit = SubmitField(_l("Upload"))
