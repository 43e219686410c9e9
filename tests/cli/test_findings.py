"""An inspector works findings at the console: verify and dismiss go through the same service as the web queue's bulk
actions (scope, state and reason checked), and a refusal changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from recruitment_watch.models import Finding
from tests.support.factories import make_agency, make_people

SEEN = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def add(session, agency_id: int, number: int) -> Finding:
    finding = Finding(criterion_id="FEE-001", pack_id="ilo-fair-recruitment", pack_version="1.0.0",
                      pack_digest="d" * 64, subject_type="agency", subject_id=agency_id, agency_id=agency_id,
                      severity="high", message="fees charged", citation="ILO GPOG 7", first_seen_at=SEEN,
                      last_seen_at=SEEN, open_key=f"FEE-001|agency|{agency_id}|{number}")  # fmt: skip
    session.add(finding)
    session.flush()
    return finding


def test_an_inspector_verifies_and_dismisses_findings_and_an_agency_person_cannot(runner, app, session):
    agency = make_agency(session)
    make_people(session)
    one, two, three = (add(session, agency.id, number) for number in range(3))
    session.commit()
    verified = runner.invoke(args=["findings", "verify", str(one.id), "--by", "insp@gov.example"])
    assert verified.exit_code == 0 and "1 finding(s) verified as remedied" in verified.output, verified.output
    dismissed = runner.invoke(args=["findings", "dismiss", str(two.id), "--by", "insp@gov.example",
                                    "--reason", "recorded against the wrong agency", "--yes"])  # fmt: skip
    assert dismissed.exit_code == 0 and "1 finding(s) dismissed" in dismissed.output, dismissed.output
    again = runner.invoke(args=["findings", "verify", str(one.id), str(three.id), "--by", "insp@gov.example"])
    assert again.exit_code == 2 and "already closed" in again.output
    barred = runner.invoke(args=["findings", "verify", str(three.id), "--by", "staff@everest.example"])
    assert barred.exit_code == 2
    session.expire_all()
    statuses = [session.get(Finding, finding.id) for finding in (one, two, three)]
    assert [(f.status, f.dismissed_reason) for f in statuses] == [
        ("verified_remediated", None), ("dismissed", "recorded against the wrong agency"), ("open", None)]
