"""The inspectors' case pages used as an inspector would: the queue with its filters (SLA state on a frozen clock),
its CSV and bulk assignment; a case's messages and internal notes (never reaching the complainant or the NGO), the
complainant's identity shown to the assigned inspector only, an internal working file and its download, merging a
duplicate, closing with an outcome. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PIL import Image
from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Complaint, ComplaintAttachment, ComplaintContact, Worker, WorkerIdentity
from recruitment_watch.services.casework.complaints import visible_events
from tests.web.conftest import post_form, signed_in, text_of

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def add(app, reference: str, **fields) -> int:
    values = {"reference": reference, "filed_by": "worker", "categories": ",fees,", "severity": "medium",
              "language": "ne", "summary": f"Complaint {reference}: paid 150,000 rupees.",
              "received_at": NOW - timedelta(days=3), **fields}  # fmt: skip
    with unit_of_work(get_engine(app)) as session:
        complaint = Complaint(**values)
        session.add(complaint)
        session.flush()
        return complaint.id


def complaint(app, complaint_id: int) -> Complaint:
    with unit_of_work(get_engine(app)) as session:
        found = session.get(Complaint, complaint_id)
        session.expunge(found)
        return found


def queue_references(response) -> list[str]:
    return re.findall(r'<a href="/cases/(C-[A-Z0-9-]+)"><bdi>', response.get_data(as_text=True))


@pytest.fixture()
def queue(app, world):
    """An overdue case against agency A, one due within a day (NP → QA), one on track, one closed."""
    return {
        "late": add(app, "C-LATE", ack_due_at=NOW - timedelta(hours=1), respondent_agency_id=world.agency_a.agency_id,
                    categories=",passport_retention,", severity="critical"),
        "soon": add(app, "C-SOON", ack_due_at=NOW + timedelta(hours=5), origin_country="NP", destination_country="QA"),
        "fine": add(app, "C-FINE", ack_due_at=NOW + timedelta(days=4)),
        "done": add(app, "C-DONE", status="closed", resolved_at=NOW - timedelta(days=1)),
    }  # fmt: skip


def test_the_queue_filters_by_service_level_on_a_frozen_clock_and_downloads_as_csv(app, people, world, queue):
    with time_machine.travel(NOW, tick=False):
        inspector = signed_in(app, people.inspector)  # signed in on the frozen clock (sessions expire when idle)
        everything = inspector.get("/cases")
        assert queue_references(everything) == ["C-DONE", "C-FINE", "C-SOON", "C-LATE"]  # newest first
        assert queue_references(inspector.get("/cases?sla=overdue")) == ["C-LATE"]
        assert queue_references(inspector.get("/cases?sla=due_soon")) == ["C-SOON"]
        assert queue_references(inspector.get("/cases?sla=on_track")) == ["C-FINE"]
        assert queue_references(inspector.get(f"/cases?agency={world.agency_a.agency_id}&severity=critical")) == [
            "C-LATE"]  # fmt: skip
        assert queue_references(inspector.get("/cases?origin=NP&destination=QA")) == ["C-SOON"]
        assert queue_references(inspector.get("/cases?category=passport_retention")) == ["C-LATE"]
        late_row = text_of(inspector.get("/cases?sla=overdue"))
        assert "passport kept" in late_row and "overdue" in late_row and "Everest Manpower" in late_row
        download = inspector.get("/cases?sla=overdue&format=csv")
    assert download.headers["Content-Disposition"] == 'attachment; filename="cases.csv"'
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:6] == ["reference", "received_at", "categories", "severity", "status", "sla_state"]
    assert [(row[0], row[5], row[7]) for row in rows[1:]] == [("C-LATE", "overdue", "Everest Manpower")]

    with time_machine.travel(NOW + timedelta(hours=6), tick=False):  # six hours on, the due-soon case is overdue
        inspector = signed_in(app, people.inspector)
        assert queue_references(inspector.get("/cases?sla=overdue")) == ["C-SOON", "C-LATE"]


def test_bulk_assignment_from_the_queue(app, people, queue):
    inspector = signed_in(app, people.inspector)
    answer = post_form(inspector, "/cases/assign", {"assignee": people.inspector.id,
                                                    "cases": [queue["late"], queue["soon"]], "next": "/cases?sla="},
                       page="/cases")  # fmt: skip
    assert answer.status_code == 302 and answer.headers["Location"] == "/cases?sla="
    assert complaint(app, queue["late"]).assignee_user_id == people.inspector.id
    assert complaint(app, queue["soon"]).assignee_user_id == people.inspector.id
    assert complaint(app, queue["fine"]).assignee_user_id is None
    page = inspector.get(f"/cases?assignee={people.inspector.id}")
    assert queue_references(page) == ["C-SOON", "C-LATE"] and "2 cases assigned." in text_of(page)
    assert queue_references(inspector.get("/cases?assignee=unassigned")) == ["C-DONE", "C-FINE"]

    refused = post_form(inspector, "/cases/assign", {"assignee": people.agency_a.id, "cases": [queue["fine"]]},
                        page="/cases", follow_redirects=True)  # fmt: skip
    assert "Choose whom to assign the cases to." in text_of(refused)  # an agency person is not offered
    assert complaint(app, queue["fine"]).assignee_user_id is None


def test_notes_stay_internal_never_shown_to_the_complainant_or_the_filing_ngo(app, client, people, world):
    body = {"consent_recorded": True, "categories": ["fees"], "language": "ne", "summary": "Paid 150,000 rupees."}
    filed = client.post("/api/v1/complaints", headers=world.ngo.headers, json=body).get_json()
    inspector = signed_in(app, people.inspector)
    case = f"/cases/{filed['reference']}"
    post_form(inspector, f"{case}/message", {"text": "We have opened your case."}, page=case)
    post_form(inspector, f"{case}/note", {"text": "The owner threatened the family of the worker."}, page=case)
    page = text_of(inspector.get(case))
    assert "Note · internal" in page and "The owner threatened the family of the worker." in page
    assert "Message to the complainant" in page and "We have opened your case." in page

    seen_by_ngo = client.get(f"/api/v1/complaints/{filed['id']}", headers=world.ngo.headers).get_json()
    bodies = [message["body"] for message in seen_by_ngo["messages"]]
    assert bodies == ["Paid 150,000 rupees.", "We have opened your case."]
    assert "threatened" not in str(seen_by_ngo)
    with unit_of_work(get_engine(app)) as session:
        assert "threatened" not in str([e.body for e in visible_events(session, filed["id"])])
    for outsider in (people.ngo_a, people.agency_a):
        assert signed_in(app, outsider).get(case).status_code == 404


def test_the_complainants_contact_and_identity_are_shown_only_to_the_assigned_inspector(app, people):
    with unit_of_work(get_engine(app)) as session:
        worker = Worker(reference="W-PRIV", nationality="NP")
        session.add(worker)
        session.flush()
        session.add(WorkerIdentity(worker_id=worker.id, full_name="Maya Gurung", passport_no="PA9876543",
                                   phone="+977 98000 11111"))  # fmt: skip
        worker_id = worker.id
    complaint_id = add(app, "C-PRIV", worker_id=worker_id, assignee_user_id=people.inspector.id)
    with unit_of_work(get_engine(app)) as session:
        session.add(ComplaintContact(complaint_id=complaint_id, contact="maya@example.net"))
    private = ("maya@example.net", "Maya Gurung", "PA9876543", "+977 98000 11111")

    assigned = text_of(signed_in(app, people.inspector).get("/cases/C-PRIV"))
    assert all(detail in assigned for detail in private)
    colleague = text_of(signed_in(app, people.admin).get("/cases/C-PRIV"))
    assert not any(detail in colleague for detail in private)
    assert "Only the inspector the case is assigned to sees who the complainant is" in colleague
    assert "W-PRIV" in colleague  # the pseudonymous worker reference is not identifying


def png_with_location() -> bytes:
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (27.0, 42.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif)
    return out.getvalue()


def test_a_working_file_is_internal_and_downloads_only_as_an_attachment_for_staff(app, people):
    add(app, "C-FILE")
    inspector = signed_in(app, people.inspector)
    answer = post_form(inspector, "/cases/C-FILE/files", {"files": (io.BytesIO(png_with_location()), "scan.png")},
                       page="/cases/C-FILE", content_type="multipart/form-data")  # fmt: skip
    assert answer.status_code == 302
    with unit_of_work(get_engine(app)) as session:
        stored = session.scalars(select(ComplaintAttachment)).one()
        assert (stored.filename, stored.content_type, stored.internal) == ("scan.png", "image/png", True)
        attachment_id, digest = stored.id, stored.sha256
    page = inspector.get("/cases/C-FILE")
    assert "File scan.png" in text_of(page) and "internal" in text_of(page)

    download = inspector.get(f"/cases/C-FILE/files/{attachment_id}")
    assert download.status_code == 200 and download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment;") and "scan.png" in download.headers[
        "Content-Disposition"]  # fmt: skip
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(download.data).hexdigest() == digest and b"GPS" not in download.data
    assert inspector.get(f"/cases/C-FILE/files/{attachment_id + 1}").status_code == 404
    for outsider in (people.ngo_a, people.agency_a, people.agency_b):
        refused = signed_in(app, outsider).get(f"/cases/C-FILE/files/{attachment_id}")
        assert refused.status_code == 404 and refused.data != download.data

    disguised = post_form(inspector, "/cases/C-FILE/files", {"files": (io.BytesIO(b"MZ\x90\x00 program"), "a.pdf")},
                          page="/cases/C-FILE", content_type="multipart/form-data")  # fmt: skip
    assert disguised.status_code == 400 and "“a.pdf” is not a photo" in text_of(disguised)


def test_merging_a_listed_duplicate_needs_the_confirmation(app, people, world):
    first = add(app, "C-ONE", respondent_agency_id=world.agency_a.agency_id, categories=",fees,")
    second = add(app, "C-TWO", respondent_agency_id=world.agency_a.agency_id, categories=",fees,deception,",
                 received_at=NOW - timedelta(days=10))  # fmt: skip
    inspector = signed_in(app, people.inspector)
    page = text_of(inspector.get("/cases/C-TWO"))
    assert "Possible duplicates" in page and "C-ONE" in page

    unconfirmed = post_form(inspector, "/cases/C-TWO/merge", {"target": first}, page="/cases/C-TWO")
    assert unconfirmed.status_code == 400 and "Tick the box to confirm the merge." in text_of(unconfirmed)
    assert complaint(app, second).duplicate_of_id is None

    post_form(inspector, "/cases/C-TWO/merge", {"target": first, "confirm": "y"}, page="/cases/C-TWO")
    assert complaint(app, second).duplicate_of_id == first
    merged = text_of(inspector.get("/cases/C-TWO"))
    assert "Duplicate of C-ONE" in merged and "Merged into C-ONE as a duplicate." in merged
    assert "C-TWO was merged into this case as a duplicate." in text_of(inspector.get("/cases/C-ONE"))


def test_closing_checks_the_outcome_a_referral_names_its_authority(app, people):
    complaint_id = add(app, "C-SHUT")
    inspector = signed_in(app, people.inspector)
    refused = post_form(inspector, "/cases/C-SHUT/close", {"outcome": "referred", "currency": ""}, page="/cases/C-SHUT")
    assert refused.status_code == 400
    assert "Say which authority the case was referred to." in text_of(refused)
    assert 'aria-describedby="referred_to-error"' in refused.get_data(as_text=True)
    assert complaint(app, complaint_id).status == "received"

    decision = {
        "outcome": "referred",
        "referred_to": "Qatar Labour Court",
        "amount_recovered": "20000",
        "currency": "NPR",
        "closing_note": "Referred with the file.",
    }
    post_form(inspector, "/cases/C-SHUT/close", decision, page="/cases/C-SHUT")
    closed = complaint(app, complaint_id)
    assert (closed.status, closed.outcome, closed.referred_to, closed.amount_recovered_minor) == (
        "referred", "referred", "Qatar Labour Court", 2_000_000)  # fmt: skip
    page = text_of(inspector.get("/cases/C-SHUT"))
    assert "Outcome referred to another authority · Qatar Labour Court" in page
    assert "Recovered for the worker 20,000.00 NPR" in page
    assert "Status changed from received to referred" in page
