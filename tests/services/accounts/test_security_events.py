"""The security events and the admins' list of them: newest first, by kind, by the address of whom they concern or
the address typed at a failed login, one page at a time. Also the admins' criteria-pack switch, which records such
an event naming who switched and why. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from recruitment_watch.models import PackSetting, SecurityEvent, User
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import actor_for_user
from recruitment_watch.services.access.users import ensure_organisation
from recruitment_watch.services.accounts.login import check_password
from recruitment_watch.services.accounts.security_events import EventKind, Outcome, list_events, record
from recruitment_watch.services.criteria.pack_switches import judged_packs, pack_rows, switch
from recruitment_watch.services.errors import Forbidden, NotFound

NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PACK = "ilo-fair-recruitment"


def make_user(session, email: str, role: Role = Role.admin) -> User:
    ministry = ensure_organisation("Department of Foreign Employment", OrganisationKind.ministry, "NP", session=session)
    user = User(email=email, full_name=email.split("@")[0].title(), role=role.value, password_hash="x",
                organisation_id=ministry.id)  # fmt: skip
    session.add(user)
    session.flush()
    return user


def some_events(session) -> tuple[User, User]:
    """Five events about two people, one by an admin, and a failed login for an unknown address."""
    admin, inspector = make_user(session, "admin@dofe.example"), make_user(session, "ina@dofe.example", Role.inspector)
    record(session, EventKind.login, user_id=inspector.id, ip="192.0.2.1")
    record(session, EventKind.second_factor_failed, Outcome.failure, user_id=inspector.id, detail="login code")
    record(session, EventKind.user_disabled, user_id=inspector.id, actor_user_id=admin.id)
    record(session, EventKind.login, user_id=admin.id)
    check_password("Stranger@Example.org", "whatever it was", session=session)
    session.flush()
    return admin, inspector


def test_the_list_is_newest_first_with_whom_it_concerns_and_who_did_it(session):
    admin, inspector = some_events(session)
    rows, total = list_events(session)
    assert total == 5
    assert [(r.kind, r.outcome, r.user_email, r.actor_email) for r in rows] == [
        ("login_failed", "failure", "stranger@example.org", None),
        ("login", "success", "admin@dofe.example", None),
        ("user_disabled", "success", "ina@dofe.example", "admin@dofe.example"),
        ("second_factor_failed", "failure", "ina@dofe.example", None),
        ("login", "success", "ina@dofe.example", None),
    ]
    assert (rows[-1].ip, rows[-2].detail, rows[0].detail) == ("192.0.2.1", "login code", "unknown address")
    assert [r.id for r in rows] == sorted((r.id for r in rows), reverse=True)


def test_events_keep_the_time_they_happened(session):
    user = make_user(session, "admin@dofe.example")
    with time_machine.travel(NOON, tick=False):
        record(session, EventKind.logout, user_id=user.id)
        session.flush()
    [row], _ = list_events(session)
    assert row.occurred_at == NOON


def test_the_kind_filter_keeps_one_kind(session):
    some_events(session)
    rows, total = list_events(session, kind="login")
    assert total == 2 and [r.user_email for r in rows] == ["admin@dofe.example", "ina@dofe.example"]
    assert list_events(session, kind="key_revoked") == ([], 0)


@pytest.mark.parametrize(
    ("search", "kinds"),
    [
        ("ina@dofe", ["user_disabled", "second_factor_failed", "login"]),  # whom it concerns, not who did it
        (" INA@DOFE.example ", ["user_disabled", "second_factor_failed", "login"]),
        ("stranger", ["login_failed"]),  # the address typed for an unknown account
        ("dofe.example", ["login", "user_disabled", "second_factor_failed", "login"]),
        ("nobody", []),
    ],
)
def test_the_search_matches_the_address_of_whom_it_concerns_or_the_address_typed(session, search, kinds):
    some_events(session)
    rows, total = list_events(session, search=search)
    assert ([r.kind for r in rows], total) == (kinds, len(kinds))


def test_filter_and_search_combine(session):
    some_events(session)
    rows, total = list_events(session, kind="login", search="ina")
    assert ([r.user_email for r in rows], total) == (["ina@dofe.example"], 1)


def test_each_page_holds_at_most_the_limit_and_tells_the_total(session):
    some_events(session)
    pages = [list_events(session, offset=offset, limit=2) for offset in (0, 2, 4)]
    assert [len(rows) for rows, _ in pages] == [2, 2, 1] and {total for _, total in pages} == {5}
    assert [r.id for rows, _ in pages for r in rows] == [r.id for r in list_events(session)[0]]
    assert [r.kind for r in list_events(session, kind="login", offset=1, limit=1)[0]] == ["login"]


def test_long_values_are_cut_to_fit_their_columns(session):
    event = record(session, EventKind.login_failed, Outcome.failure, email="a" * 300 + "@example.org",
                   ip="f" * 60, detail="d" * 400)  # fmt: skip
    session.flush()
    assert (len(event.email), len(event.ip), len(event.detail)) == (254, 45, 300)


def test_switching_a_pack_off_stops_it_being_judged_and_records_who_and_why(session):
    admin = make_user(session, "admin@dofe.example")
    acting = actor_for_user(admin.id, session=session)
    assert PACK in {pack.id for pack in judged_packs(session)}
    with time_machine.travel(NOON, tick=False):
        switch(acting, PACK, False, "  Under review by the legal team ", session=session)
    assert PACK not in {pack.id for pack in judged_packs(session)}
    assert [pack.id for pack in judged_packs(session, only={PACK, "iris"})] == ["iris"]
    [row] = [row for row in pack_rows(session) if row.id == PACK]
    assert (row.enabled, row.reason, row.changed_by, row.changed_at) == (
        False, "Under review by the legal team", "admin@dofe.example", NOON)  # fmt: skip
    assert row.version and row.criteria > 0
    assert all(r.enabled and r.changed_by is None for r in pack_rows(session) if r.id != PACK)
    [event] = session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "pack_switched")).all()
    assert (event.actor_user_id, event.detail) == (admin.id, f"{PACK} off: Under review by the legal team")


def test_switching_a_pack_on_again_brings_it_back_with_the_new_reason(session):
    acting = actor_for_user(make_user(session, "admin@dofe.example").id, session=session)
    switch(acting, PACK, False, "review", session=session)
    switch(acting, PACK, True, "review done", session=session)
    assert PACK in {pack.id for pack in judged_packs(session)}
    [row] = [row for row in pack_rows(session) if row.id == PACK]
    assert (row.enabled, row.reason) == (True, "review done")
    assert len(session.scalars(select(PackSetting)).all()) == 1
    kinds, _ = list_events(session, kind="pack_switched")
    assert [e.detail for e in kinds] == [f"{PACK} on: review done", f"{PACK} off: review"]


def test_only_an_admin_switches_a_pack(session):
    inspector = actor_for_user(make_user(session, "ina@dofe.example", Role.inspector).id, session=session)
    with pytest.raises(Forbidden, match="only an admin"):
        switch(inspector, PACK, False, "not mine to decide", session=session)
    assert session.get(PackSetting, PACK) is None
    assert PACK in {pack.id for pack in judged_packs(session)}


def test_an_unknown_pack_cannot_be_switched(session):
    acting = actor_for_user(make_user(session, "admin@dofe.example").id, session=session)
    with pytest.raises(NotFound, match="no criteria pack no-such-pack") as refused:
        switch(acting, "no-such-pack", False, "typo", session=session)
    assert refused.value.field == "pack_id"
    assert session.scalars(select(PackSetting)).all() == []
