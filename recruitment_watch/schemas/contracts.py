"""Input for workers, contracts and contract versions."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator, model_validator

from recruitment_watch import money
from recruitment_watch.models.vocab import DocumentHolder, PassportCategory, Payer, Sex, VersionKind, WagePeriod
from recruitment_watch.schemas.common import (
    MAX_AMOUNT_MINOR,
    MAX_ID,
    ContractReference,
    CountryCode,
    CurrencyCode,
    IscoCode,
    LanguageCode,
    ListCode,
    Sector,
    ShortText,
    StrictInput,
    WorkerReference,
)
from recruitment_watch.schemas.fees import InlineFeePaymentInput


class WorkerInput(StrictInput):
    """A worker: the facts checks need, and identifying data that is stored apart."""

    reference: WorkerReference
    nationality: CountryCode
    sex: Sex = Sex.undisclosed
    date_of_birth: date | None = None
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)
    domestic_worker: bool = False
    passport_held_by: DocumentHolder = DocumentHolder.worker
    # The date of the worker's written request that the employer keep the passport (Qatar, Saudi Arabia allow it).
    passport_hold_requested_on: date | None = None
    passport_category: PassportCategory | None = Field(
        default=None, description="India's passport category: ecr (emigration check required) or ecnr."
    )
    pdo_completed: bool = False
    skills_certified: bool = False
    insured: bool = False
    full_name: ShortText
    passport_no: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=40)

    @field_validator("date_of_birth")
    @classmethod
    def _born_already(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError("a date of birth cannot be in the future")
        return value

    @field_validator("passport_hold_requested_on")
    @classmethod
    def _requested_already(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError("a request cannot be dated in the future")
        return value


class ContractVersionInput(StrictInput):
    """The terms of a contract at one stage (offer, origin-signed, destination-registered, amendment)."""

    kind: VersionKind
    basic_wage_minor: int = Field(
        ge=0, le=MAX_AMOUNT_MINOR, description="Basic wage per wage_period, in minor units (cents)."
    )
    wage_currency: CurrencyCode
    wage_period: WagePeriod = WagePeriod.month
    food_allowance_minor: int | None = Field(default=None, ge=0, le=MAX_AMOUNT_MINOR)
    housing_allowance_minor: int | None = Field(default=None, ge=0, le=MAX_AMOUNT_MINOR)
    transport_allowance_minor: int | None = Field(default=None, ge=0, le=MAX_AMOUNT_MINOR)
    food_provided: bool = False
    housing_provided: bool = False
    hours_per_day: int | None = Field(default=None, ge=0, le=24)
    days_per_week: int | None = Field(default=None, ge=0, le=7)
    weekly_rest_days: int | None = Field(default=None, ge=0, le=7)
    daily_rest_hours: int | None = Field(default=None, ge=0, le=24)
    overtime_rate_pct: int | None = Field(default=None, ge=0, le=1000)
    annual_leave_days: int | None = Field(default=None, ge=0, le=366)
    duration_months: int | None = Field(default=None, ge=0, le=240)
    probation_months: int | None = Field(default=None, ge=0, le=24)
    worksite_city: str | None = Field(default=None, max_length=100)
    worksite_country: CountryCode
    job_title: ShortText
    isco_code: IscoCode | None = None
    employer_id: int = Field(gt=0, le=MAX_ID)
    return_ticket_by: Payer | None = None
    recruitment_costs_borne_by: Payer | None = None
    deductions: list[ListCode] = Field(default_factory=list, max_length=20)
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)
    signed_on: date | None = None
    copy_given_to_worker: bool = False
    medical_cover: bool = False
    termination_notice_days: int | None = Field(default=None, ge=0, le=365)
    dispute_clause: bool = False
    repatriation_clause: bool = False
    joint_liability_clause: bool = False
    attested: bool = False

    @model_validator(mode="after")
    def _monthly_wage_in_range(self) -> ContractVersionInput:
        if self.basic_wage_minor * money.monthly_factor(self.wage_period.value) > MAX_AMOUNT_MINOR:
            raise ValueError(f"the monthly equivalent of basic_wage_minor exceeds {MAX_AMOUNT_MINOR} minor units")
        return self


class ContractInput(StrictInput):
    """A contract with at least one version, in the order the versions were agreed."""

    reference: ContractReference
    agency_id: int = Field(gt=0, le=MAX_ID)
    employer_id: int = Field(gt=0, le=MAX_ID)
    worker_id: int = Field(gt=0, le=MAX_ID)
    job_order_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    origin_country: CountryCode
    destination_country: CountryCode
    sector: Sector
    isco_code: IscoCode | None = None
    departure_on: date | None = None
    deployed: bool = False
    versions: list[ContractVersionInput] = Field(min_length=1, max_length=20)
    fee_payments: list[InlineFeePaymentInput] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _origin_differs(self) -> ContractInput:
        if self.origin_country == self.destination_country:
            raise ValueError("destination_country must differ from origin_country for a migrant worker's contract")
        return self
