"""The NGO portal: filing for a worker with consent recorded and the worker's identity protected, following the
organisation's own complaints only, answering with files, and exporting the list as CSV and Excel."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Complaint, ComplaintEvent, Worker, WorkerIdentity
from tests.web.conftest import csrf_token, signed_in, text_of

SUMMARY = "The agency charged NPR 150,000 and the employer kept her passport."


def file_for_worker(client, **overrides):
    token = csrf_token(client.get("/ngo/complaints/new").get_data(as_text=True))
    data = {
        "csrf_token": token, "consent_method": "thumbprint", "consent_at": "2026-11-20T10:30",
        "worker_name": "Sunita Tamang", "worker_passport_no": "PA1234567", "worker_phone": "+977 9800000001",
        "language": "ne", "agency_search": "", "agency_id": "", "respondent_name": "", "categories": ["fees",
        "passport_retention"], "severity": "high", "incident_date": "2026-09-01", "incident_place": "Kathmandu",
        "origin_country": "NP", "destination_country": "QA", "summary": SUMMARY, **overrides,
    }  # fmt: skip
    return client.post("/ngo/complaints/new", data=data, content_type="multipart/form-data")


def test_an_ngo_files_for_a_worker_with_consent_and_the_identity_stays_protected(app, people, world):
    ngo = signed_in(app, people.ngo_a)
    search = ngo.post("/ngo/complaints/new", data={
        "csrf_token": csrf_token(ngo.get("/ngo/complaints/new").get_data(as_text=True)),
        "agency_search": "NP-LIC-0002", "find_agency": "1"})  # fmt: skip
    assert "Himal Manpower — NP-LIC-0002 (NP)" in text_of(search)
    filed = file_for_worker(ngo, agency_id=str(world.agency_b.agency_id),
                            evidence=(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "receipt.pdf"))  # fmt: skip
    assert filed.status_code == 302, text_of(filed)
    page = ngo.get(filed.headers["Location"])
    shown = text_of(page)
    reference = re.search(r"C-[0-9A-F]{10}", shown).group(0)
    assert "Himal Manpower" in shown and "received" in shown and "receipt.pdf" in shown
    assert "Sunita" not in shown and "PA1234567" not in shown  # only the assigned inspector sees who she is
    with unit_of_work(get_engine(app)) as session:
        complaint = session.scalar(select(Complaint).where(Complaint.reference == reference))
        assert complaint.filed_by == "ngo" and complaint.consent_method == "thumbprint"
        assert complaint.consent_at.replace(tzinfo=None).isoformat() == "2026-11-20T10:30:00"
        assert complaint.filing_organisation_id == people.ngo_a.organisation_id
        assert complaint.categories == ",fees,passport_retention," and complaint.ack_due_at is not None
        identity = session.get(WorkerIdentity, complaint.worker_id)
        assert identity.full_name == "Sunita Tamang" and identity.passport_no == "PA1234567"
        assert session.get(Worker, complaint.worker_id).nationality == "NP"
        assert "Sunita" not in complaint.summary


def test_consent_is_required_and_a_refused_filing_stores_nothing(app, people, world):  # noqa: ARG001
    ngo = signed_in(app, people.ngo_a)
    refused = file_for_worker(ngo, consent_method="")
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    future = file_for_worker(ngo, consent_at="2099-01-01T00:00")
    assert future.status_code == 400 and "The consent cannot be dated in the future." in text_of(future)
    with unit_of_work(get_engine(app)) as session:
        assert session.scalars(select(Complaint)).all() == []
        assert session.scalars(select(WorkerIdentity)).all() == []


def test_an_ngo_sees_only_its_own_complaints_never_internal_notes_and_exports_them(app, people, world):  # noqa: ARG001
    ngo_a, ngo_b = signed_in(app, people.ngo_a), signed_in(app, people.ngo_b)
    location = file_for_worker(ngo_a).headers["Location"]
    reference = location.rsplit("/", 1)[1]
    with unit_of_work(get_engine(app)) as session:
        complaint = session.scalar(select(Complaint).where(Complaint.reference == reference))
        session.add(ComplaintEvent(complaint_id=complaint.id, kind="note", internal=True, body="Agent has priors."))
        session.add(ComplaintEvent(complaint_id=complaint.id, kind="message_out", body="Which village is she from?"))
    assert ngo_b.get(location).status_code == 404
    assert reference not in ngo_b.get("/ngo/complaints").get_data(as_text=True)
    assert signed_in(app, people.agency_a).get("/ngo/complaints").status_code == 404
    case = ngo_a.get(location)
    assert "Which village is she from?" in text_of(case) and "Agent has priors" not in case.get_data(as_text=True)
    answer = ngo_a.post(location, data={"csrf_token": csrf_token(case.get_data(as_text=True)),
                                        "message": "From Sindhupalchok."})  # fmt: skip
    assert answer.status_code == 302 and "From Sindhupalchok." in text_of(ngo_a.get(location))
    listing = ngo_a.get("/ngo/complaints?status=received")
    assert reference in text_of(listing)
    csv_text = ngo_a.get("/ngo/complaints?format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].lstrip("\ufeff").startswith("reference,received_at,status")
    assert reference in csv_text and "Agent has priors" not in csv_text
    workbook = load_workbook(io.BytesIO(ngo_a.get("/ngo/complaints?format=xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("reference", "received_at", "status")
    assert rows[1][0] == reference and rows[1][2] == "received" and rows[1][4] == "fees passport_retention"
    assert len(rows) == 2
