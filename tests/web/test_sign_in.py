"""Signing in on the web: password, lockout, the second step (TOTP, replay refused, recovery codes), enrolment,
sessions ended from elsewhere, CSRF refusal. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import SecurityEvent, User, UserSession
from tests.web.conftest import PASSWORD, csrf_token, fresh_code, password_step, post_form, signed_in, text_of

NOON = datetime(2026, 11, 30, 12, 0, 5, tzinfo=UTC)


def _events(app, kind: str) -> list[SecurityEvent]:
    with unit_of_work(get_engine(app)) as session:
        return list(session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind)).all())


def test_an_agency_person_signs_in_with_the_password_and_sees_their_dashboard(app, client, people):
    answer = password_step(client, people.agency_a.email)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/dashboard")
    page = text_of(client.get("/dashboard"))
    assert "Signed in as Agency A, agency at Everest Manpower." in page
    assert "Open findings" in page and "contracts submitted" in page
    [event] = _events(app, "login")
    assert event.user_id == people.agency_a.id and event.outcome == "success"


def test_a_wrong_password_is_refused_without_saying_whether_the_address_exists(app, client, people):
    wrong = password_step(client, people.agency_a.email, "not the password at all")
    unknown = password_step(client, "nobody@example.org", "not the password at all")
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert "The e-mail address or the password is wrong." in text_of(answer)
    assert client.get("/dashboard").headers["Location"].startswith("/login")
    failures = _events(app, "login_failed")
    assert {(e.user_id, e.email) for e in failures} == {(people.agency_a.id, None), (None, "nobody@example.org")}


def test_five_failures_lock_the_account_even_against_the_right_password_until_the_lock_runs_out(app, client, people):
    with time_machine.travel(NOON, tick=False) as clock:
        answers = [password_step(client, people.ngo_a.email, f"wrong guess number {n}") for n in range(5)]
        assert [a.status_code for a in answers] == [401] * 5
        assert "locked" in text_of(answers[-1])
        right = password_step(client, people.ngo_a.email)
        assert right.status_code == 401 and "this account is locked for now" in text_of(right)
        [locked] = _events(app, "locked")
        assert locked.user_id == people.ngo_a.id and "5 failed logins in a row" in locked.detail
        clock.shift(timedelta(minutes=15, seconds=1))
        assert password_step(client, people.ngo_a.email).headers["Location"].endswith("/dashboard")
    with unit_of_work(get_engine(app)) as session:
        user = session.get(User, people.ngo_a.id)
        assert (user.failed_logins, user.locked_until) == (0, None)


def test_staff_pass_a_second_step_and_a_code_cannot_be_used_twice(app, people):
    inspector = people.inspector
    with time_machine.travel(NOON, tick=False):
        first, second = app.test_client(), app.test_client()
        assert password_step(first, inspector.email).headers["Location"].endswith("/login/code")
        assert first.get("/dashboard").status_code == 302  # not signed in between the steps
        code = fresh_code(inspector.totp_secret)
        done = post_form(first, "/login/code", {"code": code})
        assert done.headers["Location"].endswith("/dashboard")
        assert "Last compliance sweep" in text_of(first.get("/dashboard"))

        password_step(second, inspector.email)
        replayed = post_form(second, "/login/code", {"code": code})
        assert replayed.status_code == 400
        assert "That code is not right, or it was already used." in text_of(replayed)
        assert second.get("/dashboard").status_code == 302
        assert post_form(second, "/login/code", {"code": fresh_code(inspector.totp_secret, offset_steps=1)}
                         ).headers["Location"].endswith("/dashboard")  # fmt: skip
    [failed] = _events(app, "second_factor_failed")
    assert (failed.outcome, failed.detail) == ("failure", "login code")


def test_first_sign_in_of_an_inspector_enrols_a_code_app_and_shows_recovery_codes_once(app, people, world):
    with unit_of_work(get_engine(app)) as session:
        session.add(User(email="new-inspector@example.org", full_name="Nima Inspector", role="inspector",
                         password_hash=session.get(User, people.agency_a.id).password_hash,
                         organisation_id=world.ministry.organisation_id))  # fmt: skip
    client = app.test_client()
    assert password_step(client, "new-inspector@example.org").headers["Location"].endswith("/login/enrol")
    page = client.get("/login/enrol")
    assert "<svg" in page.get_data(as_text=True) and "Scan this code" in text_of(page)
    secret = re.search(r'class="secret">([A-Z2-7]+)<', page.get_data(as_text=True)).group(1)
    wrong = client.post("/login/enrol", data={"csrf_token": csrf_token(page.get_data(as_text=True)), "code": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in text_of(wrong)
    assert client.get("/login/enrol").get_data(as_text=True).count(secret) == 1  # a reload keeps the secret
    done = post_form(client, "/login/enrol", {"code": pyotp.TOTP(secret).now()})
    assert done.headers["Location"].endswith("/login/recovery-codes")
    codes_page = client.get("/login/recovery-codes")
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", codes_page.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/login/recovery-codes").status_code == 404  # shown once
    assert "Signed in as Nima Inspector" in text_of(client.get("/dashboard"))

    other = app.test_client()
    password_step(other, "new-inspector@example.org")
    used = post_form(other, "/login/code", {"recovery_code": codes[0].upper()})
    assert used.headers["Location"].endswith("/dashboard")
    again = app.test_client()
    password_step(again, "new-inspector@example.org")
    refused = post_form(again, "/login/code", {"recovery_code": codes[0]})
    assert refused.status_code == 400 and again.get("/dashboard").status_code == 302
    [event] = _events(app, "recovery_code_used")
    assert event.detail == "9 left"


def test_ending_other_sessions_signs_the_other_browser_out_at_its_next_request(app, people):
    here, there = signed_in(app, people.agency_b), signed_in(app, people.agency_b)
    assert there.get("/dashboard").status_code == 200
    account = here.get("/account")
    assert text_of(account).count("End this session") == 1  # the other one; this browser is "this browser"
    ended = post_form(here, "/account/sessions/end-others", {}, page="/account")
    assert "Your other sessions are ended." in text_of(here.get(ended.headers["Location"]))
    assert there.get("/dashboard").headers["Location"].startswith("/login")
    assert here.get("/dashboard").status_code == 200


def test_signing_out_ends_the_session_record_not_only_the_cookie(app, people):
    client = signed_in(app, people.ngo_b)
    with client.session_transaction() as cookie:
        token = cookie["_user_id"]
    post_form(client, "/logout", {}, page="/dashboard")
    assert client.get("/dashboard").headers["Location"].startswith("/login")
    replay = app.test_client()  # someone who copied the cookie before the sign-out
    with replay.session_transaction() as cookie:
        cookie["_user_id"] = token
    assert replay.get("/dashboard").headers["Location"].startswith("/login")
    with unit_of_work(get_engine(app)) as session:
        [record] = session.scalars(select(UserSession).where(UserSession.user_id == people.ngo_b.id)).all()
        assert record.revoked_reason == "logout"


def test_a_session_idle_for_half_an_hour_ends(app, people):
    with time_machine.travel(NOON, tick=False) as clock:
        client = signed_in(app, people.agency_a)
        assert client.get("/dashboard").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/dashboard").status_code == 200
        clock.shift(timedelta(minutes=30, seconds=1))
        assert client.get("/dashboard").headers["Location"].startswith("/login")


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(app, client, people):
    refused = client.post("/login", data={"email": people.agency_a.email, "password": PASSWORD})
    assert refused.status_code == 400
    assert "This form could not be accepted" in text_of(refused)
    assert client.get("/dashboard").status_code == 302 and _events(app, "login") == []
    signed = signed_in(app, people.agency_a)
    assert signed.post("/logout").status_code == 400
    assert signed.get("/dashboard").status_code == 200  # still signed in


def test_after_sign_in_the_person_returns_to_the_page_they_asked_for_but_never_to_another_site(app, people):
    client = app.test_client()
    asked = client.get("/account")
    assert asked.headers["Location"] == "/login?next=/account"
    page = client.get("/login?next=/account")
    token = csrf_token(page.get_data(as_text=True))
    done = client.post(
        "/login", data={"csrf_token": token, "email": people.agency_a.email, "password": PASSWORD, "next": "/account"}
    )
    assert done.headers["Location"] == "/account"
    other = app.test_client()
    page = other.get("/login")
    away = other.post("/login", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                      "email": people.agency_a.email, "password": PASSWORD,
                                      "next": "//evil.example/steal"})  # fmt: skip
    assert away.headers["Location"] == "/dashboard"


def test_the_session_cookie_is_secure_http_only_and_same_site_and_pages_send_the_security_headers(client, people):
    answer = password_step(client, people.agency_a.email)
    cookie = next(value for name, value in answer.headers.items() if name == "Set-Cookie" and "session=" in value)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/dashboard")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Referrer-Policy"] == "no-referrer"
    assert "<script" not in page.get_data(as_text=True)  # the pages work without JavaScript: none is sent


def test_a_code_typed_in_arabic_indic_digits_signs_in(app, client, people):
    with time_machine.travel(NOON, tick=False):
        password_step(client, people.admin.email)
        code = fresh_code(people.admin.totp_secret)
        typed = "".join("٠١٢٣٤٥٦٧٨٩"[int(digit)] for digit in code)
        assert post_form(client, "/login/code", {"code": typed}).headers["Location"].endswith("/dashboard")
