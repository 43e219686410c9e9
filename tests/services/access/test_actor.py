"""One Actor for API keys and logins: the same scoping answers for an agency key and an agency user."""

from __future__ import annotations

import pytest

from recruitment_watch.models import Agency, User
from recruitment_watch.models.vocab import ApiScope, OrganisationKind, Role
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import actor_for_user, role_scopes
from recruitment_watch.services.access.api_keys import authenticate, issue_key, organisation_named
from recruitment_watch.services.access.users import create_user, ensure_organisation, user_by_email
from recruitment_watch.services.errors import NotFound
from tests.support.factories import make_agency, make_contract


def agency_with_people(session):
    """An agency organisation owning the agency of one contract, with one user and one key; a peer agency too."""
    organisation = ensure_organisation("Everest Org", OrganisationKind.agency, "NP", session=session)
    contract = make_contract(session)
    row = session.get(Agency, contract.agency_id)
    row.organisation_id = organisation.id
    session.add(row)
    make_agency(session, licence_no="NP-LIC-0009", name="Peer Manpower")
    user = create_user("Staff@Everest.example", "Staff", Role.agency, "pw", organisation=organisation, session=session)
    _, raw = issue_key(organisation, name="k", scopes="", session=session)
    session.commit()
    return organisation, contract, user, raw


def test_a_user_and_a_key_of_one_agency_are_the_same_actor_but_for_who(session):
    organisation, contract, user, raw = agency_with_people(session)
    by_user = actor_for_user(user.id, session=session)
    by_key = authenticate(raw, session=session)

    expected = (organisation.id, contract.agency_id, Role.agency)
    assert (by_user.organisation_id, by_user.agency_id, by_user.role) == expected
    assert (by_key.organisation_id, by_key.agency_id, by_key.role) == expected
    assert (by_user.user_id, by_user.key_id) == (user.id, None)
    assert by_key.user_id is None and by_key.key_id is not None and by_key.label == f"key {by_key.key_prefix}"
    assert by_user.label == f"user {user.id}"
    assert by_user.scopes == by_key.scopes  # a key issued with every scope its organisation may hold
    assert by_user.may(ApiScope.contracts_write) and not by_user.may(ApiScope.sweeps_run)
    for actor in (by_user, by_key):
        assert [c.id for c in session.scalars(scoping.contracts_of(actor))] == [contract.id]
        assert scoping.contract_of(actor, contract.id, session=session).id == contract.id


def test_a_disabled_or_unknown_user_has_no_actor(session):
    _, _, user, _ = agency_with_people(session)
    assert actor_for_user(user.id + 1000, session=session) is None
    row = session.get(User, user.id)
    row.is_active = False
    session.add(row)
    session.commit()
    assert actor_for_user(user.id, session=session) is None


def test_an_inspector_sees_every_agency_and_an_ngo_user_no_contract(session):
    _, contract, _, _ = agency_with_people(session)
    ministry = ensure_organisation("Ministry", OrganisationKind.ministry, "NP", session=session)
    ngo = ensure_organisation("Helping Hands", OrganisationKind.ngo, "NP", session=session)
    inspector = create_user("i@gov.example", "I", Role.inspector, "pw", organisation=ministry, session=session)
    caseworker = create_user("c@ngo.example", "C", Role.ngo, "pw", organisation=ngo, session=session)
    session.commit()

    as_inspector = actor_for_user(inspector.id, session=session)
    as_caseworker = actor_for_user(caseworker.id, session=session)
    assert as_inspector.sees_everything and as_inspector.may(ApiScope.sweeps_run)
    assert scoping.contract_of(as_inspector, contract.id, session=session).id == contract.id
    assert as_caseworker.scopes == role_scopes(Role.ngo) == {"complaints:read", "complaints:write"}
    with pytest.raises(NotFound) as refused:
        scoping.contract_of(as_caseworker, contract.id, session=session)
    assert str(refused.value) == f"contract {contract.id} does not exist"


def test_lookups_by_name_and_email_name_what_was_not_found(session):
    organisation, _, user, _ = agency_with_people(session)
    assert user_by_email("  STAFF@everest.example ", session=session).id == user.id
    assert organisation_named("Everest Org", session=session).id == organisation.id
    with pytest.raises(NotFound, match="no user with e-mail nobody@example.org"):
        user_by_email("nobody@example.org", session=session)
    with pytest.raises(NotFound, match="no organisation named 'Nope'; organisations include: Everest Org"):
        organisation_named("Nope", session=session)
