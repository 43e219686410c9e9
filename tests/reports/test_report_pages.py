"""Reports on the web, at the console and from the scheduler: asking for one, its progress, the download, the public
verification page, and the scope (an agency reaches its own agency's reports only)."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime

from sqlalchemy import func, select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.jobs.catalogue import JobContext, ministry_report
from recruitment_watch.models import Report
from recruitment_watch.reports import run
from tests.api.conftest import world  # noqa: F401  (the organisations: agencies A and B, NGOs, the ministry)
from tests.web.conftest import csrf_token, people, post_form, signed_in, text_of  # noqa: F401

READY = "The report is ready."


def _follow_until_done(client, location: str, seconds: float = 120) -> str:
    """The progress page, reloaded as the browser would (Refresh header) until the worker has finished."""
    deadline = time.monotonic() + seconds
    while True:
        page = client.get(location)
        assert page.status_code == 200
        if "Refresh" not in page.headers or time.monotonic() > deadline:
            return text_of(page)
        time.sleep(0.5)


def _reports(app) -> int:
    with unit_of_work(get_engine(app)) as session:
        return session.scalar(select(func.count()).select_from(Report))


def test_an_agency_makes_its_own_report_downloads_it_and_anyone_verifies_it(app, people, world):  # noqa: F811
    client = signed_in(app, people.agency_a)
    form = text_of(client.get("/reports"))
    assert "Make a report" in form and "Ministry period report" not in form  # agencies make their own report only
    asked = post_form(client, "/reports", {"kind": "agency", "licence_no": "NP-LIC-0001", "language": "en"})
    assert asked.status_code == 303
    location = asked.headers["Location"]
    public_id = location.rsplit("/", 1)[1]
    assert re.fullmatch(r"R-\d{4}-\d{6}", public_id)
    page = _follow_until_done(client, location)
    assert READY in page and public_id in page
    download = client.get(f"/reports/{public_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == f"attachment; filename={public_id}.pdf"
    pdf = download.get_data()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() in page
    assert public_id in text_of(client.get("/reports"))

    other = signed_in(app, people.agency_b)
    assert other.get(location).status_code == 404
    assert other.get(f"/reports/{public_id}/download").status_code == 404
    assert public_id not in text_of(other.get("/reports"))

    token = re.search(r"/reports/verify/([\w-]+)", page).group(1)
    anyone = app.test_client()
    shown = text_of(anyone.get(f"/reports/verify/{token}"))
    assert public_id in shown and "Agency compliance report" in shown and hashlib.sha256(pdf).hexdigest() in shown
    upload_page = anyone.get(f"/reports/verify/{token}").get_data(as_text=True)
    checked = anyone.post(f"/reports/verify/{token}", data={"csrf_token": csrf_token(upload_page),
                                                            "pdf": (_file(pdf), "mine.pdf")})  # fmt: skip
    assert "The file matches" in text_of(checked)
    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    refused = anyone.post(f"/reports/verify/{token}", data={"csrf_token": csrf_token(upload_page),
                                                            "pdf": (_file(bytes(changed)), "mine.pdf")})  # fmt: skip
    assert "Unknown file" in text_of(refused) and "The file matches" not in text_of(refused)
    unknown = anyone.get("/reports/verify/no-such-token")
    assert unknown.status_code == 404 and "This verification link is unknown" in text_of(unknown)
    _settled()


def _settled(seconds: float = 30) -> None:
    """The render process has answered every report: nothing is left to write before the database is wiped."""
    deadline = time.monotonic() + seconds
    while run.pending() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert run.pending() == 0


def _file(data: bytes):
    import io

    return io.BytesIO(data)


def test_an_agency_cannot_ask_for_another_agencys_report_and_an_ngo_has_no_reports(app, people, world):  # noqa: F811
    client = signed_in(app, people.agency_b)
    refused = post_form(client, "/reports", {"kind": "agency", "licence_no": "NP-LIC-0001", "language": "en"})
    assert refused.status_code == 400
    assert "There is no agency with licence number NP-LIC-0001." in text_of(refused)
    ministry_only = post_form(client, "/reports", {"kind": "ministry", "period_start": "2026-10-01",
                                                   "period_end": "2026-10-31", "language": "en"})  # fmt: skip
    assert ministry_only.status_code == 400 and _reports(app) == 0
    assert signed_in(app, people.ngo_a).get("/reports").status_code == 404


def test_the_console_writes_the_report_and_prints_its_hash_and_link(app, runner, world, tmp_path):  # noqa: F811
    out = tmp_path / "everest.pdf"
    result = runner.invoke(args=["report", "agency", "NP-LIC-0001", "--out", str(out), "--lang", "ne"])
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert f"sha256 {digest}" in result.output
    assert re.search(r"report R-\d{4}-\d{6} written to", result.output)
    assert "/reports/verify/" in result.output
    refused = runner.invoke(args=["report", "agency", "NO-SUCH", "--out", str(tmp_path / "x.pdf")])
    assert refused.exit_code == 2 and "There is no agency with licence number NO-SUCH." in refused.output


def test_the_monthly_job_stores_last_months_ministry_report(app, world):  # noqa: F811
    context = JobContext(engine=get_engine(app), config=app.config, clock=lambda: datetime(2026, 12, 1, 4, tzinfo=UTC))
    result = ministry_report(context)
    assert "ministry report R-" in result.detail and "2026-11-01–2026-11-30" in result.detail
    with unit_of_work(get_engine(app)) as session:
        report = session.scalar(select(Report))
        assert (report.kind, report.status, report.requested_via) == ("ministry", "done", "job")
        assert report.sha256 in result.detail and report.size_bytes > 1000
