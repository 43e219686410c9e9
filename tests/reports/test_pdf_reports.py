"""The PDFs themselves: their figures equal the database, fonts are embedded and cover every character, PDF/A is
declared, every page carries the footer, right-to-left and Bengali pages render, and case files redact."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Agency, Complaint, Contract, FeePayment, Finding, Report, WorkerIdentity
from recruitment_watch.reports import store
from recruitment_watch.reports.builders.common import amount
from recruitment_watch.reports.produce import ISSUER, build_data, template_arguments
from recruitment_watch.reports.render import report_html
from tests.reports.conftest import PERIOD

pytestmark = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils (scripts/system-packages.sh)")

FONTS = Path("/usr/share/fonts/truetype/noto")
# The families reports.css names per language, in order (the last ones hold digits, Latin and arrows).
CHAIN = {
    "en": ("NotoSans-Regular", "NotoSansMath-Regular"),
    "ur": ("NotoNastaliqUrdu-Regular", "NotoSans-Regular", "NotoSansMath-Regular"),
    "bn": ("NotoSansBengali-Regular", "NotoSans-Regular", "NotoSansMath-Regular"),
}
SCRIPT_FONT = {"ur": "NotoNastaliqUrdu", "bn": "NotoSansBengali"}


def _text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def _flat(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(_text(path)))


def _fonts(path: Path) -> list[list[str]]:
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in listing.splitlines()[2:] if line.strip()]


def test_agency_report_figures_equal_the_database(rendered):
    report = rendered.reports["agency_en"]
    with unit_of_work(get_engine(rendered.app)) as session:
        agency = session.get(Agency, rendered.agency_id)
        contracts = session.scalar(select(func.count()).select_from(Contract).where(Contract.agency_id == agency.id))
        findings = session.scalar(select(func.count()).select_from(Finding).where(Finding.agency_id == agency.id))
        open_findings = session.scalar(select(func.count()).select_from(Finding).where(
            Finding.agency_id == agency.id, Finding.status.in_(["open", "agency_responded"])))  # fmt: skip
        paid = session.scalar(select(func.sum(FeePayment.amount_usd_minor)).where(
            FeePayment.agency_id == agency.id, FeePayment.category != "government_fee_official"))  # fmt: skip
        name = agency.name
    text = _flat(rendered.pdf("agency_en"))
    assert findings > 0 and contracts > 0
    assert report.public_id in text and name in text and rendered.licence_no in text
    assert f"Contracts: {contracts:,}" in text
    assert f"Findings: {findings:,} · still open: {open_findings:,}" in text
    assert f"Recruitment costs paid by workers: {amount(int(paid or 0))}" in text


def test_ministry_report_figures_equal_the_database(rendered):
    start, end = PERIOD
    since, until = datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(days=1), time(), UTC)
    with unit_of_work(get_engine(rendered.app)) as session:
        contracts = session.scalar(select(func.count()).select_from(Contract).where(
            Contract.created_at >= since, Contract.created_at < until))  # fmt: skip
        received = session.scalar(select(func.count()).select_from(Complaint).where(
            Complaint.received_at >= since, Complaint.received_at < until))  # fmt: skip
    text = _flat(rendered.pdf("ministry_en"))
    assert f"Contracts recorded in the period: {contracts:,}" in text
    assert f"Complaints received in the period: {received:,}" in text
    assert f"{start.isoformat()} – {end.isoformat()}" in text


def test_every_page_carries_the_footer_and_the_metadata_names_the_report(rendered):
    for name in ("agency_en", "ministry_en"):
        report, path = rendered.reports[name], rendered.pdf(name)
        pages = _text(path)
        assert len(pages) >= 2, name
        for number, page in enumerate(pages, start=1):
            assert f"{report.public_id} · generated {report.generated_at:%Y-%m-%d %H:%M} UTC" in page
            assert f"page {number} of {len(pages)}" in page
        reader = PdfReader(path)
        assert report.public_id in reader.metadata.title
        assert reader.metadata.author == ISSUER
        assert reader.trailer["/Root"]["/Lang"] == "en"


def test_reports_declare_pdf_a_3b_in_their_xmp_metadata(rendered):
    for name in ("agency_en", "agency_ur", "case_other"):
        xmp = PdfReader(rendered.pdf(name)).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        assert re.search(r"pdfaid:part[^0-9]{1,3}3", xmp), name
        assert re.search(r"pdfaid:conformance[^A-Z]{1,3}B", xmp), name


def test_fonts_are_embedded_and_none_is_type_3(rendered):
    for name in ("agency_en", "agency_ur", "agency_bn", "ministry_en"):
        fonts = _fonts(rendered.pdf(name))
        assert fonts, name
        for row in fonts:
            assert "Type" not in row or row[row.index("Type") + 1] != "3", (name, row)
            assert row[-5] == "yes", (name, row)  # emb column
    assert rendered.warnings == []


@pytest.mark.parametrize("language", ["ur", "bn"])
def test_urdu_and_bengali_reports_render_every_character_in_the_named_fonts(rendered, language):
    """Every character of the page is in the fonts reports.css names for the language, and only those fonts are
    embedded: nothing fell back to another font or to a missing-glyph box."""
    name = f"agency_{language}"
    embedded = {_family(row[0]) for row in _fonts(rendered.pdf(name))}
    assert SCRIPT_FONT[language] in embedded
    assert embedded <= {_family(font) for font in CHAIN[language]}
    cmaps = [TTFont(FONTS / f"{font}.ttf").getBestCmap() for font in CHAIN[language]]
    text = _page_characters(rendered, name)
    missing = sorted(ch for ch in text if not any(ord(ch) in cmap for cmap in cmaps))
    assert missing == []
    png = _first_page_png(rendered.pdf(name), language)
    with Image.open(png) as image:
        ink = image.convert("L").point(lambda value: 255 if value < 128 else 0).histogram()[255]
    assert ink > 2000  # a page of text, not a blank one


def _family(font: str) -> str:
    """``ABCDEF+Noto-Sans-Bold`` (pdffonts) or ``NotoSans-Regular`` (a file) → ``NotoSans``."""
    bare = re.sub(r"^[A-Z]{6}\+", "", font).replace("-", "")
    return re.sub(r"(Regular|Bold)$", "", bare)


def _page_characters(rendered, name: str) -> set[str]:
    """The characters the report's HTML puts on the page (markup, styles and bidi controls left out)."""
    with rendered.app.app_context(), unit_of_work(get_engine(rendered.app)) as session:
        report = session.get(Report, rendered.reports[name].id)
        data = build_data(report, session=session, config=rendered.app.config)
        stamp, extra = template_arguments(report, data, rendered.app.config)
        page = report_html(report.kind, data, stamp, author=ISSUER, extra=extra)
    page = re.sub(r"<(style|title)\b.*?</\1>", " ", page, flags=re.S)
    visible = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return {ch for ch in visible if not ch.isspace() and ch not in "\u200e\u200f\u2066\u2067\u2068\u2069"}


