"""The one identity every organisation-scoped service takes: who acts, for which organisation, with which rights.

An ``Actor`` is built by the API key guard (``api_keys.authenticate``) and, for people who log in, from their user
record (``actor_for_user``); services never look at the request. What an actor may see is decided in ``scoping``,
what it may do by its ``scopes``: a key holds the scopes it was issued with, a person the scopes of their role.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Agency, Organisation, User
from recruitment_watch.models.vocab import ApiScope, OrganisationKind, Role

# What an organisation of each kind may ever do (a key's scopes are a subset, a person's role maps into it).
ALLOWED_SCOPES: dict[OrganisationKind, frozenset[ApiScope]] = {
    OrganisationKind.agency: frozenset(
        {
            ApiScope.contracts_read,
            ApiScope.contracts_write,
            ApiScope.fees_read,
            ApiScope.fees_write,
            ApiScope.findings_read,
            ApiScope.findings_respond,
        }
    ),
    OrganisationKind.ngo: frozenset({ApiScope.complaints_read, ApiScope.complaints_write}),
    OrganisationKind.ministry: frozenset(
        {
            ApiScope.contracts_read,
            ApiScope.fees_read,
            ApiScope.findings_read,
            ApiScope.complaints_read,
            ApiScope.sweeps_run,
            ApiScope.registry_write,
        }
    ),
}

# The organisation kind each role belongs to; a key acts with the role its organisation's kind implies.
ROLE_ORGANISATION: dict[Role, OrganisationKind] = {
    Role.admin: OrganisationKind.ministry,
    Role.inspector: OrganisationKind.ministry,
    Role.ngo: OrganisationKind.ngo,
    Role.agency: OrganisationKind.agency,
}
KEY_ROLE: dict[OrganisationKind, Role] = {
    OrganisationKind.ministry: Role.inspector,
    OrganisationKind.ngo: Role.ngo,
    OrganisationKind.agency: Role.agency,
}


@dataclass(frozen=True)
class Actor:
    """Who acts: an organisation (and its agency, for agency organisations), a role, a user or an API key."""

    organisation_id: int
    organisation_kind: OrganisationKind
    organisation_name: str
    role: Role
    scopes: frozenset[str]
    user_id: int | None = None
    key_id: int | None = None
    key_prefix: str | None = None
    agency_id: int | None = None

    @property
    def sees_everything(self) -> bool:
        """Ministry actors (inspectors, admins, ministry keys) read every organisation's records."""
        return self.organisation_kind is OrganisationKind.ministry

    @property
    def label(self) -> str:
        """How logs and the audit trail name the actor: ``user 7`` or ``key 3fa2c1d09b7e``."""
        return f"user {self.user_id}" if self.user_id is not None else f"key {self.key_prefix}"

    def may(self, scope: ApiScope) -> bool:
        """Whether the actor holds ``scope``."""
        return scope.value in self.scopes


def role_scopes(role: Role) -> frozenset[str]:
    """The scopes a person with ``role`` acts with: everything their organisation's kind allows."""
    return frozenset(scope.value for scope in ALLOWED_SCOPES[ROLE_ORGANISATION[role]])


def actor_for_user(user_id: int, *, session: Session) -> Actor | None:
    """The actor of a logged-in person, or None when the user is unknown or disabled."""
    found = session.execute(
        select(User, Organisation, Agency.id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Agency, Agency.organisation_id == Organisation.id)
        .where(User.id == user_id)
    ).first()
    return None if found is None else person_actor(*found)


def person_actor(user: User, organisation: Organisation, agency_id: int | None) -> Actor | None:
    """The actor of ``user`` of ``organisation`` (whose agency is ``agency_id``, for an agency), None when the user
    is disabled: for callers that read the three together (the sign-in check of every request)."""
    if not user.is_active:
        return None
    role = Role(user.role)
    return Actor(
        organisation_id=organisation.id,
        organisation_kind=OrganisationKind(organisation.kind),
        organisation_name=organisation.name,
        role=role,
        scopes=role_scopes(role),
        user_id=user.id,
        agency_id=agency_id,
    )


def previewing_as_agency(agency_id: int, *, session: Session) -> Actor | None:
    """An operator at the console previewing a submission as agency ``agency_id`` would make it (None when no such
    agency). It holds no scope: it can judge a submission, never store one."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        return None
    return Actor(
        organisation_id=agency.organisation_id or 0,
        organisation_kind=OrganisationKind.agency,
        organisation_name=agency.name,
        role=Role.agency,
        scopes=frozenset(),
        agency_id=agency.id,
    )
