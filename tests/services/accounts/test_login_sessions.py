"""Server-side login sessions: the token kept only as a hash, the absolute and idle limits, disabled accounts,
ending all but one, and nobody reaching another person's session by its id. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from recruitment_watch.models import User, UserSession
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.users import ensure_organisation
from recruitment_watch.services.accounts.login_sessions import (
    SessionPolicy,
    end,
    end_all,
    live_sessions,
    open_session,
    resolve,
    session_of,
)

NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=2))


def make_user(session, email: str = "pat@example.org") -> User:
    organisation = ensure_organisation("Pourakhi", OrganisationKind.ngo, "NP", session=session)
    user = User(email=email, full_name="Pat", role=Role.ngo.value, password_hash="x", organisation_id=organisation.id)
    session.add(user)
    session.flush()
    return user


def stored_session(session, token: str) -> UserSession:
    """The session row of ``token``, read again from the database."""
    session.flush()
    session.expire_all()
    digest = hashlib.sha256(token.encode()).hexdigest()
    return session.scalar(select(UserSession).where(UserSession.token_hash == digest))


def test_the_token_is_stored_only_as_its_sha256_hash(session):
    user = make_user(session)
    with time_machine.travel(NOON, tick=False):
        token = open_session(user, session=session, policy=POLICY, ip="203.0.113.5", user_agent="Firefox")
    assert len(token) >= 40
    row = stored_session(session, token)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (row.user_id, row.ip, row.user_agent) == (user.id, "203.0.113.5", "Firefox")
    assert (row.created_at, row.last_seen_at, row.expires_at) == (NOON, NOON, NOON + timedelta(hours=2))
    assert all(token not in str(value) for value in row.model_dump().values())
    assert session.get(User, user.id).last_login_at == NOON


def test_a_long_user_agent_is_cut_to_fit_its_column(session):
    user = make_user(session)
    token = open_session(user, session=session, policy=POLICY, user_agent="Mozilla/5.0 " * 40)
    assert len(stored_session(session, token).user_agent) == 200


def test_each_session_gets_its_own_token_and_resolves_to_its_person(session):
    user, other = make_user(session), make_user(session, "sam@example.org")
    tokens = [open_session(user, session=session, policy=POLICY), open_session(other, session=session, policy=POLICY)]
    assert tokens[0] != tokens[1]
    assert [resolve(token, session=session, policy=POLICY)[1].id for token in tokens] == [user.id, other.id]
    assert [resolve(token, session=session, policy=POLICY)[2].user_id for token in tokens] == [user.id, other.id]
    assert resolve("not-a-token", session=session, policy=POLICY) is None


def test_a_session_in_use_still_ends_at_its_absolute_limit(session):
    user = make_user(session)
    with time_machine.travel(NOON, tick=False) as clock:
        token = open_session(user, session=session, policy=POLICY)
        for _ in range(4):  # a request every 25 minutes keeps it from going idle
            clock.shift(timedelta(minutes=25))
            assert resolve(token, session=session, policy=POLICY) is not None
        clock.shift(timedelta(minutes=19, seconds=59))
        assert resolve(token, session=session, policy=POLICY) is not None  # 1:59:59 after it began
        clock.shift(timedelta(seconds=1))
        assert resolve(token, session=session, policy=POLICY) is None
        assert live_sessions(user.id, session=session, policy=POLICY) == []
    row = stored_session(session, token)
    assert row.revoked_at is None  # over by its own limit, not ended by anyone


def test_a_session_without_a_request_for_the_idle_time_ends_with_the_reason_idle(session):
    user = make_user(session)
    with time_machine.travel(NOON, tick=False) as clock:
        token = open_session(user, session=session, policy=POLICY)
        clock.shift(timedelta(minutes=20))
        assert resolve(token, session=session, policy=POLICY) is not None  # seen: the idle time counts from here
        clock.shift(timedelta(minutes=29, seconds=59))
        assert resolve(token, session=session, policy=POLICY) is not None
        clock.shift(timedelta(minutes=30))
        assert resolve(token, session=session, policy=POLICY) is None
        ended_at = NOON + timedelta(minutes=79, seconds=59)
    row = stored_session(session, token)
    assert (row.revoked_reason, row.revoked_at) == ("idle", ended_at)
    with time_machine.travel(NOON, tick=False):  # ended for good, even seen from earlier
        assert resolve(token, session=session, policy=POLICY) is None


def test_last_seen_is_written_at_most_once_a_minute(session):
    user = make_user(session)
    with time_machine.travel(NOON, tick=False) as clock:
        token = open_session(user, session=session, policy=POLICY)
        clock.shift(timedelta(seconds=59))
        resolve(token, session=session, policy=POLICY)
        assert stored_session(session, token).last_seen_at == NOON
        clock.shift(timedelta(seconds=1))
        resolve(token, session=session, policy=POLICY)
        assert stored_session(session, token).last_seen_at == NOON + timedelta(minutes=1)


def test_the_session_of_a_disabled_person_does_not_resolve(session):
    user = make_user(session)
    token = open_session(user, session=session, policy=POLICY)
    user.is_active = False
    session.add(user)
    session.flush()
    assert resolve(token, session=session, policy=POLICY) is None


def test_ending_one_session_keeps_its_first_reason(session):
    user = make_user(session)
    token = open_session(user, session=session, policy=POLICY)
    row, _user, _actor = resolve(token, session=session, policy=POLICY)
    end(row, "logout", session=session)
    end(row, "revoked", session=session)
    assert stored_session(session, token).revoked_reason == "logout"
    assert resolve(token, session=session, policy=POLICY) is None


def test_ending_all_sessions_but_one_keeps_that_one_and_touches_nobody_else(session):
    user, other = make_user(session), make_user(session, "sam@example.org")
    mine = [open_session(user, session=session, policy=POLICY) for _ in range(3)]
    theirs = open_session(other, session=session, policy=POLICY)
    kept, _user, _actor = resolve(mine[1], session=session, policy=POLICY)

    assert end_all(user.id, "revoked by the user", session=session, keep_id=kept.id) == 2
    assert [resolve(token, session=session, policy=POLICY) is not None for token in mine] == [False, True, False]
    assert resolve(theirs, session=session, policy=POLICY) is not None
    assert {stored_session(session, mine[n]).revoked_reason for n in (0, 2)} == {"revoked by the user"}
    assert [row.id for row in live_sessions(user.id, session=session, policy=POLICY)] == [kept.id]
    assert end_all(user.id, "account disabled", session=session) == 1  # only the one still live
    assert stored_session(session, mine[0]).revoked_reason == "revoked by the user"


def test_live_sessions_are_newest_first_and_leave_out_ended_and_idle_ones(session):
    user = make_user(session)
    with time_machine.travel(NOON, tick=False) as clock:
        idle = open_session(user, session=session, policy=POLICY)
        clock.shift(timedelta(minutes=10))
        ended = open_session(user, session=session, policy=POLICY)
        end(resolve(ended, session=session, policy=POLICY)[0], "logout", session=session)
        older = open_session(user, session=session, policy=POLICY)
        clock.shift(timedelta(minutes=5))
        newer = open_session(user, session=session, policy=POLICY)
        clock.shift(timedelta(minutes=16))  # the first one is now 31 minutes without a request
        live = live_sessions(user.id, session=session, policy=POLICY)
    assert [row.token_hash for row in live] == [stored_session(session, t).token_hash for t in (newer, older)]
    assert stored_session(session, idle).revoked_at is None  # left out, not ended, by listing


def test_a_person_reaches_only_their_own_session_by_its_id(session):
    user, other = make_user(session), make_user(session, "sam@example.org")
    row, _user, _actor = resolve(open_session(other, session=session, policy=POLICY), session=session, policy=POLICY)
    assert session_of(user.id, row.id, session=session) is None
    assert session_of(other.id, row.id, session=session).id == row.id
    assert session_of(other.id, row.id + 1000, session=session) is None
