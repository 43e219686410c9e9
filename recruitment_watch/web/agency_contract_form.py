"""The agency's contract form: worker, contract, the first version's terms and a few fee payments, turned into the
very payload API v1 takes (``ApiContractInput``), and the service's refusals put back on the fields they name.

The form only parses what a browser sends (numbers, dates, amounts in major units); every rule of what a contract
may hold is the input models', so a web submission and an API submission are judged alike.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import Length, NumberRange, Optional

from recruitment_watch import money
from recruitment_watch.models.vocab import (
    DocumentHolder,
    FeeCategory,
    PayeeType,
    Payer,
    PaymentMethod,
    Sex,
    VersionKind,
    WagePeriod,
)
from recruitment_watch.services.errors import FieldError
from recruitment_watch.web.complaint_forms import DESTINATIONS, ORIGINS, country_choices
from recruitment_watch.web.forms import choices
from recruitment_watch.web.vocabulary import TERMS

FEE_ROWS = 3  # enough for a first submission; more payments go through the API or the CSV upload
CURRENCIES = sorted(money.SUPPORTED_CURRENCIES)
WORKER_FIELDS = ("reference", "full_name", "nationality", "sex", "date_of_birth", "languages", "passport_no", "phone",
                 "passport_held_by", "domestic_worker", "pdo_completed", "skills_certified", "insured")  # fmt: skip
CONTRACT_FIELDS = ("reference", "employer_id", "job_order_id", "origin_country", "destination_country", "sector",
                   "isco_code", "departure_on")  # fmt: skip
TERM_NUMBERS = ("hours_per_day", "days_per_week", "weekly_rest_days", "daily_rest_hours", "overtime_rate_pct",
                "annual_leave_days", "duration_months", "probation_months", "termination_notice_days")  # fmt: skip
TERM_FLAGS = ("copy_given_to_worker", "food_provided", "housing_provided", "medical_cover", "repatriation_clause",
              "dispute_clause", "joint_liability_clause", "attested")  # fmt: skip
# Version fields whose form field has another name (the contract and its first version share the employer and ISCO).
VERSION_FIELD = {"basic_wage_minor": "wage", "languages": "contract_languages", "": "wage"}
FEE_FIELD = {"amount_minor": "amount", "": "amount"}


def _values(enum, labels: dict | None = None, *, empty=None) -> list:
    """Choices of ``enum``: its codes, labelled in the reader's language (``labels``, else the shared vocabulary)."""
    pairs = [(member.value, (labels or {}).get(member.value) or TERMS.get(member.value)
              or member.value.replace("_", " ")) for member in enum]  # fmt: skip
    return choices(([("", empty)] if empty is not None else []) + pairs)


def _currencies(*, empty=None) -> list:
    return choices(([("", empty)] if empty is not None else []) + [(code, code) for code in CURRENCIES])


def _number(label) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(min=0)], render_kw={"inputmode": "numeric"})


class FeeRowForm(Form):
    """One payment the worker made (a row left without category and amount is not a payment)."""

    category = SelectField(_l("ILO cost category"), choices=_values(FeeCategory, empty=_l("No payment")))
    payee_type = SelectField(_l("Paid by the worker to"), choices=_values(PayeeType))
    amount = StringField(_l("Amount"), validators=[Optional(), Length(max=20)], render_kw={"inputmode": "decimal"})
    currency = SelectField(_l("Currency"), choices=_currencies())
    paid_on = DateField(_l("Paid on"), validators=[Optional()])
    method = SelectField(_l("How it was paid"), choices=_values(PaymentMethod))
    receipt_no = StringField(_l("Receipt number"), validators=[Optional(), Length(max=64)])

    def is_blank(self) -> bool:
        return not self.category.data and not (self.amount.data or "").strip()


