"""Invitations: only admins create accounts, with a role that fits the organisation and a new address; the one-time
link is stored hashed, expires, works once, and a new one ends the old; setting the password follows the rules and
ends the person's sessions. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from recruitment_watch.models import Invitation, Organisation, SecurityEvent, User, UserSession
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import Actor, actor_for_user
from recruitment_watch.services.access.users import ensure_organisation
from recruitment_watch.services.accounts import invitations
from recruitment_watch.services.accounts.login import LoginState, check_password
from recruitment_watch.services.accounts.login_sessions import SessionPolicy, open_session, resolve
from recruitment_watch.services.errors import Conflict, Forbidden, NotFound

NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PASSWORD = "a walk along the bagmati river"
INVALID = "This link is not valid any more: it was used, or it expired. Ask an admin for a new one."


def staff(session, role: Role = Role.admin) -> Actor:
    """The actor of a ministry person with ``role``."""
    ministry = ensure_organisation("Department of Foreign Employment", OrganisationKind.ministry, "NP", session=session)
    user = User(email=f"{role.value}@dofe.example", full_name=role.value.title(), role=role.value, password_hash="x",
                organisation_id=ministry.id)  # fmt: skip
    session.add(user)
    session.flush()
    return actor_for_user(user.id, session=session)


def agency_organisation(session) -> Organisation:
    return ensure_organisation("Everest Manpower", OrganisationKind.agency, "NP", session=session)


def invite(session, admin: Actor, email: str = "New.Person@Everest.example", **kwargs) -> tuple[User, str]:
    organisation_id = agency_organisation(session).id
    return invitations.invite_user(admin, email=email, full_name="  Nima Sherpa ", role=Role.agency,
                                   organisation_id=organisation_id, session=session, **kwargs)  # fmt: skip


def events(session, kind: str) -> list[SecurityEvent]:
    return list(session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind).order_by(SecurityEvent.id)))


def test_an_admin_creates_an_account_without_a_password_and_a_link_stored_only_as_a_hash(session):
    admin = staff(session)
    user, token = invite(session, admin)
    assert (user.email, user.full_name, user.role, user.password_hash) == (
        "new.person@everest.example", "Nima Sherpa", "agency", "")  # fmt: skip
    [stored] = session.scalars(select(Invitation).where(Invitation.user_id == user.id)).all()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash
    assert stored.created_by_user_id == admin.user_id
    assert invitations.invitation_for(token, session=session) == (stored, user)
    assert check_password(user.email, "", session=session).state is LoginState.refused  # no password yet
    assert [(e.user_id, e.actor_user_id, e.detail) for e in events(session, "user_created")] == [
        (user.id, admin.user_id, "agency")]  # fmt: skip
    assert [(e.user_id, e.actor_user_id) for e in events(session, "invitation_issued")] == [(user.id, admin.user_id)]


@pytest.mark.parametrize("role", [Role.inspector, Role.agency, Role.ngo])
def test_only_an_admin_invites(session, role):
    if role is Role.inspector:
        acting = staff(session, Role.inspector)
    else:
        kind = OrganisationKind(role.value)
        organisation = ensure_organisation("Someone's organisation", kind, "NP", session=session)
        acting = Actor(organisation_id=organisation.id, organisation_kind=kind, organisation_name=organisation.name,
                       role=role, scopes=frozenset(), user_id=None)  # fmt: skip
    with pytest.raises(Forbidden, match="only an admin"):
        invite(session, acting)
    assert session.scalar(select(User).where(User.email == "new.person@everest.example")) is None


def test_the_role_must_fit_the_kind_of_organisation(session):
    admin = staff(session)
    with pytest.raises(Conflict, match="a inspector user cannot belong to a agency organisation") as refused:
        invitations.invite_user(admin, email="x@example.org", full_name="X", role=Role.inspector,
                                organisation_id=agency_organisation(session).id, session=session)  # fmt: skip
    assert refused.value.field == "role"
    with pytest.raises(NotFound) as unknown:
        invitations.invite_user(admin, email="x@example.org", full_name="X", role=Role.agency,
                                organisation_id=999_999, session=session)  # fmt: skip
    assert unknown.value.field == "organisation_id"


def test_an_address_already_taken_is_refused_whatever_its_case(session):
    admin = staff(session)
    invite(session, admin)
    with pytest.raises(Conflict, match="a user with e-mail new.person@everest.example already exists") as refused:
        invite(session, admin, email=" NEW.person@everest.EXAMPLE ")
    assert refused.value.field == "email"


def test_the_link_stops_working_when_its_lifetime_is_over(session):
    admin = staff(session)
    with time_machine.travel(NOON, tick=False) as clock:
        user, token = invite(session, admin, lifetime=timedelta(hours=2))
        clock.shift(timedelta(hours=1, minutes=59, seconds=59))
        assert invitations.invitation_for(token, session=session) is not None
        clock.shift(timedelta(seconds=1))
        assert invitations.invitation_for(token, session=session) is None
        with pytest.raises(NotFound, match=INVALID):
            invitations.accept(token, PASSWORD, session=session, ip="203.0.113.4")
    assert user.password_hash == ""
    [refused] = events(session, "invitation_refused")
    assert (refused.outcome, refused.ip, refused.detail) == ("failure", "203.0.113.4", "unknown, used or expired link")


def test_the_default_lifetime_is_72_hours(session):
    admin = staff(session)
    with time_machine.travel(NOON, tick=False) as clock:
        _, token = invite(session, admin)
        clock.shift(timedelta(hours=71, minutes=59))
        assert invitations.invitation_for(token, session=session) is not None
        clock.shift(timedelta(minutes=1))
        assert invitations.invitation_for(token, session=session) is None


def test_the_link_sets_the_password_once(session):
    admin = staff(session)
    user, token = invite(session, admin)
    assert invitations.accept(token, PASSWORD, session=session).id == user.id
    assert check_password(user.email, PASSWORD, session=session).state is LoginState.signed_in
    assert invitations.invitation_for(token, session=session) is None
    with pytest.raises(NotFound, match=INVALID):
        invitations.accept(token, "another long passphrase", session=session)
    assert check_password(user.email, PASSWORD, session=session).state is LoginState.signed_in
    assert [e.user_id for e in events(session, "password_set")] == [user.id]


def test_an_unknown_link_is_refused(session):
    staff(session)
    with pytest.raises(NotFound, match=INVALID):
        invitations.accept("made-up-token", PASSWORD, session=session)


def test_a_new_link_ends_the_earlier_ones(session):
    admin = staff(session)
    user, first = invite(session, admin)
    second = invitations.reissue(admin, user, session=session)
    third = invitations.reissue(admin, user, session=session)
    assert len({first, second, third}) == 3
    assert [invitations.invitation_for(t, session=session) is not None for t in (first, second, third)] == [
        False, False, True]  # fmt: skip
    with pytest.raises(NotFound):
        invitations.accept(first, PASSWORD, session=session)
    invitations.accept(third, PASSWORD, session=session)
    assert len(events(session, "invitation_issued")) == 3


def test_only_an_admin_makes_a_new_link(session):
    admin = staff(session)
    user, token = invite(session, admin)
    with pytest.raises(Forbidden):
        invitations.reissue(staff(session, Role.inspector), user, session=session)
    assert invitations.invitation_for(token, session=session) is not None


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short words", "Use at least 12 characters (a few words make a good password)."),
        ("x" * 129, "Use at most 128 characters."),
        ("QWERTY123456", "This password is among the most commonly used ones; choose another."),
        ("NEW.person@Everest.example", "Do not use your e-mail address as your password."),
    ],
)
def test_the_password_follows_the_rules_and_a_refused_one_leaves_the_link_usable(session, password, message):
    admin = staff(session)
    user, token = invite(session, admin)
    with pytest.raises(Conflict) as refused:
        invitations.accept(token, password, session=session)
    assert (str(refused.value), refused.value.field) == (message, "password")
    assert user.password_hash == ""
    assert invitations.accept(token, PASSWORD, session=session).password_hash.startswith("$argon2id$")


def test_a_password_of_exactly_twelve_characters_with_spaces_is_accepted(session):
    admin = staff(session)
    user, token = invite(session, admin)
    invitations.accept(token, "tea  at  six", session=session)
    assert check_password(user.email, "tea  at  six", session=session).state is LoginState.signed_in


def test_setting_the_password_ends_the_persons_sessions_and_lifts_a_lockout(session):
    admin = staff(session)
    user, first = invite(session, admin)
    invitations.accept(first, PASSWORD, session=session)
    tokens = [open_session(user, session=session, policy=SessionPolicy()) for _ in range(2)]
    user.failed_logins, user.locked_until = 5, NOON + timedelta(days=400)
    session.add(user)
    link = invitations.reissue(admin, user, session=session)  # a forgotten password
    invitations.accept(link, "a brand new passphrase", session=session)
    assert all(resolve(token, session=session, policy=SessionPolicy()) is None for token in tokens)
    reasons = session.scalars(select(UserSession.revoked_reason).where(UserSession.user_id == user.id)).all()
    assert reasons == ["password set", "password set"]
    assert (user.failed_logins, user.locked_until) == (0, None)
    assert check_password(user.email, "a brand new passphrase", session=session).state is LoginState.signed_in
    assert check_password(user.email, PASSWORD, session=session).state is LoginState.refused


def test_the_link_of_a_disabled_account_does_not_work(session):
    admin = staff(session)
    user, token = invite(session, admin)
    user.is_active = False
    session.add(user)
    assert invitations.invitation_for(token, session=session) is None
    with pytest.raises(NotFound, match=INVALID):
        invitations.accept(token, PASSWORD, session=session)
