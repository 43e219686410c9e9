"""Input for agencies, licence events and employers."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from recruitment_watch.models.vocab import LicenceStatus
from recruitment_watch.schemas.common import CountryCode, Reference, Sector, ShortText, StrictInput


class AgencyInput(StrictInput):
    """A recruitment agency as registered by the licensing authority."""

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

    @model_validator(mode="after")
    def _dates_ordered(self) -> AgencyInput:
        if self.licence_valid_from and self.licence_valid_to and self.licence_valid_to < self.licence_valid_from:
            raise ValueError("licence_valid_to must not be before licence_valid_from")
        return self


class LicenceEventInput(StrictInput):
    """A decision on a licence: new status, why, under which legal basis, on which day."""

    status: LicenceStatus
    reason: str = Field(min_length=3, max_length=1000)
    legal_basis: str | None = Field(default=None, max_length=300)
    decided_on: date
    valid_to: date | None = None


class EmployerInput(StrictInput):
    """A foreign employer."""

    name: ShortText
    registration_no: Reference
    country: CountryCode
    sector: Sector
    address: str | None = Field(default=None, max_length=500)