class ContractForm(FlaskForm):
    # The worker
    worker_reference = StringField(_l("Worker reference (your own, unique)"), validators=[Length(max=32)])
    worker_full_name = StringField(_l("Worker's full name"), validators=[Length(max=200)])
    worker_nationality = SelectField(_l("Nationality"))
    worker_sex = SelectField(_l("Sex"), default=Sex.undisclosed.value, choices=_values(Sex))
    worker_date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    worker_languages = StringField(_l("Languages the worker reads (codes, e.g. ne, en)"),
                                   validators=[Optional(), Length(max=60)])  # fmt: skip
    worker_passport_no = StringField(_l("Passport number"), validators=[Optional(), Length(max=32)])
    worker_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    worker_passport_held_by = SelectField(_l("Who holds the passport"), default=DocumentHolder.worker.value,
                                          choices=_values(DocumentHolder))  # fmt: skip
    worker_domestic_worker = BooleanField(_l("Domestic worker"))
    worker_pdo_completed = BooleanField(_l("Pre-departure orientation completed"))
    worker_skills_certified = BooleanField(_l("Skills certified"))
    worker_insured = BooleanField(_l("Insured"))
    # The contract
    reference = StringField(_l("Contract reference (your own, unique)"), validators=[Length(max=40)])
    employer_search = StringField(_l("Find an employer by name or registration number"),
                                  validators=[Optional(), Length(max=100)])  # fmt: skip
    find_employer = SubmitField(_l("Search the register"))
    employer_id = SelectField(_l("Employer"), validate_choice=False)
    job_order_id = SelectField(_l("Demand letter (job order)"), validate_choice=False)
    origin_country = SelectField(_l("Country of origin"))
    destination_country = SelectField(_l("Country of destination"))
    sector = StringField(_l("Sector"), validators=[Length(max=64)])
    isco_code = StringField(_l("ISCO occupation code"), validators=[Optional(), Length(max=4)])
    departure_on = DateField(_l("Departure date"), validators=[Optional()])
    # The first version's terms
    kind = SelectField(_l("Stage of this version"), default=VersionKind.offer.value,
                       choices=choices([(VersionKind.offer.value, _l("offer (not signed yet)")),
                                        (VersionKind.origin_signed.value, _l("signed in the country of origin")),
                                        (VersionKind.destination_registered.value,
                                         _l("registered in the country of destination"))]))  # fmt: skip
    job_title = StringField(_l("Job title"), validators=[Length(max=200)])
    wage = StringField(_l("Basic wage"), validators=[Length(max=20)], render_kw={"inputmode": "decimal"})
    wage_currency = SelectField(_l("Wage currency"), choices=_currencies(empty=_l("Choose one")))
    wage_period = SelectField(_l("Wage per"), default=WagePeriod.month.value, choices=_values(WagePeriod))
    hours_per_day = _number(_l("Hours of work per day"))
    days_per_week = _number(_l("Days of work per week"))
    weekly_rest_days = _number(_l("Rest days per week"))
    daily_rest_hours = _number(_l("Rest hours per day"))
    overtime_rate_pct = _number(_l("Overtime pay (percentage of the basic rate)"))
    annual_leave_days = _number(_l("Paid annual leave (days)"))
    duration_months = _number(_l("Duration (months)"))
    probation_months = _number(_l("Probation (months)"))
    termination_notice_days = _number(_l("Notice of termination (days)"))
    worksite_city = StringField(_l("Worksite city"), validators=[Optional(), Length(max=100)])
    worksite_country = SelectField(_l("Worksite country"))
    return_ticket_by = SelectField(_l("Return ticket paid by"), choices=_values(Payer, empty=_l("Not stated")))
    recruitment_costs_borne_by = SelectField(_l("Recruitment costs borne by"),
                                             choices=_values(Payer, empty=_l("Not stated")))  # fmt: skip
    contract_languages = StringField(_l("Languages of the contract (codes, e.g. ar, ne)"),
                                     validators=[Optional(), Length(max=60)])  # fmt: skip
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    copy_given_to_worker = BooleanField(_l("A copy was given to the worker"))
    food_provided = BooleanField(_l("Food provided"))
    housing_provided = BooleanField(_l("Housing provided"))
    medical_cover = BooleanField(_l("Medical cover"))
    repatriation_clause = BooleanField(_l("Repatriation clause"))
    dispute_clause = BooleanField(_l("Dispute-resolution clause"))
    joint_liability_clause = BooleanField(_l("Joint liability of agency and employer"))
    attested = BooleanField(_l("Attested by the authority"))
    # What the worker paid
    fees = FieldList(FormField(FeeRowForm), min_entries=FEE_ROWS, max_entries=FEE_ROWS)
    check = SubmitField(_l("Check against the criteria"))
    submit = SubmitField(_l("Submit the contract"))

    def offer_places(self) -> None:
        """Countries in the reader's language."""
        origins = country_choices(ORIGINS, empty=_l("Choose one"))
        destinations = country_choices(DESTINATIONS, empty=_l("Choose one"))
        self.worker_nationality.choices = origins
        self.origin_country.choices = origins
        self.destination_country.choices = destinations
        self.worksite_country.choices = destinations


def _codes(text: str | None) -> list[str]:
    return [code for code in re.split(r"[\s,;]+", (text or "").strip().lower()) if code]


