"""The TOTP second factor: the accepted window of steps, replays and older codes refused, malformed codes refused,
enrolment with ten hashed one-time recovery codes, an admin's reset, and a QR code drawn without any remote service.
Each storage test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from recruitment_watch.models import RecoveryCode, SecurityEvent, User, UserSession
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.users import ensure_organisation
from recruitment_watch.services.accounts import second_factor
from recruitment_watch.services.accounts.login_sessions import SessionPolicy, open_session, resolve
from recruitment_watch.services.accounts.passwords import verify_password

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_790_000_015.0  # 15 seconds into a 30-second step
STEP = int(NOW) // 30


def make_inspector(session, **fields) -> User:
    ministry = ensure_organisation("Department of Foreign Employment", OrganisationKind.ministry, "NP", session=session)
    user = User(email="inspector@example.org", full_name="Ina Inspector", role=Role.inspector.value,
                password_hash="x", organisation_id=ministry.id, **fields)  # fmt: skip
    session.add(user)
    session.flush()
    return user


def code_of(step: int, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(step * 30)


def accept(session, user: User, code: str, at: float = NOW) -> bool:
    return second_factor.accept_code(user, code, session=session, now=lambda: at)


def events(session, kind: str) -> list[SecurityEvent]:
    return list(session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind).order_by(SecurityEvent.id)))


def enrolled(session) -> tuple[User, list[str]]:
    """An inspector who enrolled just now, and their recovery codes."""
    user = make_inspector(session)
    secret = second_factor.start_enrolment(user, session=session)
    return user, second_factor.confirm_enrolment(user, pyotp.TOTP(secret).now(), session=session)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_a_code_of_the_previous_current_or_next_step_is_accepted(session, offset):
    user = make_inspector(session, totp_secret=SECRET)
    assert accept(session, user, code_of(STEP + offset))
    session.expire_all()
    assert session.get(User, user.id).totp_last_step == STEP + offset


@pytest.mark.parametrize("offset", [-2, 2, -60])
def test_a_code_two_steps_or_more_away_is_refused(session, offset):
    user = make_inspector(session, totp_secret=SECRET)
    assert not accept(session, user, code_of(STEP + offset))
    assert user.totp_last_step is None


def test_the_same_code_is_refused_the_second_time_even_within_its_window(session):
    user = make_inspector(session, totp_secret=SECRET)
    code = code_of(STEP)
    assert accept(session, user, code)
    assert not accept(session, user, code)
    assert not accept(session, user, code, at=NOW + 29)  # the next step's window still holds it
    assert accept(session, user, code_of(STEP + 1), at=NOW + 30)


def test_an_older_code_is_refused_after_a_newer_one_was_accepted(session):
    user = make_inspector(session, totp_secret=SECRET)
    assert accept(session, user, code_of(STEP + 1))  # a phone running a little fast
    assert not accept(session, user, code_of(STEP))
    assert not accept(session, user, code_of(STEP - 1))
    assert user.totp_last_step == STEP + 1
    assert accept(session, user, code_of(STEP + 2), at=NOW + 30)


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456", "abcdef", "12345 ", "+12345"])
def test_codes_that_are_not_six_digits_are_refused(session, typed):
    user = make_inspector(session, totp_secret=SECRET)
    assert not accept(session, user, typed)
    assert user.totp_last_step is None


@pytest.mark.parametrize("script", ["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९", "০১২৩৪৫৬৭৮৯"])
def test_a_code_typed_in_the_digits_of_arabic_urdu_hindi_nepali_or_bengali_is_read_as_the_same_code(session, script):
    user = make_inspector(session, totp_secret=SECRET)
    typed = "".join(script[int(digit)] for digit in code_of(STEP))
    assert accept(session, user, typed)
    assert user.totp_last_step == STEP


def test_spaces_inside_a_code_are_ignored(session):
    user = make_inspector(session, totp_secret=SECRET)
    code = code_of(STEP)
    assert accept(session, user, f" {code[:3]} {code[3:]} ")


def test_without_a_secret_no_code_is_accepted(session):
    user = make_inspector(session)
    assert not accept(session, user, code_of(STEP))


def test_enrolment_gives_a_new_secret_until_it_is_confirmed_and_then_refuses(session):
    user = make_inspector(session)
    first = second_factor.start_enrolment(user, session=session)
    second = second_factor.start_enrolment(user, session=session)
    assert first != second and user.totp_secret == second and len(second) == 32
    assert "secret=" + second in second_factor.provisioning_uri(user)
    assert "issuer=recruitment_watch" in second_factor.provisioning_uri(user)
    assert second_factor.confirm_enrolment(user, pyotp.TOTP(first).now(), session=session) is None
    assert user.totp_confirmed_at is None
    [failed] = events(session, "second_factor_failed")
    assert (failed.user_id, failed.detail) == (user.id, "enrolment")

    assert second_factor.confirm_enrolment(user, pyotp.TOTP(second).now(), session=session) is not None
    assert user.totp_confirmed_at is not None
    with pytest.raises(ValueError, match="reset by an admin first"):
        second_factor.start_enrolment(user, session=session)
    assert user.totp_secret == second
    assert [e.user_id for e in events(session, "second_factor_enrolled")] == [user.id]


def test_enrolment_gives_ten_distinct_recovery_codes_stored_only_as_argon2_hashes(session):
    user, codes = enrolled(session)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    assert not set("".join(codes)) & set("01ilo")  # no look-alike characters
    session.flush()
    hashes = session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(hashes) == 10 and all(stored.startswith("$argon2id$") for stored in hashes)
    assert not any(code in stored for code in codes for stored in hashes)
    assert all(any(verify_password(stored, code)[0] for stored in hashes) for code in codes)
    assert second_factor.recovery_codes_left(user, session=session) == 10


def test_each_recovery_code_works_once_whatever_its_case_and_spaces(session):
    user, codes = enrolled(session)
    first = codes[0]
    assert second_factor.use_recovery_code(user, f"  {first[:5].upper()} {first[5:].upper()} ", session=session)
    assert not second_factor.use_recovery_code(user, first, session=session)
    assert second_factor.use_recovery_code(user, codes[1], session=session)
    assert second_factor.recovery_codes_left(user, session=session) == 8
    assert not second_factor.use_recovery_code(user, "aaaaa-bbbbb", session=session)
    assert [e.detail for e in events(session, "recovery_code_used")] == ["9 left", "8 left"]
    assert [e.detail for e in events(session, "second_factor_failed")] == ["recovery code", "recovery code"]


def test_new_recovery_codes_replace_the_old_ones(session):
    user, old = enrolled(session)
    new = second_factor.new_recovery_codes(user, session=session)
    assert not set(old) & set(new)
    assert not second_factor.use_recovery_code(user, old[0], session=session)
    assert second_factor.use_recovery_code(user, new[0], session=session)


def test_an_admin_reset_clears_the_secret_and_codes_and_ends_every_session(session):
    user, codes = enrolled(session)
    assert user.totp_last_step is not None
    tokens = [open_session(user, session=session, policy=SessionPolicy()) for _ in range(2)]
    second_factor.reset(user, session=session, actor_user_id=None)
    session.flush()
    session.expire_all()
    again = session.get(User, user.id)
    assert (again.totp_secret, again.totp_confirmed_at, again.totp_last_step) == (None, None, None)
    assert session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    assert not second_factor.use_recovery_code(again, codes[0], session=session)
    assert all(resolve(token, session=session, policy=SessionPolicy()) is None for token in tokens)
    reasons = session.scalars(select(UserSession.revoked_reason).where(UserSession.user_id == user.id)).all()
    assert reasons == ["second factor reset"] * 2
    [event] = events(session, "second_factor_reset")
    assert event.user_id == user.id
    assert second_factor.start_enrolment(again, session=session)  # enrols again at the next sign-in


def test_the_qr_code_is_an_inline_svg_that_names_no_remote_service(session):
    user = make_inspector(session, totp_secret=SECRET, totp_confirmed_at=utc_now())
    svg = second_factor.qr_svg(user)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert SECRET not in svg and user.email not in svg  # the secret is only in the drawn code
    assert "<image" not in svg and "href" not in svg
