"""The admins' side of accounts: the list of people (search, role, pages), disabling and enabling an account (which
ends its sessions), an admin who cannot disable themself, and lifting a lockout. Each test runs on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from recruitment_watch.models import SecurityEvent, User, UserSession
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import ROLE_ORGANISATION, Actor, actor_for_user
from recruitment_watch.services.access.users import ensure_organisation
from recruitment_watch.services.accounts import people
from recruitment_watch.services.accounts.login import LoginState, check_password
from recruitment_watch.services.accounts.login_sessions import SessionPolicy, open_session, resolve
from recruitment_watch.services.accounts.passwords import hash_password
from recruitment_watch.services.errors import Conflict, Forbidden, NotFound

PASSWORD = "a long test passphrase"
ORGANISATIONS = {
    OrganisationKind.ministry: "Department of Foreign Employment",
    OrganisationKind.agency: "Everest Manpower",
    OrganisationKind.ngo: "Pourakhi",
}


def make_user(session, email: str, role: Role, full_name: str = "Someone", password: str = PASSWORD) -> User:
    kind = ROLE_ORGANISATION[role]
    organisation = ensure_organisation(ORGANISATIONS[kind], kind, "NP", session=session)
    user = User(email=email, full_name=full_name, role=role.value, organisation_id=organisation.id,
                password_hash=hash_password(password) if password else "")  # fmt: skip
    session.add(user)
    session.flush()
    return user


def make_staff(session) -> tuple[Actor, dict[str, User]]:
    """An admin's actor and five people: the admin, an inspector, two agency staff, an NGO worker."""
    users = {
        "admin": make_user(session, "admin@dofe.example", Role.admin, "Asha Admin"),
        "inspector": make_user(session, "inspector@dofe.example", Role.inspector, "Ina Inspector"),
        "ram": make_user(session, "ram@everest.example", Role.agency, "Ram Thapa"),
        "sita": make_user(session, "sita@everest.example", Role.agency, "Sita Gurung", password=""),
        "maya": make_user(session, "maya@pourakhi.example", Role.ngo, "Maya Rai"),
    }
    return actor_for_user(users["admin"].id, session=session), users


def emails(rows) -> list[str]:
    return [row.email for row in rows]


def test_the_list_is_sorted_by_address_and_shows_each_persons_state(session):
    admin, users = make_staff(session)
    rows, total = people.list_people(admin, session=session)
    assert total == 5
    assert emails(rows) == ["admin@dofe.example", "inspector@dofe.example", "maya@pourakhi.example",
                            "ram@everest.example", "sita@everest.example"]  # fmt: skip
    by_email = {row.email: row for row in rows}
    ram, sita = by_email["ram@everest.example"], by_email["sita@everest.example"]
    assert (ram.full_name, ram.role, ram.organisation, ram.is_active) == ("Ram Thapa", "agency", "Everest Manpower",
                                                                          True)  # fmt: skip
    assert (ram.has_password, sita.has_password) == (True, False)
    assert not ram.second_factor and not ram.locked


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("RAM@", ["ram@everest.example"]),  # e-mail, any case
        ("gurung", ["sita@everest.example"]),  # name
        ("  everest manpower ", ["ram@everest.example", "sita@everest.example"]),  # organisation
        ("dofe", ["admin@dofe.example", "inspector@dofe.example"]),
        ("Department of Foreign", ["admin@dofe.example", "inspector@dofe.example"]),
        ("nobody", []),
    ],
)
def test_the_search_matches_address_name_or_organisation(session, search, found):
    admin, _ = make_staff(session)
    rows, total = people.list_people(admin, session=session, search=search)
    assert (emails(rows), total) == (found, len(found))


def test_the_role_filter_narrows_the_list_and_combines_with_the_search(session):
    admin, _ = make_staff(session)
    assert emails(people.list_people(admin, session=session, role="agency")[0]) == ["ram@everest.example",
                                                                                    "sita@everest.example"]  # fmt: skip
    assert people.list_people(admin, session=session, role="agency", search="sita")[1] == 1
    assert people.list_people(admin, session=session, role="ngo", search="everest") == ([], 0)


