"""The subject shapes the criteria engine judges: the contract with the database layer.

Subjects are plain nested dicts. These models document them and normalise them (ISO strings →
``date``/aware ``datetime``). Every key must be present; most values may be null. Money is integer
minor units (``*_minor``) with an ISO currency, plus a ``*_usd_minor`` equivalent (USD cents at the
relevant date, computed at write time). Four subject types exist: ``agency``, ``contract_version``,
``fee_payment`` and ``complaint``.

Fields added beyond the first brief (the database layer must fill them, null when unknown):
``version.daily_rest_hours``, ``version.joint_liability_clause``, ``contract.job_order_approval_on``,
``fees.worker_paid_by_category_origin_minor``, ``worker.passport_hold_requested_on`` and ``worker.passport_category``.
"""

from __future__ import annotations

from datetime import UTC, date
from functools import cache
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from recruitment_watch.checks.errors import SubjectError

Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Lang = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]  # ISO 639-1, or 639-2/3 where no 2-letter code exists
SubjectType = Literal["agency", "contract_version", "fee_payment", "complaint"]
SUBJECT_TYPES: tuple[str, ...] = get_args(SubjectType)
AgencyStatus = Literal["active", "renewed", "suspended", "cancelled", "expired", "surrendered", "delisted", "banned"]
# Licence statuses that let an agency recruit: the licence checks' default (models.vocab keeps the same; a test).
VALID_LICENCE_STATUSES: tuple[AgencyStatus, ...] = ("active", "renewed")
# A licence's status on a given day, from its history: no licence yet is ``unlicensed``.
LicenceStatusOnDay = Literal[
    "active", "renewed", "suspended", "cancelled", "expired", "surrendered", "delisted", "banned", "unlicensed"
]
FeeCategory = Literal[
    "recruitment_service_fee",
    "medical",
    "insurance",
    "skills_test",
    "training_orientation",
    "equipment",
    "travel_lodging",
    "administrative",
    "illegitimate",
    "government_fee_official",
]
FEE_CATEGORIES: tuple[str, ...] = get_args(FeeCategory)
ComplaintCategory = Literal[
    "unpaid_wages",
    "fees",
    "contract_substitution",
    "passport_retention",
    "deception",
    "harassment_violence",
    "excessive_hours",
    "living_conditions",
    "termination_repatriation",
    "other",
]
# The 11 ILO forced-labour indicators (SAP-FL 2012), as stored keys.
FlIndicator = Literal[
    "abuse_of_vulnerability",
    "deception",
    "restriction_of_movement",
    "isolation",
    "physical_sexual_violence",
    "intimidation_threats",
    "retention_of_identity_documents",
    "withholding_of_wages",
    "debt_bondage",
    "abusive_conditions",
    "excessive_overtime",
]
# ``advisory``: a rule announced but not yet enforceable (shown apart, never scored). Complaints and risk weights
# take only the binding severities.
Severity = Literal["advisory", "low", "medium", "high", "critical"]
BindingSeverity = Literal["low", "medium", "high", "critical"]
PayeeType = Literal[
    "agency",
    "sub_agent",
    "employer",
    "government",
    "medical_centre",
    "training_centre",
    "lender",
    "other",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgencySubject(_Strict):
    """An agency as judged by agency-level criteria (licence, volume, complaint rate)."""

    id: str | int
    name: str
    country: Country
    licence_no: str | None
    licence_authority: str | None
    licence_valid_from: date | None
    licence_valid_to: date | None
    status: AgencyStatus
    uses_sub_agents: bool | None
    iris_certified: bool | None
    deployments_12m: int
    contracts_outside_licence: int
    substantiated_complaints_12m: int


class ContractTerms(_Strict):
    """The terms of one contract version (offer, origin-signed or destination-registered)."""

    kind: Literal["offer", "origin_signed", "destination_registered", "amendment"]
    seq: int
    basic_wage_minor: int | None
    wage_currency: Currency | None
    basic_wage_usd_minor: int | None  # monthly equivalent
    wage_period: Literal["month", "week", "day", "hour"] | None
    food_allowance_minor: int | None
    housing_allowance_minor: int | None
    transport_allowance_minor: int | None
    food_provided: bool | None
    housing_provided: bool | None
    hours_per_day: float | None
    days_per_week: int | None
    weekly_rest_days: int | None
    daily_rest_hours: float | None  # added: consecutive daily rest (SA domestic workers)
    overtime_rate_pct: float | None
    annual_leave_days: int | None
    duration_months: int | None
    probation_months: int | None
    worksite_city: str | None
    worksite_country: Country | None
    job_title: str | None
    isco_code: str | None
    employer_id: str | int | None
    employer_name: str | None
    return_ticket_by: Literal["employer", "worker", "agency"] | None
    recruitment_costs_borne_by: Literal["employer", "worker", "shared"] | None
    deductions: list[str]
    languages: list[Lang]
    signed_on: date | None
    copy_given_to_worker: bool | None
    medical_cover: bool | None
    termination_notice_days: int | None
    dispute_clause: bool | None
    repatriation_clause: bool | None
    joint_liability_clause: bool | None  # added: RA 8042 s.10 / OEMA s.22
    attested: bool | None


class ContractFacts(_Strict):
    """Facts about the contract that do not change between versions."""

    id: str | int
    agency_id: str | int | None
    employer_id: str | int | None
    worker_id: str | int | None
    origin_country: Country
    destination_country: Country
    sector: str | None
    isco_code: str | None
    departure_on: date | None
    deployed: bool
    job_order_approval_no: str | None
    job_order_approval_on: date | None  # added: PK permission validity is counted from this date
    job_order_approval_valid_to: date | None


class WorkerFacts(_Strict):
    """The pseudonymous facts about a worker that checks need."""

    nationality: Country
    sex: Literal["female", "male", "other"] | None
    date_of_birth: date | None
    languages: list[Lang]
    domestic_worker: bool
    passport_held_by: Literal["worker", "employer", "agency", "other"] | None
    passport_hold_requested_on: date | None  # added: the worker's written request that the employer keep it
    passport_category: Literal["ecr", "ecnr"] | None  # added: India's ECR/ECNR passports (None: not known)
    pdo_completed: bool | None
    skills_certified: bool | None
    insured: bool | None


class AgencyLicence(_Strict):
    """The licence of the contract's agency: its state today, and its status on the contract's own dates (from the
    licence's history; ``unlicensed`` before the first licence, ``expired`` past a validity end, None without a date).
    """

    status: AgencyStatus
    licence_valid_from: date | None
    licence_valid_to: date | None
    status_on_signing: LicenceStatusOnDay | None
    status_on_departure: LicenceStatusOnDay | None


class PaymentAgencyLicence(_Strict):
    """The status of the collecting agency's licence on the day of the payment."""

    status_on_payment: LicenceStatusOnDay | None


class FeeTotals(_Strict):
    """Worker-paid fee totals for one contract, aggregated from the fee ledger."""

    worker_paid_total_usd_minor: int
    worker_paid_by_category_usd_minor: dict[FeeCategory, int]
    worker_paid_by_category_origin_minor: dict[FeeCategory, int]  # added: origin-currency caps
    worker_paid_total_origin_minor: int
    origin_currency: Currency
    wage_deduction_count: int
    illegitimate_count: int


class ContractVersionSubject(_Strict):
    """A contract version with its predecessor and context."""

    version: ContractTerms
    previous: ContractTerms | None
    contract: ContractFacts
    worker: WorkerFacts
    agency: AgencyLicence
    fees: FeeTotals


class Payment(_Strict):
    """One row of the worker fee ledger."""

    id: str | int
    payer: Literal["worker"]
    payee_type: PayeeType
    payee_licensed: bool | None
    category: FeeCategory
    amount_minor: int
    currency: Currency
    amount_usd_minor: int
    paid_on: date
    method: Literal["cash", "bank", "digital", "wage_deduction"]
    receipt_no: str | None
    loan_taken: bool | None
    loan_interest_pct: float | None
    stage: Literal["pre_departure", "transit", "post_arrival"]


class FeePaymentSubject(_Strict):
    """A fee payment with its contract, worker and the origin-signed (else latest) version terms."""

    payment: Payment
    contract: ContractFacts
    worker: WorkerFacts
    version: ContractTerms
    agency: PaymentAgencyLicence


class Complaint(_Strict):
    """A complaint case as SLA and escalation criteria see it."""

    id: str | int
    filed_by: Literal["worker", "ngo", "family", "inspector"]
    categories: list[ComplaintCategory]
    fl_indicators: list[FlIndicator]
    severity: BindingSeverity
    status: Literal["received", "acknowledged", "under_investigation", "resolved", "referred", "closed"]
    received_at: AwareDatetime
    acknowledged_at: AwareDatetime | None
    resolved_at: AwareDatetime | None  # also set when referred or closed
    language: Lang | None
    consent: bool
    outcome: str | None
    amount_recovered_minor: int | None
    escalated: bool


class ComplaintSubject(_Strict):
    """A complaint plus the moment of evaluation."""

    complaint: Complaint
    now: AwareDatetime


SUBJECT_MODELS: dict[str, type[BaseModel]] = {
    "agency": AgencySubject,
    "contract_version": ContractVersionSubject,
    "fee_payment": FeePaymentSubject,
    "complaint": ComplaintSubject,
}


def normalise_subject(subject_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate ``data`` against its subject model and return it with dates parsed."""
    model = SUBJECT_MODELS.get(subject_type)
    if model is None:
        raise SubjectError(f"unknown subject type {subject_type!r}")
    try:
        return model.model_validate(data).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise SubjectError(f"{subject_type}: {where}: {first['msg']}") from exc


def judging_date(subject_type: str, subject: dict[str, Any], fallback: date) -> date:
    """The date whose rules apply: origin-signed date for contracts, paid date for payments.

    Contracts use the origin-signed version's ``signed_on`` (the version itself, else its
    predecessor), then the version's own ``signed_on``; complaints use ``received_at``; agencies
    and anything undated use ``fallback`` (the evaluation date).
    """
    if subject_type == "contract_version":
        for terms in (subject.get("version"), subject.get("previous")):
            if terms and terms.get("kind") == "origin_signed" and terms.get("signed_on"):
                return terms["signed_on"]
        return (subject.get("version") or {}).get("signed_on") or fallback
    if subject_type == "fee_payment":
        return subject["payment"]["paid_on"]
    if subject_type == "complaint":
        return subject["complaint"]["received_at"].astimezone(UTC).date()
    return fallback


@cache
def known_paths(subject_type: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return (leaf paths, open-dict prefixes) a criterion may reference for ``subject_type`` (walked once: every
    criterion's fields are checked against them when packs load)."""
    leaves: set[str] = set()
    open_prefixes: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            leaves.add(path)
            for candidate in (info.annotation, *get_args(info.annotation)):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    walk(candidate, f"{path}.")
                elif get_origin(candidate) is dict:
                    open_prefixes.add(f"{path}.")

    walk(SUBJECT_MODELS[subject_type], "")
    return frozenset(leaves), frozenset(open_prefixes)


def is_known_path(subject_type: str, path: str) -> bool:
    """True when ``path`` names a field (or a key of an open dict) of ``subject_type``."""
    leaves, prefixes = known_paths(subject_type)
    return path in leaves or any(path.startswith(prefix) for prefix in prefixes)


def jsonable(value: Any) -> Any:
    """``value`` with dates and datetimes as ISO strings and tuples/sets as lists (for JSON evidence)."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(jsonable(item) for item in value)
    if isinstance(value, date):  # also datetime
        return value.isoformat()
    return value
