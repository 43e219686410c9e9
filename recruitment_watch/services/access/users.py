"""Organisations and users made at the console and by the demo (passwords hashed by accounts.passwords)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Organisation, User
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import ROLE_ORGANISATION
from recruitment_watch.services.accounts.passwords import hash_password
from recruitment_watch.services.errors import Conflict, NotFound


def ensure_organisation(name: str, kind: OrganisationKind, country: str, *, session: Session) -> Organisation:
    """The organisation called ``name``, created if missing."""
    found = session.scalar(select(Organisation).where(Organisation.name == name))
    if found is not None:
        return found
    organisation = Organisation(name=name, kind=kind.value, country=country)
    session.add(organisation)
    session.flush()
    return organisation


def create_user(
    email: str, full_name: str, role: Role, password: str, *, organisation: Organisation, session: Session
) -> User:
    """Add a user; the role must fit the organisation (an agency user belongs to an agency, …)."""
    if ROLE_ORGANISATION[role].value != organisation.kind:
        raise Conflict(f"a {role.value} user cannot belong to a {organisation.kind} organisation", field="role")
    email = email.strip().lower()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with e-mail {email} already exists", field="email")
    user = User(
        email=email,
        full_name=full_name,
        role=role.value,
        password_hash=hash_password(password),
        organisation_id=organisation.id,
    )
    session.add(user)
    session.flush()
    return user


def user_by_email(email: str, *, session: Session) -> User:
    """The user with ``email`` (case-insensitive); ``NotFound`` names the address otherwise."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with e-mail {email}", field="email")
    return user