def _first_page_png(path: Path, language: str) -> Path:
    target = path.with_name(f"page-{language}")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(target)], check=True)
    return next(path.parent.glob(f"page-{language}*.png"))


def test_the_case_file_shows_the_worker_only_to_the_assigned_inspector(rendered):
    with unit_of_work(get_engine(rendered.app)) as session:
        complaint = session.scalar(select(Complaint).where(Complaint.reference == rendered.complaint_reference))
        person = session.get(WorkerIdentity, complaint.worker_id)
        name, passport = person.full_name, person.passport_no
    for_assignee = _flat(rendered.pdf("case_assignee"))
    for_other = _flat(rendered.pdf("case_other"))
    assert rendered.complaint_reference in for_assignee and rendered.complaint_reference in for_other
    assert name in for_assignee and passport in for_assignee
    assert name not in for_other and passport not in for_other
    assert "Redacted: only the inspector the case is assigned to" in for_other


def test_a_report_verifies_and_a_one_byte_change_does_not(rendered):
    report = rendered.reports["agency_en"]
    data = rendered.pdf("agency_en").read_bytes()
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    with unit_of_work(get_engine(rendered.app)) as session:
        found = store.report_by_token(report.verification_token, session=session)
        assert found is not None and found.public_id == report.public_id
        assert store.file_matches(found, data)
        assert not store.file_matches(found, bytes(changed))
        assert store.report_by_token("no-such-token", session=session) is None
