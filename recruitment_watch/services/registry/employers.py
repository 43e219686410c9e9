"""The register of foreign employers, as the agencies look it up (ids to use in contracts)."""

from __future__ import annotations

from sqlalchemy import Select, select

from recruitment_watch.models import Employer


def employers_matching(*, registration_no: str | None = None, country: str | None = None) -> Select:
    """Employers by registration number and country (either may be omitted); the caller pages the query."""
    selection = select(Employer)
    if registration_no:
        selection = selection.where(Employer.registration_no == registration_no)
    if country:
        selection = selection.where(Employer.country == country)
    return selection
