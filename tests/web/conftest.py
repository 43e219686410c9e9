"""Web fixtures: one person per role on top of the API's organisations (two agencies, two NGOs, the ministry),
clients signed in as each, and the full sign-in flow for the tests of signing in itself."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import User
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.accounts import login_sessions
from recruitment_watch.services.accounts.login_sessions import SessionPolicy
from recruitment_watch.services.accounts.passwords import hash_password
from tests.api.conftest import World, world  # noqa: F401  (the organisations, shared with the API tests)

PASSWORD = "a long test passphrase"
_HASH = hash_password(PASSWORD)


@dataclass
class Person:
    id: int
    email: str
    role: Role
    organisation_id: int
    totp_secret: str | None = None


@dataclass
class People:
    admin: Person
    inspector: Person
    agency_a: Person
    agency_b: Person
    ngo_a: Person
    ngo_b: Person

    def all(self) -> dict[str, Person]:
        return dict(vars(self))


@pytest.fixture()
def people(app: Flask, world: World) -> People:  # noqa: F811
    """A person per role; staff have a confirmed second factor with a known secret."""
    made = {}
    with unit_of_work(get_engine(app)) as session:
        for name, role, organisation_id in (
            ("admin", Role.admin, world.ministry.organisation_id),
            ("inspector", Role.inspector, world.ministry.organisation_id),
            ("agency_a", Role.agency, world.agency_a.organisation_id),
            ("agency_b", Role.agency, world.agency_b.organisation_id),
            ("ngo_a", Role.ngo, world.ngo.organisation_id),
            ("ngo_b", Role.ngo, world.ngo_b.organisation_id),
        ):
            secret = pyotp.random_base32() if role in (Role.admin, Role.inspector) else None
            user = User(email=f"{name.replace('_', '-')}@example.org", full_name=name.replace("_", " ").title(),
                        role=role.value, password_hash=_HASH, organisation_id=organisation_id, totp_secret=secret,
                        totp_confirmed_at=utc_now() if secret else None)  # fmt: skip
            session.add(user)
            session.flush()
            made[name] = Person(user.id, user.email, role, organisation_id, secret)
    return People(**made)


def signed_in(app: Flask, person: Person) -> FlaskClient:
    """A client signed in as ``person`` (a live session record, as after the whole sign-in)."""
    with unit_of_work(get_engine(app)) as session:
        token = login_sessions.open_session(session.get(User, person.id), session=session, policy=SessionPolicy())
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = token
        cookie["_fresh"] = True
    return client


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'type="hidden" name="csrf_token" value="([^"]+)"', html
    )
    assert found, "no CSRF token on the page"
    return found.group(1)


def post_form(client: FlaskClient, path: str, data: dict, *, page: str | None = None, **kwargs):
    """POST ``data`` to ``path`` with the CSRF token of ``page`` (default: GET ``path`` first)."""
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_token(html), **data}, **kwargs)


def password_step(client: FlaskClient, email: str, password: str = PASSWORD):
    """Submit the login form."""
    return post_form(client, "/login", {"email": email, "password": password})


def text_of(response) -> str:
    """A page's visible text, roughly: tags removed, whitespace folded."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    text = re.sub(r"</?(?:bdi|code|time|a|strong|span)\b[^>]*>", "", text)  # inline: no space of their own
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def fresh_code(secret: str, *, offset_steps: int = 0) -> str:
    """The TOTP code of now (or ``offset_steps`` later, within the accepted window)."""
    totp = pyotp.TOTP(secret)
    return totp.at(utc_now().timestamp() + 30 * offset_steps)
