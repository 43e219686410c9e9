"""Organisations: ministries, NGOs and recruitment agencies; every user and API key acts for one."""

from __future__ import annotations

from sqlmodel import Field

from recruitment_watch.models.base import RegisteredBy, Timestamped, late_reference, one_of
from recruitment_watch.models.vocab import OrganisationKind


class Organisation(Timestamped, RegisteredBy, table=True):
    """A ministry, an NGO or a licensed recruitment agency; every user belongs to one."""

    __tablename__ = "organisation"
    __table_args__ = (one_of("kind", OrganisationKind),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)
    name: str = Field(max_length=200, unique=True)
    country: str = Field(max_length=2)
    # Users and keys belong to organisations, so these two references close a circle.
    registered_by_user_id: int | None = late_reference("app_user.id")
    registered_by_key_id: int | None = late_reference("api_key.id")