def minor_units(text: str | None, currency: str | None) -> int | None:
    """An amount typed in major units ("1500", "1,500.50") as minor units of ``currency``; ValueError if it is not
    one. None when nothing was typed."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError("Type a number, e.g. 1500 or 1500.50.") from exc
    places = money.exponent(currency) if currency in money.SUPPORTED_CURRENCIES else 2
    scaled = amount.scaleb(places)
    if not amount.is_finite() or amount < 0 or scaled != scaled.to_integral_value():
        raise ValueError(f"Type a positive amount with at most {places} decimals.")
    return int(scaled)


def _chosen_id(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 19 and int(raw) > 0 else None


def contract_payload(form: ContractForm) -> tuple[dict[str, Any], list[int], list[FieldError]]:
    """The form as an API submission, the form row of each fee payment sent, and the amounts that could not be read
    (as field errors on their form fields)."""
    problems: list[FieldError] = []
    worker = {name: getattr(form, f"worker_{name}").data for name in WORKER_FIELDS}
    worker.update(languages=_codes(form.worker_languages.data), passport_no=worker["passport_no"] or None,
                  phone=worker["phone"] or None)  # fmt: skip
    try:
        wage = minor_units(form.wage.data, form.wage_currency.data)
    except ValueError as exc:
        problems.append(FieldError("wage", str(exc)))
        wage = None
    terms: dict[str, Any] = {
        "kind": form.kind.data, "basic_wage_minor": wage, "wage_currency": form.wage_currency.data or None,
        "wage_period": form.wage_period.data, "job_title": form.job_title.data,
        "worksite_city": form.worksite_city.data or None, "worksite_country": form.worksite_country.data or None,
        "isco_code": form.isco_code.data or None, "employer_id": _chosen_id(form.employer_id.data),
        "return_ticket_by": form.return_ticket_by.data or None,
        "recruitment_costs_borne_by": form.recruitment_costs_borne_by.data or None,
        "languages": _codes(form.contract_languages.data), "signed_on": form.signed_on.data,
        **{name: getattr(form, name).data for name in TERM_NUMBERS + TERM_FLAGS},
    }  # fmt: skip
    payments, rows = [], []
    for row_number, row in enumerate(form.fees):
        if row.is_blank():
            continue
        try:
            amount = minor_units(row.amount.data, row.currency.data)
        except ValueError as exc:
            problems.append(FieldError(f"fees-{row_number}-amount", str(exc)))
            amount = None
        payments.append({"category": row.category.data or None, "payee_type": row.payee_type.data,
                         "amount_minor": amount, "currency": row.currency.data, "paid_on": row.paid_on.data,
                         "method": row.method.data, "receipt_no": row.receipt_no.data or None})  # fmt: skip
        rows.append(row_number)
    payload = {name: getattr(form, name).data or None for name in CONTRACT_FIELDS}
    payload.update(employer_id=_chosen_id(form.employer_id.data), job_order_id=_chosen_id(form.job_order_id.data),
                   worker=worker, versions=[terms], fee_payments=payments)  # fmt: skip
    return _without_none(payload), rows, problems


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out what was not filled in, so the input model reports a missing required field as missing."""
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            cleaned[key] = _without_none(value)
        elif isinstance(value, list):
            cleaned[key] = [_without_none(item) if isinstance(item, dict) else item for item in value]
        elif value is not None and value != "":
            cleaned[key] = value
    return cleaned


def form_field_of(path: str | None, fee_rows: list[int]) -> str | None:
    """The form field a service error path names ("versions.0.basic_wage_minor" → "wage"), or None."""
    if not path:
        return None
    # A union's member is named in the path ("worker.WorkerInput.languages.0"): only field names and positions count.
    parts = [part for part in path.split(".") if not part.isdigit() and not part[:1].isupper()]
    numbers = [int(part) for part in path.split(".") if part.isdigit()]
    head, rest = parts[0], ".".join(parts[1:2])
    if head == "worker":
        return f"worker_{rest}" if rest in WORKER_FIELDS else "worker_reference"
    if head == "versions":
        return VERSION_FIELD.get(rest, rest)
    if head == "fee_payments" and numbers and numbers[0] < len(fee_rows):
        return f"fees-{fee_rows[numbers[0]]}-{FEE_FIELD.get(rest, rest)}"
    return head if head in CONTRACT_FIELDS else None


def place_errors(form: ContractForm, errors: list[FieldError], fee_rows: list[int], *, only_unmarked=False) -> None:
    """Put each error next to its field; what names no field goes to the top of the form. ``only_unmarked`` leaves
    out errors on a field that has one already (the form's own reading of it said more)."""
    fields = {field.id: field for field in _all_fields(form)}
    for error in errors:
        if ".WorkerRef" in (error.field or ""):
            continue  # the API's other way to name a worker (by id), which the form does not offer
        target = fields.get(error.field or "") or fields.get(form_field_of(error.field, fee_rows) or "")
        if target is not None:
            if only_unmarked and target.errors:
                continue
            if error.message not in target.errors:
                target.errors.append(error.message)
        else:
            label = f"{error.field}: " if error.field else ""
            form.form_errors.append(label + error.message)


def _all_fields(form: ContractForm):
    for field in form:
        if field.name == "fees":
            for row in field:
                yield from row
        else:
            yield field


def error_summary(form: ContractForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) for every field error, in the order of the form, for the summary at its top."""
    summary = []
    for field in _all_fields(form):
        label = str(field.label.text)
        row = re.match(r"fees-(\d+)-", field.id)
        if row:
            label = str(_l("Payment %(number)s: %(field)s", number=int(row.group(1)) + 1, field=label))
        summary.extend((field.id, label, str(message)) for message in field.errors)
    return summary
