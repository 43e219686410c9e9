"""Forms of the complaint pages: the public complaint, following it with the receipt code, and the NGO's filing."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from recruitment_watch.db import get_session
from recruitment_watch.models import Agency
from recruitment_watch.models.vocab import BINDING_SEVERITIES, ComplaintCategory, ConsentMethod, Severity
from recruitment_watch.services.casework.public_filing import WhatHappened
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.services.registry.register_lists import agency_page
from recruitment_watch.web.forms import choices

# Countries offered for a corridor: where workers leave from and where they go (ISO 3166 codes; names come from the
# reader's locale, so they are in the page's language).
ORIGINS = ("BD", "IN", "NP", "PK", "PH", "LK", "ID", "MM", "KH", "VN", "ET", "KE", "UG")
DESTINATIONS = ("AE", "QA", "SA", "KW", "OM", "BH", "JO", "LB", "MY", "SG", "GB", "DE", "PL", "RO", "IL", "JP", "KR")

WHAT_HAPPENED_LABELS = {
    WhatHappened.paid_fees: _l("I had to pay money to get the job (fees, visa, ticket, medical test)"),
    WhatHappened.debt: _l("I borrowed money to pay for the job and cannot pay it back"),
    WhatHappened.wages_unpaid: _l("My wages are not paid, paid late or less than promised"),
    WhatHappened.different_contract: _l("I was given a different contract or job from the one I signed"),
    WhatHappened.lied_to: _l("I was lied to about the job, the pay or the place"),
    WhatHappened.passport_taken: _l("Someone keeps my passport or ID card"),
    WhatHappened.hurt_or_threatened: _l("I was hurt, threatened or harassed"),
    WhatHappened.cannot_leave: _l("I am not allowed to leave my workplace or housing"),
    WhatHappened.too_many_hours: _l("I must work too many hours or without a day off"),
    WhatHappened.bad_housing: _l("My housing or working conditions are unsafe"),
    WhatHappened.sent_home: _l("I was dismissed or sent home unfairly"),
    WhatHappened.other: _l("Something else"),
}


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def country_choices(codes: tuple[str, ...], *, empty) -> list:
    """(code, name in the reader's language) pairs, sorted by name, after an empty choice."""
    territories = get_locale().territories
    named = sorted(((code, territories.get(code, code)) for code in codes), key=lambda pair: pair[1])
    return choices([("", empty), *named])


class PublicComplaintForm(FlaskForm):
    filed_by = RadioField(_l("Who is telling us?"), default="worker",
                          choices=choices([("worker", _l("I am the worker")),
                                           ("family", _l("I am a relative or friend of the worker"))]))  # fmt: skip
    worker_agrees = BooleanField(_l("The worker knows and agrees that I tell you about this"))
    agency_search = StringField(_l("Agency name or licence number"), validators=[Optional(), Length(max=100)])
    find_agency = SubmitField(_l("Search the register"))
    agency_id = RadioField(_l("Which agency is it?"), validators=[Optional()], validate_choice=False)
    respondent_name = StringField(_l("Name of the agency or employer, if it is not in the list"),
                                  validators=[Optional(), Length(max=200)])  # fmt: skip
    what_happened = CheckboxesField(_l("What happened? Choose all that apply."), validators=[InputRequired()],
                                    choices=choices(WHAT_HAPPENED_LABELS.items()))  # fmt: skip
    incident_date = DateField(_l("When did it happen? (approximately)"), validators=[Optional()])
    incident_place = StringField(_l("Where did it happen? (city or workplace)"),
                                 validators=[Optional(), Length(max=200)])  # fmt: skip
    origin_country = SelectField(_l("Country you left from"), validators=[Optional()])
    destination_country = SelectField(_l("Country where you work or were sent"), validators=[Optional()])
    summary = TextAreaField(_l("Tell us what happened, in your own words"),
                            validators=[InputRequired(), Length(min=10, max=5000)])  # fmt: skip
    evidence = MultipleFileField(_l("Photos or documents (optional)"))
    contact = StringField(_l("How can we reach you? Phone, e-mail or messenger (optional)"),
                          validators=[Optional(), Length(max=300)])  # fmt: skip
    # Left empty by people (it is hidden from them); a form robot fills it in.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Send the complaint"))

    def offer_countries(self) -> None:
        self.origin_country.choices = country_choices(ORIGINS, empty=_l("I would rather not say"))
        self.destination_country.choices = country_choices(DESTINATIONS, empty=_l("I would rather not say"))


class StatusForm(FlaskForm):
    reference = StringField(_l("Reference"), validators=[InputRequired(), Length(max=24)],
                            render_kw={"autocomplete": "off", "spellcheck": "false"})  # fmt: skip
    receipt_code = StringField(_l("Receipt code"), validators=[InputRequired(), Length(max=60)],
                               render_kw={"autocomplete": "off", "inputmode": "numeric"})  # fmt: skip
    submit = SubmitField(_l("Show my complaint"))


class ReplyForm(FlaskForm):
    """The complainant's answer; the reference and code travel in hidden fields (checked again on every post)."""

    reference = HiddenField()
    receipt_code = HiddenField()
    message = TextAreaField(_l("Your message"), validators=[Optional(), Length(max=5000)])
    evidence = MultipleFileField(_l("Add photos or documents"))
    submit = SubmitField(_l("Send"))


class NgoReplyForm(FlaskForm):
    message = TextAreaField(_l("Your message"), validators=[Optional(), Length(max=5000)])
    evidence = MultipleFileField(_l("Add photos or documents"))
    submit = SubmitField(_l("Send"))


class NgoComplaintForm(FlaskForm):
    consent_method = SelectField(_l("How did the worker consent?"), validators=[InputRequired()],
                                 choices=choices([("", _l("Choose one")),
                                                  *((m.value, m.value) for m in ConsentMethod)]))  # fmt: skip
    consent_at = DateTimeLocalField(_l("When did the worker consent? (UTC)"), validators=[InputRequired()])
    worker_name = StringField(_l("Worker's full name"), validators=[Optional(), Length(max=200)])
    worker_passport_no = StringField(_l("Worker's passport number"), validators=[Optional(), Length(max=32)])
    worker_phone = StringField(_l("Worker's phone"), validators=[Optional(), Length(max=40)])
    agency_search = StringField(_l("Agency name or licence number"), validators=[Optional(), Length(max=100)])
    find_agency = SubmitField(_l("Search the register"))
    agency_id = RadioField(_l("Which agency is it?"), validators=[Optional()], validate_choice=False)
    respondent_name = StringField(_l("Name of the agency or employer, if it is not in the list"),
                                  validators=[Optional(), Length(max=200)])  # fmt: skip
    categories = CheckboxesField(_l("Categories"), validators=[InputRequired()],
                                 choices=choices((c.value, c.value) for c in ComplaintCategory))  # fmt: skip
    severity = SelectField(_l("Severity"), default=Severity.medium.value,
                           choices=choices((s.value, s.value) for s in BINDING_SEVERITIES))  # fmt: skip
    incident_date = DateField(_l("When did it happen? (approximately)"), validators=[Optional()])
    incident_place = StringField(_l("Where did it happen? (city or workplace)"),
                                 validators=[Optional(), Length(max=200)])  # fmt: skip
    origin_country = SelectField(_l("Country of origin"), validators=[Optional()])
    destination_country = SelectField(_l("Country of destination"), validators=[Optional()])
    language = SelectField(_l("Worker's language"))
    summary = TextAreaField(_l("What happened"), validators=[InputRequired(), Length(min=10, max=5000)])
    evidence = MultipleFileField(_l("Photos or documents (optional)"))
    submit = SubmitField(_l("File the complaint"))

    def offer_countries(self) -> None:
        self.origin_country.choices = country_choices(ORIGINS, empty=_l("Not known"))
        self.destination_country.choices = country_choices(DESTINATIONS, empty=_l("Not known"))


AGENCY_MATCHES = 10


def offer_agencies(form, *, none_label: str) -> None:
    """The agency choices of a complaint form: the register's matches of its search (found by the search button,
    without JavaScript), the agency already chosen, and "none of these"."""
    db = get_session()
    search = (form.agency_search.data or "").strip()
    found: list[Agency] = agency_page(db, search=search, limit=AGENCY_MATCHES)[0] if search else []
    chosen = chosen_agency_id(form)
    if chosen and all(a.id != chosen for a in found) and (agency := db.get(Agency, chosen)) is not None:
        found = [agency, *found]
    form.agency_id.choices = choices([(str(a.id), f"{a.name} — {a.licence_no} ({a.country})") for a in found]
                                     + [("", none_label)])  # fmt: skip


def chosen_agency_id(form) -> int | None:
    """The agency id the form chose, or None."""
    raw = form.agency_id.data or ""
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None


def show_service_error(form, exc: ServiceError) -> None:
    """Put a service's refusal on its field (or at the top of the form), in the reader's language."""
    message = _(exc.msgid, **exc.params)
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and isinstance(getattr(target, "errors", None), list):
        target.errors.append(message)
    else:
        form.form_errors.append(message)
