"""Contract pages: the list (an agency its own contracts, inspectors and admins all; filters; CSV and Excel) and one
contract's page (its versions with the field-level diff between each pair, substitutions named in words, the hash
chain's state, the fee payments and the findings as the reader may see them), through ``services.contracts``.

The ``agency_files`` blueprint starts here and ``web.agency_files`` adds the agency 360° pages to it (they list an
agency's contracts with this module's filters and export); the app registers it from there.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import format_currency, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from recruitment_watch import money
from recruitment_watch.db import get_session
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.contracts.contract_file import (
    STATUSES,
    ContractFilters,
    contract_file,
    contract_page,
    list_choices,
)
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web.access import actor, for_roles
from recruitment_watch.web.listing import (
    PER_PAGE,
    Page,
    csv_download,
    page_number,
    wants_csv,
    wants_xlsx,
    whole_list,
    xlsx_download,
)

bp = Blueprint("agency_files", __name__)
readers = for_roles(Role.agency, Role.inspector, Role.admin)

TERM_LABELS = {
    "basic_wage_minor": _l("Basic wage"), "wage_currency": _l("Wage currency"),
    "basic_wage_usd_minor": _l("Monthly wage in US dollars"), "wage_period": _l("Wage paid per"),
    "food_allowance_minor": _l("Food allowance"), "housing_allowance_minor": _l("Housing allowance"),
    "transport_allowance_minor": _l("Transport allowance"), "food_provided": _l("Food provided"),
    "housing_provided": _l("Housing provided"), "hours_per_day": _l("Hours a day"),
    "days_per_week": _l("Days a week"), "weekly_rest_days": _l("Rest days a week"),
    "daily_rest_hours": _l("Daily rest (hours)"), "overtime_rate_pct": _l("Overtime rate (%)"),
    "annual_leave_days": _l("Annual leave (days)"), "duration_months": _l("Duration (months)"),
    "probation_months": _l("Probation (months)"), "worksite_city": _l("Worksite city"),
    "worksite_country": _l("Worksite country"), "job_title": _l("Job title"), "isco_code": _l("Occupation (ISCO-08)"),
    "employer_id": _l("Employer (register number)"), "employer_name": _l("Employer"),
    "return_ticket_by": _l("Return ticket paid by"), "recruitment_costs_borne_by": _l("Recruitment costs borne by"),
    "deductions": _l("Deductions from wages"), "languages": _l("Contract languages"), "signed_on": _l("Signed on"),
    "copy_given_to_worker": _l("Copy given to the worker"), "medical_cover": _l("Medical cover"),
    "termination_notice_days": _l("Notice to end the contract (days)"), "dispute_clause": _l("Dispute clause"),
    "repatriation_clause": _l("Repatriation clause"), "joint_liability_clause": _l("Joint liability clause"),
    "attested": _l("Attested"),
}  # fmt: skip
STAGE_LABELS = {
    "offer": _l("offer"), "origin_signed": _l("signed at origin"),
    "destination_registered": _l("registered at destination"), "amendment": _l("amendment"),
}  # fmt: skip
LEDGER_LABELS = {
    "recruitment_service_fee": _l("recruitment service fee"), "medical": _l("medical"), "insurance": _l("insurance"),
    "skills_test": _l("skills test"), "training_orientation": _l("training and orientation"),
    "equipment": _l("equipment"), "travel_lodging": _l("travel and lodging"), "administrative": _l("administrative"),
    "illegitimate": _l("illegitimate (bribe, bond, deposit)"), "government_fee_official": _l("official government fee"),
    "agency": _l("agency"), "sub_agent": _l("sub-agent"), "employer": _l("employer"), "government": _l("government"),
    "medical_centre": _l("medical centre"), "training_centre": _l("training centre"), "lender": _l("lender"),
    "other": _l("other"),
}  # fmt: skip
STATUS_LABELS = {"deployed": _l("deployed"), "not_deployed": _l("not deployed yet")}
CHANGE_LABELS = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}
MONEY_TERMS = frozenset({"basic_wage_minor", "food_allowance_minor", "housing_allowance_minor",
                         "transport_allowance_minor"})  # fmt: skip


def money_text(minor: int | None, currency: str | None) -> str:
    """An amount in minor units as the reader writes money (``QAR 1,400.00``)."""
    if minor is None:
        return "—"
    if not currency or currency not in money.SUPPORTED_CURRENCIES:
        return f"{minor}"
    return format_currency(Decimal(minor).scaleb(-money.exponent(currency)), currency)


def usd_text(minor: int | None) -> str:
    """US cents as dollars."""
    return money_text(minor, "USD")


def term_value(name: str, value: Any, terms: Any = None) -> str:
    """One contract term's value in words: money with its currency, yes/no, lists, dates."""
    if value is None or value == "" or value == []:
        return "—"
    if name in MONEY_TERMS:
        return money_text(value, getattr(terms, "wage_currency", None) or (terms or {}).get("wage_currency"))
    if name == "basic_wage_usd_minor":
        return usd_text(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return format_date(value, "medium")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(","):
        return ", ".join(item for item in value.split(",") if item) or "—"
    return str(value)


def short_name(name: str, most: int = 30) -> str:
    """A long name shortened in the middle (``Al-Noor Overseas…Promoters 1``): the filter's list stays within a
    phone's width, and names that differ only at the end (numbered branches) stay apart."""
    if len(name) <= most:
        return name
    half = (most - 1) // 2
    return f"{name[:half].rstrip()}…{name[-half:].lstrip()}"


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def contract_filters(agency_id: int | None = None) -> ContractFilters:
    """The list's filters from the query string (unknown values filter nothing)."""
    args = request.args
    agency = args.get("agency", "")
    return ContractFilters(
        agency_id=agency_id if agency_id is not None else (int(agency) if agency.isdigit() and len(agency) < 10
                                                            else None),
        origin_country=args.get("origin", "")[:2], destination_country=args.get("destination", "")[:2],
        sector=args.get("sector", "")[:64], status=args.get("status", "") if args.get("status") in STATUSES else "",
        submitted_from=_day("from"), submitted_to=_day("to"),
    )  # fmt: skip


EXPORT_HEADER = ["id", "reference", "agency", "employer", "origin", "destination", "sector", "departure_on",
                 "deployed", "submitted_at", "versions", "latest_stage"]  # fmt: skip


def _export_line(row) -> list[Any]:
    return [row.id, row.reference, row.agency_name, row.employer_name, row.origin_country, row.destination_country,
            row.sector, row.departure_on, row.deployed, row.submitted_at, row.versions, row.latest_kind]  # fmt: skip


def export_or_none(filters: ContractFilters, filename: str):
    """The whole filtered list as CSV or Excel when asked for (``?format=``), else None."""
    db = get_session()

    def fetch(offset: int, limit: int):
        return contract_page(actor(), filters, session=db, offset=offset, limit=limit)

    if wants_csv():
        return csv_download(f"{filename}.csv", EXPORT_HEADER, whole_list(fetch), _export_line)
    if wants_xlsx():
        return xlsx_download(f"{filename}.xlsx", EXPORT_HEADER, whole_list(fetch), _export_line)
    return None


def page_of_contracts(filters: ContractFilters, per_page: int = PER_PAGE) -> tuple[list, Page]:
    """Page ``?page=N`` of the filtered list, ``per_page`` contracts to a page."""
    number = page_number()
    rows, total = contract_page(actor(), filters, session=get_session(), offset=(number - 1) * per_page,
                                limit=per_page)  # fmt: skip
    return rows, Page(number, per_page, total)


@bp.get("/contracts")
@readers
def contracts():
    """The contracts the reader may see, newest first, narrowed by the filters; the whole list as CSV or Excel."""
    filters = contract_filters()
    exported = export_or_none(filters, "contracts")
    if exported is not None:
        return exported
    rows, page = page_of_contracts(filters)
    return render_template("contracts/list.html", rows=rows, page=page, filters=filters, status_labels=STATUS_LABELS,
                           stage_labels=STAGE_LABELS, offered=list_choices(actor(), session=get_session()),
                           short_name=short_name)  # fmt: skip


@bp.get("/contracts/<int:contract_id>")
@readers
def contract(contract_id: int):
    """One contract: versions and what changed between them, the hash chain, payments and findings."""
    try:
        file = contract_file(actor(), contract_id, session=get_session(), on=utc_now().date())
    except ServiceError:
        abort(404)
    return render_template("contracts/contract.html", file=file, c=file.contract, term_labels=TERM_LABELS,
                           stage_labels=STAGE_LABELS, change_labels=CHANGE_LABELS, term_value=term_value,
                           money_text=money_text, ledger_labels=LEDGER_LABELS)  # fmt: skip
