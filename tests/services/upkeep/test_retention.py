"""Worker-data retention on a frozen clock, on SQLite and PostgreSQL: after the daily job nothing identifying a
worker is left in any text column of any table, their evidence files are gone from disk, the statistics (complaints
by category, status and outcome, amounts recovered, files and events counted) are unchanged, and cases inside their
period (a recent one, a passport-retention one with its longer period, one whose worker has another case open) are
untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import MetaData, func, select

from recruitment_watch.jobs.catalogue import JobContext, retention
from recruitment_watch.models import AuditEvent, Complaint, ComplaintAttachment, ComplaintEvent, Worker, WorkerIdentity
from recruitment_watch.models.vocab import OrganisationKind, Role, RunStatus
from recruitment_watch.services.access import users
from recruitment_watch.services.access.actor import actor_for_user
from recruitment_watch.services.casework import cases
from recruitment_watch.services.casework.attachments import attach
from recruitment_watch.services.casework.complaints import NgoComplaintInput, file_ngo_complaint
from recruitment_watch.services.casework.evidence import CleanFile, EvidenceStore
from recruitment_watch.services.casework.public_filing import PublicComplaintInput, file_public_complaint
from recruitment_watch.services.upkeep.retention import RetentionRules, run_retention

FILED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CLOSED = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
RUN = datetime(2028, 3, 1, 3, 0, tzinfo=UTC)  # 759 days after CLOSED: past 730, inside 1825
RAM = {"name": "Ram Bahadur Thapa", "passport": "PA7654321", "phone": "+977-9841-555123"}
SITA = {"name": "Sita Kumari Gurung", "contact": "sita.gurung@example.np / +977-9801-222333"}
KEPT = {"name": "Hari Prasad Shrestha", "passport": "PB1112223", "phone": "+977-9811-000111"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture()
def people(session):
    ministry = users.ensure_organisation("Ministry of Labour", OrganisationKind.ministry, "NP", session=session)
    ngo = users.ensure_organisation("Pourakhi", OrganisationKind.ngo, "NP", session=session)
    made = {"inspector": users.create_user("sita@gov.example", "Insp", Role.inspector, "pw", organisation=ministry,
                                           session=session),
            "ngo": users.create_user("ngo@pourakhi.example", "Nina", Role.ngo, "pw", organisation=ngo,
                                     session=session)}  # fmt: skip
    session.commit()
    return {name: actor_for_user(user.id, session=session) for name, user in made.items()}


def ngo_case(session, people, who: dict, *, categories=("fees",), named=True) -> Complaint:
    """An NGO files for the worker (``named``: with the worker's identity, kept apart in ``worker_identity``)."""
    identity = {"worker_name": who["name"], "worker_passport_no": who["passport"], "worker_phone": who["phone"]}
    data = NgoComplaintInput(
        consent_recorded=True,
        categories=list(categories),
        language="ne",
        origin_country="NP",
        summary=f"{who['name']} paid 150,000 rupees; passport {who['passport']}.",
        **(identity if named else {}),
    )
    complaint = file_ngo_complaint(people["ngo"], data, session=session)
    complaint.received_at = FILED
    return complaint


def public_case(session, who: dict, *, filed=FILED, files=()) -> Complaint:
    data = PublicComplaintInput(
        filed_by="worker",
        what_happened=["wages_unpaid"],
        language="ne",
        summary=f"I am {who['name']}; three months unpaid.",
        contact=who["contact"],
    )
    return file_public_complaint(data, session=session, files=list(files), now=filed).complaint


def work_and_close(session, people, complaint, who: dict, *, closed=CLOSED, amount="1500") -> None:
    inspector = people["inspector"]
    cases.add_message(inspector, complaint, f"Dear {who['name']}, we called {who.get('phone', '')}.", session=session)
    cases.add_note(inspector, complaint, f"{who['name']} confirmed by phone.", session=session)
    cases.close_case(inspector, complaint, cases.Decision("substantiated", amount_recovered=amount, currency="QAR",
                     closing_note=f"Refund paid to {who['name']}."), session=session, now=closed)  # fmt: skip


def statistics(session) -> dict:
    """What the reports count: complaints by category, status, outcome; money recovered; files and events by kind."""
    by = session.execute(select(Complaint.categories, Complaint.status, Complaint.outcome, Complaint.substantiated,
                                func.count(), func.sum(Complaint.amount_recovered_minor))
                         .group_by(Complaint.categories, Complaint.status, Complaint.outcome, Complaint.substantiated)
                         ).all()  # fmt: skip
    events = session.execute(select(ComplaintEvent.kind, func.count()).group_by(ComplaintEvent.kind)).all()
    files = session.execute(select(ComplaintAttachment.content_type, func.count(), func.sum(
        ComplaintAttachment.size_bytes)).group_by(ComplaintAttachment.content_type)).all()  # fmt: skip
    return {"complaints": sorted(map(tuple, by), key=str), "events": sorted(map(tuple, events)),
            "files": sorted(map(tuple, files)), "workers": session.scalar(select(func.count(Worker.id)))}  # fmt: skip


def text_dump(session) -> str:
    """Every value of every column of every table in the database (as it is, not as the models say), as text."""
    tables = MetaData()
    tables.reflect(bind=session.connection())
    return "\n".join(str(value) for _name, table in sorted(tables.tables.items())
                     for row in session.execute(select(table)) for value in row)  # fmt: skip


def identifying(who: dict) -> list[str]:
    values = [value for value in who.values() if value]
    return values + [value.split(" / ")[0] for value in values if " / " in value]


def test_the_daily_job_leaves_nothing_identifying_and_keeps_the_statistics(session, engine, people, tmp_path):
    store = EvidenceStore(tmp_path / "evidence")
    ram = ngo_case(session, people, RAM)
    scan = store.write(CleanFile(f"{RAM['name']} passport.pdf", "application/pdf", PDF))
    attach(session, ram, [scan], now=FILED)
    work_and_close(session, people, ram, RAM)
    sita = public_case(session, SITA, files=[store.write(CleanFile("payslip.pdf", "application/pdf", PDF))])
    work_and_close(session, people, sita, SITA, amount="")
    passport = ngo_case(session, people, KEPT, categories=("passport_retention",))
    work_and_close(session, people, passport, KEPT)
    recent = public_case(session, {"name": "Gita Rai", "contact": "gita@example.np"}, filed=RUN - timedelta(days=60))
    work_and_close(session, people, recent, {"name": "Gita Rai"}, closed=RUN - timedelta(days=10))
    session.commit()
    kept_file = store.write(CleanFile("kept.pdf", "application/pdf", PDF))
    with session.begin():
        attach(session, recent, [kept_file], now=RUN - timedelta(days=20))
    files = [store.path_of(scan.storage_key), *(store.path_of(row.storage_key) for row in session.scalars(
        select(ComplaintAttachment).where(ComplaintAttachment.complaint_id == sita.id)))]  # fmt: skip
    assert all(path.is_file() for path in files)
    before, dump_before = statistics(session), text_dump(session)
    assert all(value in dump_before for value in identifying(RAM) + identifying(SITA)), "the probe finds them before"
    session.close()

    config = {"RETENTION_CLOSED_DAYS": 730, "RETENTION_DAYS_BY_CATEGORY": {"passport_retention": 1825},
              "EVIDENCE_FOLDER": str(tmp_path / "evidence")}  # fmt: skip
    result = retention(JobContext(engine=engine, config=config, clock=lambda: RUN))

    assert result.status is RunStatus.succeeded
    assert result.detail == (
        "pseudonymised 2 complaint(s) and 1 worker(s): 1 contact(s), 6 text(s) removed, "
        "2 evidence file(s) deleted; 0 held while the worker has another open or recent case"
    )
    dump_after = text_dump(session)
    for value in identifying(RAM) + identifying(SITA):
        assert value not in dump_after, value
    assert not any(path.exists() for path in files)
    assert statistics(session) == before
    for untouched in (passport, recent):
        row = session.get(Complaint, untouched.id)
        assert row.pseudonymised_at is None and row.summary.startswith(("I am Gita Rai", KEPT["name"]))
    assert all(value in dump_after for value in identifying(KEPT) + ["Gita Rai", "gita@example.np"])
    assert store.path_of(kept_file.storage_key).is_file()
    gone = session.get(Complaint, ram.id)
    assert gone.pseudonymised_at == RUN and gone.summary == "" and gone.closing_note is None
    assert session.get(WorkerIdentity, gone.worker_id) is None
    assert session.get(Worker, gone.worker_id).pseudonymised_at == RUN

    trail = session.execute(select(AuditEvent.object_type, AuditEvent.after).where(AuditEvent.action == "retention"))
    assert [(kind, after["complaints"], after["files"]) for kind, after in trail] == [
        ("retention_run", sorted([ram.reference, sita.reference]), 2)
    ], "one summarising audit event for the run"

    again = retention(JobContext(engine=engine, config=config, clock=lambda: RUN + timedelta(days=1)))
    assert again.detail.startswith("pseudonymised 0 complaint(s)"), "a second run finds nothing left to do"


def test_a_case_is_held_while_its_worker_has_another_case_open_and_a_dry_run_changes_nothing(session, engine, people,
                                                                                             tmp_path):  # fmt: skip
    old = ngo_case(session, people, RAM)
    work_and_close(session, people, old, RAM)
    newer = ngo_case(session, people, RAM, named=False)
    newer.worker_id = old.worker_id
    session.commit()
    config = {"RETENTION_CLOSED_DAYS": 730, "EVIDENCE_FOLDER": str(tmp_path)}
    held = run_retention(engine, config, now=RUN)
    assert (held.tally.complaints, held.tally.held) == (0, 1)
    cases.close_case(people["inspector"], session.get(Complaint, newer.id), cases.Decision("withdrawn"),
                     session=session, now=CLOSED)  # fmt: skip
    session.commit()
    dump = text_dump(session)
    dry = run_retention(engine, config, now=RUN, dry_run=True)
    assert dry.summary().startswith("would pseudonymise 2 complaint(s) and 1 worker(s)")
    assert sorted(dry.references) == sorted([old.reference, newer.reference])
    assert text_dump(session) == dump
    session.rollback()  # end the reading transaction: the next dump sees what the run committed
    done = run_retention(engine, config, now=RUN)
    assert done.tally.complaints == 2 and RAM["passport"] not in text_dump(session)


def test_the_periods_come_from_the_configuration():
    rules = RetentionRules.from_config({"RETENTION_CLOSED_DAYS": 730,
                                        "RETENTION_DAYS_BY_CATEGORY": {"deception": 1825}})  # fmt: skip
    assert rules.period_for(",fees,deception,") == timedelta(days=1825), "the longest category wins"
    assert rules.period_for(",fees,") == rules.period_for("") == timedelta(days=730)
    with pytest.raises(ValueError, match="unknown categories fee"):
        RetentionRules.from_config({"RETENTION_DAYS_BY_CATEGORY": {"fee": 10}})


def test_the_command_says_what_it_would_do_then_does_it(runner, app, engine):
    from recruitment_watch.db import unit_of_work

    with unit_of_work(engine) as db:
        # Decided more than 730 days before the real clock the command reads.
        db.add(
            Complaint(
                reference="C-OLD",
                filed_by="worker",
                categories=",fees,",
                severity="medium",
                language="ne",
                summary="I am Ram Bahadur Thapa.",
                status="closed",
                received_at=datetime(2023, 1, 5, tzinfo=UTC),
                resolved_at=datetime(2023, 2, 1, tzinfo=UTC),
            )
        )
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "  would pseudonymise C-OLD" in dry.output and "would pseudonymise 1 complaint(s)" in dry.output
    done = runner.invoke(args=["retention", "run"])
    assert done.exit_code == 0, done.output
    assert "  pseudonymised C-OLD" in done.output
    with unit_of_work(engine) as db:
        assert db.scalar(select(Complaint.summary).where(Complaint.reference == "C-OLD")) == ""
