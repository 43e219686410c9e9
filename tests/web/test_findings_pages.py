"""The findings pages as people use them: an inspector filters, pages, exports and works the queue (verify, dismiss
after confirming, assign); an agency reads only its own findings and answers with text and a file, which the
inspector then reads. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Finding, FindingAttachment
from recruitment_watch.services.casework import finding_queue
from tests.web.conftest import csrf_token, post_form, signed_in, text_of

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
SERIAL = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def add(app, agency_id, **fields) -> int:
    """A finding of ``agency_id`` (open, medium, about the agency itself unless told otherwise); returns its id."""
    number = next(SERIAL)
    values = {"criterion_id": "FEE-001", "pack_id": "ilo-fair-recruitment", "pack_version": "1.0.0",
              "pack_digest": "d" * 64, "subject_type": "agency", "subject_id": agency_id, "agency_id": agency_id,
              "severity": "medium", "message": f"Finding number {number}", "citation": "ILO GPOG 7",
              "first_seen_at": NOW - timedelta(minutes=number), "last_seen_at": NOW, **fields}  # fmt: skip
    finding = Finding(**values)
    if finding.status in ("open", "agency_responded"):
        finding.open_key = f"{finding.criterion_id}|{finding.subject_type}|{finding.subject_id}|{number}"
    with unit_of_work(get_engine(app)) as session:
        session.add(finding)
        session.flush()
        return finding.id


def fetch(app, finding_id: int) -> Finding:
    with unit_of_work(get_engine(app)) as session:
        found = session.get(Finding, finding_id)
        session.expunge(found)
        return found


def shown_ids(response) -> list[int]:
    return [int(found) for found in re.findall(r'href="/findings/(\d+)"', response.get_data(as_text=True))]


@pytest.fixture()
def findings(app, world):
    a, b = world.agency_a.agency_id, world.agency_b.agency_id
    return {
        "a_high": add(app, a, severity="high", due_on=date(2026, 6, 1)),
        "a_low": add(app, a, severity="low", criterion_id="FEE-002"),
        "a_complaint": add(app, a, subject_type="complaint", subject_id=7, message="Worker says fees were taken"),
        "b_high": add(app, b, severity="high", message="Agency B kept the passports"),
    }


def test_the_inspector_filters_the_queue_and_an_agency_sees_only_its_own(app, people, findings):
    inspector = signed_in(app, people.inspector)
    everything = shown_ids(inspector.get("/findings"))
    assert sorted(everything) == sorted(findings.values())
    high = sorted([findings["a_high"], findings["b_high"]])
    assert sorted(shown_ids(inspector.get("/findings?severity=high"))) == high
    assert shown_ids(inspector.get("/findings?criterion=FEE-002")) == [findings["a_low"]]
    assert shown_ids(inspector.get("/findings?status=dismissed")) == []
    page = text_of(inspector.get("/findings?severity=high"))
    assert "Agency B kept the passports" in page and "Everest Manpower" in page

    agency_a = signed_in(app, people.agency_a)
    own = agency_a.get("/findings")
    assert sorted(shown_ids(own)) == sorted([findings["a_high"], findings["a_low"]])
    body = text_of(own)
    assert "Agency B kept the passports" not in body and "Worker says fees were taken" not in body
    assert 'name="findings"' not in own.get_data(as_text=True)  # no bulk actions for an agency
    assert agency_a.get(f"/findings/{findings['b_high']}").status_code == 404
    assert agency_a.get(f"/findings/{findings['a_complaint']}").status_code == 404
    detail = agency_a.get(f"/findings/{findings['a_high']}")
    assert detail.status_code == 200 and "Act by" in text_of(detail)
    assert '<time datetime="2026-06-01">' in detail.get_data(as_text=True)
    assert signed_in(app, people.agency_b).get(f"/findings/{findings['a_high']}").status_code == 404
    assert signed_in(app, people.ngo_a).get("/findings").status_code == 404


def test_the_next_and_previous_links_page_through_every_finding(app, people, world):
    made = [add(app, world.agency_a.agency_id) for _ in range(55)]
    inspector = signed_in(app, people.inspector)
    first = inspector.get("/findings")
    seen = shown_ids(first)
    assert len(seen) == 50 and 'rel="prev"' not in first.get_data(as_text=True)
    following = re.search(r'rel="next" href="([^"]+)"', first.get_data(as_text=True)).group(1).replace("&amp;", "&")
    second = inspector.get(following)
    assert len(shown_ids(second)) == 5 and 'rel="next"' not in second.get_data(as_text=True)
    assert sorted(seen + shown_ids(second)) == sorted(made)
    back = re.search(r'rel="prev" href="([^"]+)"', second.get_data(as_text=True)).group(1).replace("&amp;", "&")
    assert shown_ids(inspector.get(back)) == seen


def test_bulk_verify_dismiss_after_confirming_and_assign_change_only_the_ticked(app, people, world, findings):
    inspector = signed_in(app, people.inspector)
    token = csrf_token(inspector.get("/findings").get_data(as_text=True))
    answer = inspector.post("/findings/bulk", data={"csrf_token": token, "action": "verify", "assignee": "0",
                                                    "findings": [findings["a_high"]], "next": "/findings"})  # fmt: skip
    assert answer.status_code == 302
    assert fetch(app, findings["a_high"]).status == "verified_remediated"
    assert fetch(app, findings["a_low"]).status == "open"

    asked = inspector.post("/findings/bulk", data={"csrf_token": token, "action": "dismiss", "assignee": "0",
                                                   "reason": "Duplicate of an older finding",
                                                   "findings": [findings["a_low"]]})  # fmt: skip
    assert "Dismiss 1 finding?" in text_of(asked) and "Duplicate of an older finding" in text_of(asked)
    assert fetch(app, findings["a_low"]).status == "open"  # nothing happens before the confirmation
    confirmed = inspector.post("/findings/bulk", data={"csrf_token": csrf_token(asked.get_data(as_text=True)),
                                                       "action": "dismiss", "assignee": "0", "confirmed": "1",
                                                       "reason": "Duplicate of an older finding",
                                                       "findings": [findings["a_low"]]},
                               follow_redirects=True)  # fmt: skip
    assert "1 finding changed." in text_of(confirmed)
    dismissed = fetch(app, findings["a_low"])
    assert (dismissed.status, dismissed.dismissed_reason) == ("dismissed", "Duplicate of an older finding")

    inspector.post("/findings/bulk", data={"csrf_token": token, "action": "assign", "assignee": people.inspector.id,
                                           "findings": [findings["b_high"]]})  # fmt: skip
    assert fetch(app, findings["b_high"]).assigned_to_user_id == people.inspector.id
    assert fetch(app, findings["a_complaint"]).assigned_to_user_id is None
    assert shown_ids(inspector.get(f"/findings?assignee={people.inspector.id}")) == [findings["b_high"]]

    refused = inspector.post("/findings/bulk", data={"csrf_token": token, "action": "verify", "assignee": "0",
                                                     "findings": [findings["a_low"]]},
                             follow_redirects=True)  # fmt: skip
    assert "already closed" in text_of(refused) and fetch(app, findings["a_low"]).status == "dismissed"

    agency = signed_in(app, people.agency_a)
    token = csrf_token(agency.get("/account").get_data(as_text=True))
    barred = agency.post("/findings/bulk", data={"csrf_token": token, "action": "verify", "assignee": "0",
                                                 "findings": [findings["a_complaint"]]})  # fmt: skip
    assert barred.status_code == 404 and fetch(app, findings["a_complaint"]).status == "open"


def test_an_agency_answers_with_a_file_and_the_inspector_reads_it(app, people, findings):
    agency = signed_in(app, people.agency_a)
    page = f"/findings/{findings['a_high']}"
    answer = post_form(agency, f"{page}/respond", {"text": "We refunded the fee; the receipt is attached.",
                                                   "evidence": (io.BytesIO(PDF), "refund.pdf")},
                       page=page, content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "Your response was sent to the ministry." in text_of(answer)
    assert fetch(app, findings["a_high"]).status == "agency_responded"

    inspector = signed_in(app, people.inspector)
    detail = inspector.get(page)
    shown = text_of(detail)
    assert "We refunded the fee; the receipt is attached." in shown and "refund.pdf" in shown
    link = re.search(r'href="(/findings/\d+/files/\d+)"', detail.get_data(as_text=True)).group(1)
    download = inspector.get(link)
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    assert signed_in(app, people.agency_b).get(link).status_code == 404

    refused = post_form(agency, f"/findings/{findings['a_low']}/respond",
                        {"text": "Here is a program", "evidence": (io.BytesIO(b"MZ\x90\x00binary"), "fix.exe")},
                        page=f"/findings/{findings['a_low']}", content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 400 and "is not a photo" in text_of(refused)
    with unit_of_work(get_engine(app)) as session:
        stored = session.scalars(select(FindingAttachment).where(FindingAttachment.finding_id == findings["a_low"]))
        assert stored.all() == []
    assert fetch(app, findings["a_low"]).status == "open"


def test_the_exports_hold_the_filtered_rows_and_neutralise_formulas(app, people, world, findings):
    hostile = add(app, world.agency_a.agency_id, severity="critical", message="=cmd|' /C calc'!A0")
    inspector = signed_in(app, people.inspector)
    csv_text = exported(inspector, "/findings?severity=critical&format=csv").decode("utf-8")
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("id,pack,criterion") and len(lines) == 2
    assert lines[1].startswith(f"{hostile},") and "'=cmd" in lines[1]
    workbook = load_workbook(io.BytesIO(exported(inspector, "/findings?severity=high&format=xlsx")))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == sorted([findings["a_high"], findings["b_high"]])
    agency_csv = exported(signed_in(app, people.agency_b), "/findings?format=csv").decode("utf-8")
    assert "=cmd" not in agency_csv and str(findings["b_high"]) in agency_csv
    assert len(agency_csv.lstrip("\ufeff").splitlines()) == 2


def test_an_export_longer_than_a_page_streams_every_filtered_row_in_the_readers_scope(app, people, world, monkeypatch):
    monkeypatch.setattr(finding_queue, "EXPORT_BATCH", 20)  # several keyset batches behind one streamed export
    a, b = world.agency_a.agency_id, world.agency_b.agency_id
    wanted = [add(app, a, criterion_id="FEE-009") for _ in range(60)]
    hostile = add(app, a, criterion_id="FEE-009", message='\t=HYPERLINK("http://evil.example")')
    add(app, a, criterion_id="FEE-001")  # another criterion: the filter leaves it out
    other_agency = add(app, b, criterion_id="FEE-009")  # agency B's: outside agency A's scope
    agency_csv = exported(signed_in(app, people.agency_a), "/findings?criterion=FEE-009&format=csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(agency_csv.lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "pack", "criterion"]
    assert sorted(int(row[0]) for row in rows[1:]) == sorted([*wanted, hostile])
    assert {row[2] for row in rows[1:]} == {"FEE-009"}
    assert [row[11] for row in rows if row[0] == str(hostile)] == ['\'\t=HYPERLINK("http://evil.example")']
    inspector_xlsx = exported(signed_in(app, people.inspector), "/findings?criterion=FEE-009&format=xlsx")
    sheet = list(load_workbook(io.BytesIO(inspector_xlsx)).active.iter_rows(values_only=True))
    assert sorted(row[0] for row in sheet[1:]) == sorted([*wanted, hostile, other_agency])
    assert [row[11] for row in sheet if row[0] == hostile] == ['\'\t=HYPERLINK("http://evil.example")']


def exported(client, url: str) -> bytes:
    """A streamed export's bytes; the response is closed, as a server closes it (ending the request's session)."""
    response = client.get(url)
    try:
        assert response.is_streamed and "attachment" in response.headers["Content-Disposition"]
        return response.get_data()
    finally:
        response.close()
