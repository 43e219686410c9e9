"""The password step of a login: lockout after every fifth failure (doubling, capped at a day), a success resetting
the count, disabled accounts refused, weaker hashes upgraded, the second factor asked of staff, and the events
recorded without the password. Each storage test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import select

from recruitment_watch.models import SecurityEvent, User
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.access.actor import ROLE_ORGANISATION
from recruitment_watch.services.access.users import ensure_organisation
from recruitment_watch.services.accounts.login import (
    LOCK_AFTER,
    LoginState,
    check_password,
    lock_duration,
    needs_second_factor,
)
from recruitment_watch.services.accounts.passwords import hash_password, verify_password

PASSWORD = "correct horse battery staple"
NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def make_user(session, role: Role = Role.agency, email: str = "person@example.org", **fields) -> User:
    """A user of ``role`` in an organisation of the kind the role belongs to, with ``PASSWORD``."""
    kind = ROLE_ORGANISATION[role]
    organisation = ensure_organisation(f"An {kind.value} organisation", kind, "NP", session=session)
    user = User(email=email, full_name="Pat Person", role=role.value, password_hash=hash_password(PASSWORD),
                organisation_id=organisation.id, **fields)  # fmt: skip
    session.add(user)
    session.flush()
    return user


def fail(session, email: str, times: int) -> list[LoginState]:
    """``times`` wrong passwords for ``email``; the states answered."""
    return [check_password(email, f"wrong guess {n}", session=session).state for n in range(times)]


def events(session, kind: str) -> list[SecurityEvent]:
    return list(session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind).order_by(SecurityEvent.id)))


def test_the_fifth_failure_locks_for_15_minutes_and_the_tenth_for_30(session):
    user = make_user(session)
    with time_machine.travel(NOON, tick=False) as clock:
        assert fail(session, user.email, 4) == [LoginState.refused] * 4
        assert user.locked_until is None
        fifth = check_password(user.email, "wrong guess 5", session=session)
        assert fifth.state is LoginState.locked and fifth.locked_until == NOON + timedelta(minutes=15)

        during = check_password(user.email, PASSWORD, session=session)  # the right password does not help
        assert (during.state, during.user, user.failed_logins) == (LoginState.locked, None, 5)
        clock.shift(timedelta(minutes=14, seconds=59))
        assert check_password(user.email, PASSWORD, session=session).state is LoginState.locked

        clock.shift(timedelta(seconds=1))
        assert fail(session, user.email, 4) == [LoginState.refused] * 4
        tenth = check_password(user.email, "wrong guess 10", session=session)
        assert tenth.state is LoginState.locked
        assert tenth.locked_until == NOON + timedelta(minutes=15) + timedelta(minutes=30)
    details = [event.detail for event in events(session, "locked")]
    assert details == ["5 failed logins in a row; locked until 2026-11-30 12:15 UTC",
                       "10 failed logins in a row; locked until 2026-11-30 12:45 UTC"]  # fmt: skip
    assert "account locked" in [event.detail for event in events(session, "login_failed")]


@pytest.mark.parametrize(
    ("failures", "locked_for"),
    [(5, timedelta(minutes=15)), (10, timedelta(minutes=30)), (15, timedelta(hours=1)), (35, timedelta(hours=16)),
     (40, timedelta(hours=24)), (45, timedelta(hours=24))],
)  # fmt: skip
def test_each_lock_lasts_twice_the_one_before_but_never_more_than_a_day(failures, locked_for):
    assert lock_duration(failures) == locked_for
    assert failures % LOCK_AFTER == 0


def test_a_lock_after_many_failures_lasts_one_day(session):
    user = make_user(session, failed_logins=44)
    with time_machine.travel(NOON, tick=False):
        result = check_password(user.email, "wrong again", session=session)
    assert result.state is LoginState.locked and result.locked_until == NOON + timedelta(hours=24)


def test_a_success_resets_the_count_so_four_more_failures_do_not_lock(session):
    user = make_user(session)
    fail(session, user.email, 4)
    assert user.failed_logins == 4
    assert check_password(user.email, PASSWORD, session=session).state is LoginState.signed_in
    assert user.failed_logins == 0
    assert fail(session, user.email, 4) == [LoginState.refused] * 4
    assert (user.failed_logins, user.locked_until) == (4, None)


def test_the_address_is_matched_whatever_its_case_and_surrounding_spaces(session):
    user = make_user(session)
    result = check_password("  Person@Example.ORG ", PASSWORD, session=session)
    assert result.state is LoginState.signed_in and result.user.id == user.id


def test_a_disabled_account_is_refused_with_the_right_password_and_never_counts_toward_a_lock(session):
    user = make_user(session, is_active=False)
    for password in [PASSWORD] * 6 + ["wrong guess"] * 6:
        result = check_password(user.email, password, session=session)
        assert (result.state, result.user, result.locked_until) == (LoginState.refused, None, None)
    assert (user.failed_logins, user.locked_until) == (0, None)
    refused = events(session, "login_failed")
    assert [e.detail for e in refused] == ["inactive account"] * 6 + ["wrong password"] * 6
    assert {e.user_id for e in refused} == {user.id} and events(session, "locked") == []


def test_an_unknown_address_is_refused_and_recorded_by_the_address_typed(session):
    make_user(session)
    result = check_password(" Nobody@Example.org", PASSWORD, session=session, ip="203.0.113.9")
    assert (result.state, result.user) == (LoginState.refused, None)
    [event] = events(session, "login_failed")
    assert (event.user_id, event.email, event.ip, event.detail) == (None, "nobody@example.org", "203.0.113.9",
                                                                    "unknown address")  # fmt: skip


def test_a_password_never_set_does_not_match_even_when_empty(session):
    user = make_user(session)
    user.password_hash = ""
    session.add(user)
    assert check_password(user.email, "", session=session).state is LoginState.refused
    assert check_password(user.email, PASSWORD, session=session).state is LoginState.refused


def test_a_hash_made_with_weaker_parameters_is_replaced_at_the_next_login(session):
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    user = make_user(session)
    user.password_hash = weak
    session.add(user)
    session.flush()
    assert check_password(user.email, "wrong guess", session=session).state is LoginState.refused
    assert user.password_hash == weak  # only a verified password is rehashed

    assert check_password(user.email, PASSWORD, session=session).state is LoginState.signed_in
    session.flush()
    session.expire_all()
    stored = session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored != weak and stored.startswith("$argon2id$")
    assert extract_parameters(stored) == extract_parameters(hash_password("any other password"))
    assert verify_password(stored, PASSWORD) == (True, None)  # verifies, and needs no further rehash
    assert check_password(user.email, PASSWORD, session=session).state is LoginState.signed_in


@pytest.mark.parametrize(
    ("role", "confirmed", "asked", "state"),
    [
        (Role.admin, False, True, LoginState.enrol),
        (Role.admin, True, True, LoginState.second_factor),
        (Role.inspector, False, True, LoginState.enrol),
        (Role.inspector, True, True, LoginState.second_factor),
        (Role.agency, False, False, LoginState.signed_in),
        (Role.agency, True, True, LoginState.second_factor),
        (Role.ngo, False, False, LoginState.signed_in),
        (Role.ngo, True, True, LoginState.second_factor),
    ],
)
def test_staff_and_anyone_enrolled_pass_a_second_factor(session, role, confirmed, asked, state):
    user = make_user(session, role, totp_secret="JBSWY3DPEHPK3PXP" if confirmed else None,
                     totp_confirmed_at=utc_now() if confirmed else None)  # fmt: skip
    assert needs_second_factor(user) is asked
    result = check_password(user.email, PASSWORD, session=session)
    assert result.state is state and result.user.id == user.id


def test_the_events_name_whom_they_concern_and_never_hold_the_password(session):
    user = make_user(session)
    guesses = [f"secret guess number {n}" for n in range(5)]
    for guess in guesses:
        check_password(user.email, guess, session=session, ip="198.51.100.7")
    check_password(user.email, PASSWORD, session=session, ip="198.51.100.7")  # while locked
    check_password("stranger@example.org", "stranger's own password", session=session)
    session.flush()
    recorded = session.scalars(select(SecurityEvent).order_by(SecurityEvent.id)).all()
    assert [(e.kind, e.outcome, e.user_id, e.email, e.detail) for e in recorded] == [
        *[("login_failed", "failure", user.id, None, "wrong password")] * 5,
        ("locked", "failure", user.id, None, "5 failed logins in a row; locked until "
                                             f"{user.locked_until:%Y-%m-%d %H:%M} UTC"),
        ("login_failed", "failure", user.id, None, "account locked"),
        ("login_failed", "failure", None, "stranger@example.org", "unknown address"),
    ]  # fmt: skip
    assert {e.ip for e in recorded[:7]} == {"198.51.100.7"}
    for event in recorded:
        stored = " ".join(str(value) for value in event.model_dump().values())
        for password in [*guesses, PASSWORD, "stranger's own password"]:
            assert password not in stored


def test_a_lock_after_two_hundred_failures_in_a_row_still_lasts_one_day(session):
    user = make_user(session, failed_logins=189)
    with time_machine.travel(NOON, tick=False):
        result = check_password(user.email, "wrong again", session=session)
    assert result.state is LoginState.locked and result.locked_until == NOON + timedelta(hours=24)
    assert lock_duration(10**9) == timedelta(hours=24)
