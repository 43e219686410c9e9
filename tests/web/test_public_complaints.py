"""Anonymous complaints on the web: the form (agency search without JavaScript), the receipt shown once, following
the case with reference and code, replying with files — and nothing that identifies the device stored anywhere."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PIL import Image
from sqlalchemy import inspect, select, text

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Complaint, ComplaintAttachment, ComplaintContact, ComplaintEvent
from recruitment_watch.rate_limits import limiter
from recruitment_watch.web.evidence_files import evidence_store
from tests.web.conftest import csrf_token, text_of

ADDRESS = "203.0.113.77"
DEVICE = "PhoneBrowser/9.9 (unique-device-marker)"
SUMMARY = "The agent took 150000 rupees and my passport is kept by the company."


@pytest.fixture()
def visitor(app, world):  # noqa: ARG001  (world: the register's agencies)
    limiter.reset()
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": DEVICE})
    return client


def _jpeg_with_location() -> bytes:
    image = Image.new("RGB", (32, 24), "green")
    exif = Image.Exif()
    exif[0x8825] = {2: (27.0, 42.0, 0.0), 1: "N"}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _form(client, path="/complaints/new"):
    return csrf_token(client.get(path).get_data(as_text=True))


def file_complaint(client, **overrides):
    data = {
        "csrf_token": _form(client), "filed_by": "worker", "agency_search": "", "agency_id": "",
        "respondent_name": "Some Agent", "what_happened": ["paid_fees", "passport_taken"],
        "incident_date": "2026-10-02",
        "incident_place": "Doha", "origin_country": "NP", "destination_country": "QA", "summary": SUMMARY,
        "contact": "", "website": "", **overrides,
    }  # fmt: skip
    return client.post("/complaints/new", data=data, content_type="multipart/form-data")


def receipt_of(response) -> tuple[str, str]:
    page = text_of(response)
    reference = re.search(r"\bC-[0-9A-F]{10}\b", page).group(0)
    code = re.search(r"(\d{4} \d{4} \d{4} \d{4} \d{4})", page).group(1)
    return reference, code


def test_the_agency_search_shows_the_register_matches_as_choices_without_javascript(visitor):
    token = _form(visitor)
    page = visitor.post("/complaints/new", data={"csrf_token": token, "agency_search": "everest", "find_agency": "1",
                                                 "summary": "kept as typed"})  # fmt: skip
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Everest Manpower — NP-LIC-0001 (NP)" in text_of(page)
    assert "Himal Manpower" not in html
    assert 'type="radio"' in html and "kept as typed" in html
    assert "<script" not in html


def test_an_anonymous_complaint_gets_a_receipt_and_stores_nothing_about_the_device(app, visitor, world):
    response = file_complaint(visitor, agency_id=str(world.agency_a.agency_id), contact="+977 98000 11111",
                              evidence=(io.BytesIO(_jpeg_with_location()), "photo.jpg"))  # fmt: skip
    assert response.status_code == 201, text_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    reference, code = receipt_of(response)
    assert "shown only this once" in text_of(response)
    with unit_of_work(get_engine(app)) as session:
        complaint = session.scalar(select(Complaint).where(Complaint.reference == reference))
        assert complaint.filed_by == "worker" and complaint.respondent_agency_id == world.agency_a.agency_id
        assert complaint.categories == ",fees,passport_retention,"
        assert complaint.fl_indicators == ",retention_of_identity_documents,"
        assert complaint.severity == "high" and complaint.origin_country == "NP"
        assert complaint.ack_due_at is not None and complaint.resolve_due_at is not None  # the clocks run at once
        assert code.replace(" ", "") not in complaint.receipt_hash and len(complaint.receipt_hash) == 64
        assert session.get(ComplaintContact, complaint.id).contact == "+977 98000 11111"
        attachment = session.scalars(select(ComplaintAttachment)).one()
        assert attachment.filename == "photo.jpg" and attachment.content_type == "image/jpeg"
        # Every text column of every table: neither the address nor the device's user agent.
        dump = []
        for table in inspect(session.bind).get_table_names():
            dump.extend(str(row) for row in session.execute(text(f'SELECT * FROM "{table}"')).all())
    everything = "\n".join(dump)
    assert ADDRESS not in everything and "unique-device-marker" not in everything
    with app.test_request_context():
        saved = evidence_store().path_of(attachment.storage_key).read_bytes()
    assert b"Exif" not in saved[:200] and Image.open(io.BytesIO(saved)).size == (32, 24)


def test_following_a_complaint_needs_the_right_code_and_never_shows_internal_notes(app, visitor):
    reference, code = receipt_of(file_complaint(visitor))
    with unit_of_work(get_engine(app)) as session:
        complaint = session.scalar(select(Complaint).where(Complaint.reference == reference))
        session.add(ComplaintEvent(complaint_id=complaint.id, kind="note", internal=True, body="Suspect the agent X."))
        session.add(ComplaintEvent(complaint_id=complaint.id, kind="message_out", body="Please send the receipt."))
    wrong = visitor.post("/complaints/status", data={"csrf_token": _form(visitor, "/complaints/status"),
                                                     "reference": reference, "receipt_code": "1" * 20})  # fmt: skip
    unknown = visitor.post("/complaints/status", data={"csrf_token": _form(visitor, "/complaints/status"),
                                                       "reference": "C-0000000000", "receipt_code": code})  # fmt: skip
    assert wrong.status_code == unknown.status_code == 403
    generic = "The reference and receipt code do not match a complaint."
    assert generic in text_of(wrong) and generic in text_of(unknown)
    assert SUMMARY not in text_of(wrong)
    urdu_digits = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    token = _form(visitor, "/complaints/status")
    page = visitor.post("/complaints/status", data={"csrf_token": token, "reference": reference.lower(),
                                                    "receipt_code": urdu_digits})  # fmt: skip
    shown = text_of(page)
    assert page.status_code == 200 and "received" in shown
    assert "Please send the receipt." in shown and SUMMARY in shown
    assert "Suspect the agent" not in page.get_data(as_text=True)
    assert "should answer you by" in shown


def test_the_complainant_replies_with_a_file_and_a_disguised_file_is_refused(app, visitor):
    reference, code = receipt_of(file_complaint(visitor))
    case = visitor.post("/complaints/status", data={"csrf_token": _form(visitor, "/complaints/status"),
                                                    "reference": reference, "receipt_code": code})  # fmt: skip
    token = csrf_token(case.get_data(as_text=True))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    sent = visitor.post("/complaints/status/reply", content_type="multipart/form-data", data={
        "csrf_token": token, "reference": reference, "receipt_code": code, "message": "Here is the receipt.",
        "evidence": (io.BytesIO(pdf), "receipt.pdf")})  # fmt: skip
    assert sent.status_code == 200 and "Your message was sent" in text_of(sent)
    assert "Here is the receipt." in text_of(sent) and "receipt.pdf" in text_of(sent)
    refused = visitor.post("/complaints/status/reply", content_type="multipart/form-data", data={
        "csrf_token": token, "reference": reference, "receipt_code": code, "message": "and this",
        "evidence": (io.BytesIO(b"MZ\x90\x00executable"), "photo.jpg")})  # fmt: skip
    assert refused.status_code == 400 and "photo.jpg" in text_of(refused)
    traversal = visitor.post("/complaints/status/reply", content_type="multipart/form-data", data={
        "csrf_token": token, "reference": reference, "receipt_code": code, "message": "and that",
        "evidence": (io.BytesIO(pdf), "../../etc/passwd.pdf")})  # fmt: skip
    assert traversal.status_code == 400 and "is not accepted: rename the file" in text_of(traversal)
    with unit_of_work(get_engine(app)) as session:
        complaint = session.scalar(select(Complaint).where(Complaint.reference == reference))
        bodies = session.scalars(select(ComplaintEvent.body).where(ComplaintEvent.complaint_id == complaint.id)).all()
        assert "Here is the receipt." in bodies and "and this" not in bodies
        assert [a.filename for a in session.scalars(select(ComplaintAttachment)).all()] == ["receipt.pdf"]
        complaint.status = "closed"
    closed = visitor.post("/complaints/status/reply", data={"csrf_token": token, "reference": reference,
                                                           "receipt_code": code, "message": "one more"})  # fmt: skip
    assert closed.status_code == 400 and "This case is closed" in text_of(closed)


def test_wrong_codes_are_rate_limited(app, visitor):
    app.config["COMPLAINT_STATUS_RATE_LIMIT"] = "3 per 15 minutes"
    token = _form(visitor, "/complaints/status")
    wrong = {"csrf_token": token, "reference": "C-0000000000", "receipt_code": "2" * 20}
    answers = [visitor.post("/complaints/status", data=wrong).status_code for _ in range(4)]
    assert answers == [403, 403, 403, 429]


@pytest.mark.parametrize(("choice", "ack_hours", "resolve_hours"), [
    ("hurt_or_threatened", 24, 48),  # critical: violence (complaint-sla CMP-001/CMP-002 by category)
    ("passport_taken", 48, 720),  # high, passport retention
    ("paid_fees", 120, 720),  # medium
])
def test_the_sla_clocks_start_at_filing_by_category_on_a_frozen_clock(app, visitor, choice, ack_hours, resolve_hours):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        reference, _code = receipt_of(file_complaint(visitor, what_happened=[choice]))
    with unit_of_work(get_engine(app)) as session:
        complaint = session.scalar(select(Complaint).where(Complaint.reference == reference))
        received = complaint.received_at.replace(tzinfo=None)
        assert received == datetime(2026, 11, 2, 9, 0)
        assert complaint.ack_due_at.replace(tzinfo=None) - received == timedelta(hours=ack_hours)
        assert complaint.resolve_due_at.replace(tzinfo=None) - received == timedelta(hours=resolve_hours)


def test_a_relative_records_that_the_worker_agrees(app, visitor):
    reference, _code = receipt_of(file_complaint(visitor, filed_by="family", worker_agrees="y"))
    with unit_of_work(get_engine(app)) as session:
        complaint = session.scalar(select(Complaint).where(Complaint.reference == reference))
        assert complaint.filed_by == "family" and complaint.consent_recorded
        assert complaint.consent_method == "electronic" and complaint.consent_at is not None


def test_the_spam_trap_and_a_missing_choice_store_nothing(app, visitor):
    trapped = file_complaint(visitor, website="http://spam.example")
    assert trapped.status_code == 400 and "could not be accepted" in text_of(trapped)
    missing = file_complaint(visitor, what_happened=[])
    assert missing.status_code == 400 and "Choose at least one." in text_of(missing)
    assert 'aria-invalid="true"' in missing.get_data(as_text=True) or "what_happened-error" in missing.get_data(
        as_text=True
    )
    with unit_of_work(get_engine(app)) as session:
        assert session.scalars(select(Complaint)).all() == []


def test_the_form_page_is_light_and_in_urdu_right_to_left(visitor):
    visitor.post("/language", data={"csrf_token": _form(visitor), "language": "ur", "next": "/complaints/new"})
    page = visitor.get("/complaints/new")
    html = page.get_data(as_text=True)
    assert 'lang="ur" dir="rtl"' in html
    assert len(page.data) < 150_000
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
