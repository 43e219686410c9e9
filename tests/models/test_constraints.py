"""The database itself refuses rows that break the rules (CHECK, FOREIGN KEY, UNIQUE), on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from recruitment_watch.models import (
    Complaint,
    ComplaintEvent,
    Contract,
    ContractVersion,
    Employer,
    FeePayment,
    Finding,
    JobRun,
    Worker,
)
from tests.support.factories import count_rows, make_agency, make_contract, make_employer, make_worker


def refused(session, statement) -> str:
    """Run ``statement`` in a savepoint and return the database's error text; fail if it was accepted."""
    with pytest.raises(IntegrityError) as caught, session.begin_nested():
        session.execute(statement)
    return str(caught.value.orig).lower()


def fee_row(worker_id: int, agency_id: int, **overrides):
    return {
        "worker_id": worker_id, "agency_id": agency_id, "payee_type": "agency", "category": "medical",
        "amount_minor": 500, "currency": "NPR", "amount_usd_minor": 4, "paid_on": date(2026, 1, 5),
        "method": "cash", "created_at": datetime.now(UTC), "updated_at": datetime.now(UTC), **overrides,
    }  # fmt: skip


def test_check_constraints_refuse_bad_amounts_and_vocabulary(session):
    agency = make_agency(session)
    worker = make_worker(session)
    assert "check" in refused(session, insert(FeePayment).values(**fee_row(worker.id, agency.id, amount_minor=-1)))
    assert "check" in refused(session, insert(FeePayment).values(**fee_row(worker.id, agency.id, category="tip")))
    assert "check" in refused(session, insert(FeePayment).values(**fee_row(worker.id, agency.id, currency="RS")))
    assert "check" in refused(
        session, insert(FeePayment).values(**fee_row(worker.id, agency.id, loan_taken=False, loan_interest_bp=900))
    )
    session.execute(insert(FeePayment).values(**fee_row(worker.id, agency.id)))
    assert count_rows(session, FeePayment) == 1


def test_check_constraints_on_contract_versions(session):
    contract = make_contract(session)
    good = session.scalars(
        select(ContractVersion).where(ContractVersion.contract_id == contract.id, ContractVersion.seq == 1)
    ).one()
    row = {column: getattr(good, column) for column in ContractVersion.model_fields if column != "id"}
    assert "check" in refused(session, insert(ContractVersion).values(**{**row, "seq": 9, "hours_per_day": 25}))
    assert "check" in refused(session, insert(ContractVersion).values(**{**row, "seq": 9, "kind": "draft"}))
    assert "check" in refused(session, insert(ContractVersion).values(**{**row, "seq": 9, "content_sha256": "abc"}))
    assert "unique" in refused(session, insert(ContractVersion).values(**row))  # same (contract, seq)


def test_foreign_keys_are_enforced(session):
    employer = make_employer(session)
    worker = make_worker(session)
    now = datetime.now(UTC)
    message = refused(
        session,
        insert(Contract).values(
            reference="X-1",
            agency_id=999_999,
            employer_id=employer.id,
            worker_id=worker.id,
            origin_country="NP",
            destination_country="QA",
            sector="construction",
            deployed=False,
            created_at=now,
            updated_at=now,
        ),  # fmt: skip
    )
    assert "foreign key" in message


def test_unique_keys(session):
    make_agency(session)
    now = datetime.now(UTC)
    slot = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    session.execute(insert(JobRun).values(job_id="sweep", scheduled_for=slot, runner="a", status="running",
                                          started_at=now))  # fmt: skip
    assert "unique" in refused(
        session,
        insert(JobRun).values(job_id="sweep", scheduled_for=slot, runner="b", status="running", started_at=now),
    )
    session.execute(insert(Employer).values(name="A", registration_no="QA-CR-9", country="QA", sector="x",
                                            watchlisted=False, created_at=now, updated_at=now))  # fmt: skip
    assert "unique" in refused(
        session,
        insert(Employer).values(
            name="B",
            registration_no="QA-CR-9",
            country="QA",
            sector="x",
            watchlisted=False,
            created_at=now,
            updated_at=now,
        ),
    )


def test_one_open_finding_per_criterion_and_subject(session):
    def finding(status: str, open_key: str | None, **extra):
        return insert(Finding).values(
            criterion_id="FEE-001", pack_id="ilo-recruitment-fees", pack_version="1.0.0", pack_digest="d" * 64,
            subject_type="fee_payment", subject_id=7, severity="high", message="m", citation="c", evidence={},
            status=status, open_key=open_key, first_seen_at=datetime.now(UTC), last_seen_at=datetime.now(UTC),
            updated_at=datetime.now(UTC), **extra,
        )  # fmt: skip

    key = "FEE-001|fee_payment|7"
    session.execute(finding("open", key))
    assert "unique" in refused(session, finding("open", key))
    assert "check" in refused(session, finding("open", None))  # an open finding must carry its key
    assert "check" in refused(session, finding("dismissed", None))  # dismissal needs a reason
    session.execute(finding("auto_resolved", None))
    session.execute(finding("auto_resolved", None))  # closed findings may repeat
    assert count_rows(session, Finding) == 3


def test_complaint_rules(session):
    now = datetime.now(UTC)
    base = {"reference": "C-1", "filed_by": "ngo", "consent_recorded": False, "categories": ",fees,",
            "severity": "high", "language": "ne", "summary": "s", "status": "received", "received_at": now,
            "fl_indicators": "", "created_at": now, "updated_at": now}  # fmt: skip
    assert "check" in refused(session, insert(Complaint).values(**base))  # NGO filing without consent
    session.execute(insert(Complaint).values(**{**base, "consent_recorded": True}))
    complaint_id = session.scalar(select(Complaint.id))
    assert "check" in refused(
        session,
        insert(ComplaintEvent).values(
            complaint_id=complaint_id, kind="note", internal=False, body="x", created_at=now
        ),  # fmt: skip
    )


def test_worker_vocabulary(session):
    now = datetime.now(UTC)
    statement = insert(Worker).values(
        reference="W-X",
        nationality="NP",
        sex="unknown",
        languages="",
        domestic_worker=False,
        passport_held_by="worker",
        pdo_completed=False,
        skills_certified=False,
        insured=False,
        created_at=now,
        updated_at=now,
    )
    assert "check" in refused(session, statement)