def test_pages_hold_at_most_the_limit_and_every_page_tells_the_total(session):
    admin, _ = make_staff(session)
    pages = [people.list_people(admin, session=session, offset=offset, limit=2) for offset in (0, 2, 4, 6)]
    assert [len(rows) for rows, _ in pages] == [2, 2, 1, 0]
    assert {total for _, total in pages} == {5}
    assert sum((emails(rows) for rows, _ in pages), []) == emails(people.list_people(admin, session=session)[0])


def test_only_an_admin_lists_or_changes_accounts(session):
    _, users = make_staff(session)
    inspector = actor_for_user(users["inspector"].id, session=session)
    with pytest.raises(Forbidden):
        people.list_people(inspector, session=session)
    with pytest.raises(Forbidden):
        people.set_active(inspector, users["ram"], False, session=session)
    with pytest.raises(Forbidden):
        people.lift_lockout(inspector, users["ram"], session=session)
    with pytest.raises(Forbidden):
        people.person(inspector, users["ram"].id, session=session)
    assert users["ram"].is_active


def test_a_person_is_found_by_id_or_not_at_all(session):
    admin, users = make_staff(session)
    assert people.person(admin, users["maya"].id, session=session).email == "maya@pourakhi.example"
    with pytest.raises(NotFound):
        people.person(admin, users["maya"].id + 1000, session=session)


def test_disabling_ends_every_session_refuses_sign_in_and_names_the_admin(session):
    admin, users = make_staff(session)
    ram, maya = users["ram"], users["maya"]
    tokens = [open_session(ram, session=session, policy=SessionPolicy()) for _ in range(2)]
    other = open_session(maya, session=session, policy=SessionPolicy())

    people.set_active(admin, ram, False, session=session)
    assert all(resolve(token, session=session, policy=SessionPolicy()) is None for token in tokens)
    assert resolve(other, session=session, policy=SessionPolicy()) is not None
    reasons = session.scalars(select(UserSession.revoked_reason).where(UserSession.user_id == ram.id)).all()
    assert reasons == ["account disabled"] * 2
    assert check_password(ram.email, PASSWORD, session=session).state is LoginState.refused
    [row] = people.list_people(admin, session=session, search="ram@")[0]
    assert row.is_active is False

    people.set_active(admin, ram, True, session=session)
    assert check_password(ram.email, PASSWORD, session=session).state is LoginState.signed_in
    assert all(resolve(token, session=session, policy=SessionPolicy()) is None for token in tokens)  # stay ended
    recorded = session.scalars(select(SecurityEvent).where(SecurityEvent.user_id == ram.id,
                                                           SecurityEvent.kind.like("user_%"))
                               .order_by(SecurityEvent.id)).all()  # fmt: skip
    assert [(e.kind, e.actor_user_id, e.outcome) for e in recorded] == [
        ("user_disabled", admin.user_id, "success"), ("user_enabled", admin.user_id, "success")]  # fmt: skip


def test_an_admin_cannot_disable_their_own_account(session):
    admin, users = make_staff(session)
    with pytest.raises(Conflict, match="you cannot disable your own account") as refused:
        people.set_active(admin, users["admin"], False, session=session)
    assert refused.value.field == "user_id"
    assert users["admin"].is_active
    assert session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "user_disabled")).all() == []


def test_an_admin_may_disable_another_admin(session):
    admin, users = make_staff(session)
    other = make_user(session, "second-admin@dofe.example", Role.admin)
    people.set_active(admin, other, False, session=session)
    assert not other.is_active and users["admin"].is_active


def test_lifting_a_lockout_lets_the_person_sign_in_at_once(session):
    admin, users = make_staff(session)
    maya = users["maya"]
    for n in range(5):
        check_password(maya.email, f"wrong guess {n}", session=session)
    assert check_password(maya.email, PASSWORD, session=session).state is LoginState.locked
    [row] = people.list_people(admin, session=session, search="maya")[0]
    assert row.locked and row.locked_until > utc_now() + timedelta(minutes=14)

    people.lift_lockout(admin, maya, session=session)
    assert (maya.failed_logins, maya.locked_until) == (0, None)
    [row] = people.list_people(admin, session=session, search="maya")[0]
    assert not row.locked
    [event] = session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "user_enabled")).all()
    assert (event.user_id, event.actor_user_id, event.detail) == (maya.id, admin.user_id, "lockout lifted")
    assert check_password(maya.email, PASSWORD, session=session).state is LoginState.signed_in
