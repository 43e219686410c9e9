"""The licensing authority at the console: a ministry person records licence decisions, with who and when; the
history lists the periods and who registered the agency; the next sweep judges contracts on the licence as it stood
on their dates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Finding, LicenceEvent, User
from tests.support.factories import make_contract, make_people


def decide(runner, agency_id, *extra, by="insp@gov.example"):
    return runner.invoke(args=["licences", "decide", str(agency_id), *extra, "--by", by, "--yes"])


def test_an_inspector_suspends_and_reinstates_and_the_sweep_judges_the_departure_day(runner, app, session):
    contract = make_contract(session, deployed=True)  # signed 2026-02-10, departed 2026-03-01
    make_people(session)
    session.commit()
    suspended = decide(runner, contract.agency_id, "--decision", "suspended", "--on", "2026-02-20",
                       "--reason", "fees charged to workers", "--legal-basis", "FEA s.43")  # fmt: skip
    assert suspended.exit_code == 0, suspended.output
    assert "licence NP-LIC-0001: suspended from 2026-02-20 (status suspended), recorded by insp@gov.example" in (
        suspended.output
    )
    reinstated = decide(runner, contract.agency_id, "--decision", "reinstated", "--on", "2026-04-01",
                        "--reason", "fees refunded")  # fmt: skip
    assert reinstated.exit_code == 0, reinstated.output
    history = runner.invoke(args=["licences", "history", str(contract.agency_id)])
    assert history.exit_code == 0, history.output
    lines = history.output.splitlines()
    assert lines[1].startswith("registered on ") and lines[1].endswith(" by not recorded"), "the factory's agency"
    assert lines[2:5] == [
        "  2024-01-01 to 2026-02-19     issued      active, valid to 2027-12-31: registered in recruitment_watch",
        "  2026-02-20 to 2026-03-31     suspended   suspended: fees charged to workers [FEA s.43]",
        "  2026-04-01 to date           reinstated  active, valid to 2027-12-31: fees refunded",
    ]
    with unit_of_work(get_engine(app)) as check:
        inspector = check.scalar(select(User.id).where(User.email == "insp@gov.example"))
        recorded = check.scalars(select(LicenceEvent.recorded_by_user_id).where(LicenceEvent.decision != "issued"))
        assert recorded.all() == [inspector, inspector]
    assert runner.invoke(args=["checks", "run", "--full"]).exit_code == 0
    with unit_of_work(get_engine(app)) as check:
        deployed = check.scalars(select(Finding.message).where(Finding.criterion_id == "AGY-013")).all()
    assert deployed == ["Worker deployed on 2026-03-01, when the agency's licence was suspended."]


def test_only_the_ministry_decides_and_bad_decisions_are_refused_before_asking(runner, session):
    contract = make_contract(session)
    make_people(session)
    session.commit()
    agency_staff = decide(runner, contract.agency_id, "--decision", "renewed", "--on", "2026-06-01", "--reason",
                          "renewing ourselves", by="staff@everest.example")  # fmt: skip
    assert (
        agency_staff.exit_code == 2 and "only a ministry inspector or admin decides on licences" in agency_staff.output
    )
    suspension_with_end = decide(runner, contract.agency_id, "--decision", "suspended", "--on", "2026-06-01",
                                 "--reason", "fees", "--valid-to", "2026-09-01")  # fmt: skip
    assert suspension_with_end.exit_code == 2
    assert "a 'suspended' licence stays so until the next decision" in suspension_with_end.output
    unknown = decide(runner, 999999, "--decision", "cancelled", "--on", "2026-06-01", "--reason", "fraud")
    assert unknown.exit_code == 2 and "agency 999999 does not exist" in unknown.output
    stranger = decide(runner, contract.agency_id, "--decision", "cancelled", "--on", "2026-06-01", "--reason",
                      "fraud", by="nobody@example.org")  # fmt: skip
    assert stranger.exit_code == 2 and "no user with e-mail nobody@example.org" in stranger.output
    asked = ["licences", "decide", str(contract.agency_id), "--decision", "cancelled", "--on", "2026-06-01",
             "--reason", "fraud", "--by", "insp@gov.example"]  # fmt: skip
    aborted = runner.invoke(args=asked, input="n\n")
    assert aborted.exit_code == 1
    with unit_of_work(get_engine(runner.app)) as check:
        assert check.scalars(select(LicenceEvent.decision)).all() == ["issued"]
        assert date(2027, 12, 31) in check.scalars(select(LicenceEvent.valid_to)).all()
