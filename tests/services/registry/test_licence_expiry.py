"""Licence expiry transitions, run as ``jobs run licence-expiry`` on a frozen clock.

The licence in these tests is valid until 2026-12-31 (its last valid day): warnings at 60, 30 and 7 days before,
and the status turns ``expired`` on 2027-01-01 with a licence event.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Agency, LicenceEvent, Notification
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access import users
from recruitment_watch.services.registry import agencies
from tests.support.factories import agency_input


@pytest.fixture()
def agency(app):
    """An agency whose licence ends on 2026-12-31, with one user; and a head inspector."""
    with unit_of_work(get_engine(app)) as session:
        org = users.ensure_organisation("Everest Manpower", OrganisationKind.agency, "NP", session=session)
        staff = users.create_user("owner@everest.example", "Everest Owner", Role.agency, "pw-123456789",
                                  organisation=org, session=session)  # fmt: skip
        ministry = users.ensure_organisation("Ministry", OrganisationKind.ministry, "NP", session=session)
        head = users.create_user("head@ministry.example", "Head Inspector", Role.inspector, "pw-123456789",
                                 organisation=ministry, session=session)  # fmt: skip
        registered = agencies.register_agency(
            agency_input(licence_valid_to=date(2026, 12, 31)), actor=None, session=session, organisation_id=org.id
        )
        return {"id": registered.id, "user": staff.id, "head": head.id}


def run_on(runner, day: str) -> str:
    with time_machine.travel(datetime.fromisoformat(day).replace(hour=0, minute=15, tzinfo=UTC), tick=False):
        result = runner.invoke(args=["jobs", "run", "licence-expiry"])
    assert result.exit_code == 0, result.output
    return result.output


def notices(app, user_id: int) -> list[tuple[str, str]]:
    with unit_of_work(get_engine(app)) as session:
        rows = session.scalars(select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))
        return [(row.kind, row.message) for row in rows]


def test_warnings_at_60_30_and_7_days_each_sent_once(app, runner, agency):
    assert "licences near expiry: 0" in run_on(runner, "2026-10-31")  # 61 days left
    assert "licences near expiry: 1 (warnings sent: 1)" in run_on(runner, "2026-11-01")  # 60 days
    assert "(warnings sent: 0)" in run_on(runner, "2026-11-15")  # still the 60-day stage
    run_on(runner, "2026-12-01")  # 30 days
    run_on(runner, "2026-12-24")  # 7 days
    run_on(runner, "2026-12-31")  # last valid day: still valid
    sent = notices(app, agency["user"])
    assert [kind for kind, _ in sent] == ["licence_expiring"] * 3
    assert sent[0][1] == (
        "Licence NP-LIC-0001 (NP) of Everest Manpower Agency is valid until 2026-12-31: 60 days left. "
        "Apply to Department of Foreign Employment for renewal; recruiting after that day breaks the licence rules."
    )
    assert ["30 days left" in sent[1][1], "7 days left" in sent[2][1]] == [True, True]
    with unit_of_work(get_engine(app)) as session:
        assert session.get(Agency, agency["id"]).status == "active"


def test_a_scheduler_down_across_two_thresholds_sends_only_the_nearer_warning(app, runner, agency):
    run_on(runner, "2026-12-26")  # 5 days left; the 60- and 30-day runs never happened
    [(kind, message)] = notices(app, agency["user"])
    assert kind == "licence_expiring" and "5 days left" in message


def test_the_licence_turns_expired_the_day_after_its_last_valid_day_with_a_licence_event(app, runner, agency):
    out = run_on(runner, "2027-01-01")
    assert "expired: 1" in out
    with unit_of_work(get_engine(app)) as session:
        assert session.get(Agency, agency["id"]).status == "expired"
        event = session.scalars(
            select(LicenceEvent).where(LicenceEvent.agency_id == agency["id"]).order_by(LicenceEvent.id.desc())
        ).first()
        assert (event.status, event.decided_on) == ("expired", date(2027, 1, 1))
        assert event.reason == "licence validity ended on 2026-12-31 and no renewal was recorded"
    expected = (
        "licence_expired",
        "Licence NP-LIC-0001 (NP) of Everest Manpower Agency expired: it was valid until 2026-12-31. "
        "The agency may not recruit or deploy until it is renewed.",
    )
    assert notices(app, agency["user"]) == [expected]
    assert notices(app, agency["head"]) == [expected]
    assert "expired: 0" in run_on(runner, "2027-01-02")  # expired once; nothing more


def test_a_renewal_rearms_the_warnings_for_the_new_validity(app, runner, agency):
    run_on(runner, "2026-12-24")
    with unit_of_work(get_engine(app)) as session:
        agencies.record_licence_event(
            agency["id"],
            {"status": "renewed", "reason": "renewed for two years", "decided_on": date(2026, 12, 28),
             "valid_to": date(2028, 12, 31)},
            session=session,
        )  # fmt: skip
    assert "expired: 0" in run_on(runner, "2027-01-01")
    run_on(runner, "2028-11-01")
    messages = [message for _, message in notices(app, agency["user"])]
    assert len(messages) == 2 and "valid until 2028-12-31: 60 days left" in messages[1]


def test_suspended_or_banned_agencies_are_not_expired_over_their_sanction(app, runner, agency):
    with unit_of_work(get_engine(app)) as session:
        agencies.record_licence_event(
            agency["id"], {"status": "suspended", "reason": "fees charged", "decided_on": date(2026, 6, 1)},
            session=session,
        )  # fmt: skip
    assert "licences near expiry: 0 (warnings sent: 0), expired: 0" in run_on(runner, "2027-01-05")
    with unit_of_work(get_engine(app)) as session:
        assert session.get(Agency, agency["id"]).status == "suspended"


@pytest.mark.parametrize("days_left", [60, 30, 7])
def test_each_warning_is_sent_on_its_threshold_day_not_a_day_before(app, runner, agency, days_left):
    """One day either side of every configured threshold (60, 30, 7 days before the last valid day)."""
    from datetime import timedelta

    last_valid = date(2026, 12, 31)
    day_before = (last_valid - timedelta(days=days_left + 1)).isoformat()
    on_the_day = (last_valid - timedelta(days=days_left)).isoformat()
    day_after = (last_valid - timedelta(days=days_left - 1)).isoformat()
    previous = {60: None, 30: 60, 7: 30}[days_left]
    if previous is not None:  # the earlier warning is out already, as it would be
        run_on(runner, (last_valid - timedelta(days=previous)).isoformat())
    already = len(notices(app, agency["user"]))
    run_on(runner, day_before)
    assert len(notices(app, agency["user"])) == already, f"a warning {days_left + 1} days before"
    run_on(runner, on_the_day)
    sent = notices(app, agency["user"])
    assert len(sent) == already + 1 and f"{days_left} days left" in sent[-1][1]
    run_on(runner, day_after)
    assert len(notices(app, agency["user"])) == already + 1  # once per threshold
