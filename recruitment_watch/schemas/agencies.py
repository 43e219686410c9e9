"""Input for agencies, licence events and employers."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from recruitment_watch.models.vocab import STATUS_AFTER, LicenceDecision, LicenceStatus, OrganisationKind, Payer
from recruitment_watch.schemas.common import (
    MAX_AMOUNT_MINOR,
    MAX_ID,
    CountryCode,
    CurrencyCode,
    IscoCode,
    Reference,
    Sector,
    ShortText,
    StrictInput,
)


class BranchInput(StrictInput):
    """A branch office of an agency."""

    name: ShortText
    city: str = Field(min_length=1, max_length=100)
    country: CountryCode


class SubAgentInput(StrictInput):
    """A sub-agent or broker the agency declares (unlicensed ones are a risk: GPOG 4.3)."""

    name: ShortText
    registered_no: Reference | None = None
    licensed: bool = False
    country: CountryCode


class OrganisationInput(StrictInput):
    """A ministry, an NGO or an agency's organisation (users and API keys belong to one)."""

    name: ShortText
    kind: OrganisationKind
    country: CountryCode


class AgencyInput(StrictInput):
    """A recruitment agency as registered by the licensing authority, with its branches and declared sub-agents;
    ``organisation_id`` links it to the agency organisation whose users and keys act for it."""

    name: ShortText
    country: CountryCode
    licence_no: Reference
    licence_authority: ShortText
    licence_valid_from: date | None = None
    licence_valid_to: date | None = None
    status: LicenceStatus = LicenceStatus.active
    uses_sub_agents: bool = False
    iris_certified: bool = False
    address: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    organisation_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    branches: list[BranchInput] = Field(default_factory=list, max_length=100)
    sub_agents: list[SubAgentInput] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _dates_ordered(self) -> AgencyInput:
        if self.licence_valid_from and self.licence_valid_to and self.licence_valid_to < self.licence_valid_from:
            raise ValueError("licence_valid_to must not be before licence_valid_from")
        return self


class LicenceEventInput(StrictInput):
    """A decision on a licence: what was decided, why, under which legal basis, from which day.

    Give the ``decision`` (issued, renewed, suspended, cancelled, reinstated, expired, …); ``status``, the status it
    leaves the licence in, follows from it. Older callers may give ``status`` alone: the decision is then the one
    that leads there (active → issued). ``valid_to`` is the licence's expiry after an issue, renewal or
    reinstatement.
    """

    decision: LicenceDecision | None = None
    status: LicenceStatus | None = None
    reason: str = Field(min_length=3, max_length=1000)
    legal_basis: str | None = Field(default=None, max_length=300)
    decided_on: date
    valid_to: date | None = None

    @model_validator(mode="after")
    def _decision_and_status_agree(self) -> LicenceEventInput:
        if self.decision is None and self.status is None:
            raise ValueError("give the decision (issued, renewed, suspended, cancelled, reinstated, expired, …)")
        if self.decision is None:
            self.decision = (
                LicenceDecision.issued if self.status is LicenceStatus.active else LicenceDecision(self.status.value)
            )
        leaves = STATUS_AFTER[self.decision]
        if self.status is not None and self.status is not leaves:
            raise ValueError(
                f"a decision '{self.decision.value}' leaves the licence '{leaves.value}', not '{self.status.value}'"
            )
        self.status = leaves
        if self.valid_to is not None and leaves not in (LicenceStatus.active, LicenceStatus.renewed):
            raise ValueError(
                "valid_to is the licence's expiry after an issue, renewal or reinstatement; "
                f"a '{self.decision.value}' licence stays so until the next decision (e.g. a reinstatement)"
            )
        if self.valid_to is not None and self.valid_to < self.decided_on:
            raise ValueError("valid_to must not be before decided_on")
        return self


class EmployerInput(StrictInput):
    """A foreign employer; the ministry may put it on the watchlist, saying why."""

    name: ShortText
    registration_no: Reference
    country: CountryCode
    sector: Sector
    address: str | None = Field(default=None, max_length=500)
    watchlisted: bool = False
    watchlist_reason: str | None = Field(default=None, min_length=3, max_length=1000)

    @model_validator(mode="after")
    def _watchlist_has_reason(self) -> EmployerInput:
        if self.watchlisted and self.watchlist_reason is None:
            raise ValueError("a watchlisted employer needs a watchlist_reason")
        return self


class JobOrderInput(StrictInput):
    """A demand letter: an employer asks an agency for workers, approved (and attested) by an authority."""

    employer_id: int = Field(gt=0, le=MAX_ID)
    agency_id: int = Field(gt=0, le=MAX_ID)
    destination_country: CountryCode
    job_title: ShortText
    isco_code: IscoCode | None = None
    quantity: int = Field(ge=1, le=100_000, description="How many workers the demand is for (the quota).")
    wage_minor: int = Field(ge=0, le=MAX_AMOUNT_MINOR)
    wage_currency: CurrencyCode
    ticket_paid_by: Payer | None = None
    visa_paid_by: Payer | None = None
    approval_no: Reference | None = None
    approval_valid_from: date | None = None
    approval_valid_to: date | None = None
    approving_authority: ShortText | None = None
    attested: bool = False

    @model_validator(mode="after")
    def _approval_dates_ordered(self) -> JobOrderInput:
        if self.approval_valid_from and self.approval_valid_to and self.approval_valid_to < self.approval_valid_from:
            raise ValueError("approval_valid_to must not be before approval_valid_from")
        return self
