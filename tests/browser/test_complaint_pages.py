"""The pages a worker uses without an account, in a real browser on each backend.

A worker files a complaint and follows it in Urdu with JavaScript switched off, on a 360 px phone: the agency
search is a button, files attach, the receipt code is typed back in Urdu digits. Every public page passes axe-core
(no serious or critical violation) in English, Urdu and Arabic, fits 360 px, loads nothing from outside the app,
and weighs at most 150 KB.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from recruitment_watch.db import make_engine
from tests.browser.axe import AXE_JS, axe_violations, describe
from tests.browser.conftest import ACTION_TIMEOUT_MS, VIEWPORTS, PageLog, overflow_width, watch
from tests.browser.live_app import LiveApp
from tests.browser.signing_in import choose_language

PUBLIC_PAGES = ("/", "/complaints/new", "/complaints/status", "/verify", "/rights", "/rights/NP-QA")
MAX_PAGE_BYTES = 150_000
URDU_SUMMARY = "ایجنٹ نے ڈیڑھ لاکھ روپے لیے اور کمپنی نے میرا پاسپورٹ رکھ لیا۔"


def _one_agency(database_url: str) -> tuple[str, str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return tuple(connection.execute(text("SELECT name, licence_no FROM agency ORDER BY id LIMIT 1")).one())
    finally:
        engine.dispose()


def _stored(database_url: str, reference: str) -> tuple:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT language, summary, respondent_agency_id, (SELECT count(*) FROM complaint_event e WHERE "
                "e.complaint_id = c.id) FROM complaint c WHERE reference = :r"), {"r": reference}).one()  # fmt: skip
    finally:
        engine.dispose()


@pytest.fixture()
def phone_without_javascript(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, **VIEWPORTS["phone"])
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield watch(context.new_page(), page_log)
    context.close()


def test_a_worker_files_and_follows_a_complaint_in_urdu_without_javascript(
    phone_without_javascript: Page, page_log: PageLog, live_app: LiveApp, tmp_path
) -> None:
    page = phone_without_javascript
    name, licence_no = _one_agency(live_app.database_url)
    page.goto(live_app.at("/complaints/new"))
    choose_language(page, "ur")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("input[name=agency_search]").fill(licence_no)
    with page.expect_navigation():
        page.locator("input[name=find_agency]").click()
    page.get_by_label(f"{name} — {licence_no}", exact=False).check()
    page.locator("input[name=what_happened][value=paid_fees]").check()
    page.locator("input[name=what_happened][value=passport_taken]").check()
    page.locator("textarea[name=summary]").fill(URDU_SUMMARY)
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.locator("input[name=evidence]").set_input_files(str(receipt))
    assert not overflow_width(page, "phone")
    with page.expect_navigation():
        page.locator("input[name=submit]").click()
    shown = page.locator("main").inner_text()
    reference = re.search(r"C-[0-9A-F]{10}", shown).group(0)
    code = re.search(r"\d{4} \d{4} \d{4} \d{4} \d{4}", shown).group(0)
    assert not overflow_width(page, "phone")
    language, summary, agency_id, events = _stored(live_app.database_url, reference)
    assert (language, summary, events) == ("ur", URDU_SUMMARY, 1) and agency_id is not None

    page.goto(live_app.at("/complaints/status"))
    page.locator("input[name=reference]").fill(reference)
    page.locator("input[name=receipt_code]").fill(code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    with page.expect_navigation():
        page.locator("input[name=submit]").click()
    expect(page.locator("main")).to_contain_text(URDU_SUMMARY)
    expect(page.locator("main")).to_contain_text("receipt.pdf")
    page.locator("textarea[name=message]").fill("رسید منسلک ہے۔")
    with page.expect_navigation():
        page.locator("input[name=submit]").click()
    expect(page.locator(".timeline")).to_contain_text("رسید منسلک ہے۔")
    assert _stored(live_app.database_url, reference)[3] == 2
    assert not [url for url in page_log.requests if not url.startswith(live_app.url + "/")]


@pytest.fixture(scope="module", params=["en", "ur", "ar"])
def visitor_tab(request: pytest.FixtureRequest, browser: Browser, live_app: LiveApp) -> Iterator[tuple[Page, str]]:
    """An anonymous visitor's page reading one language, with axe-core in every document (see test_accessibility)."""
    context = browser.new_context(**VIEWPORTS["desktop"])
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.add_init_script(path=str(AXE_JS))
    opened = context.new_page()
    opened.goto(live_app.at("/"))
    choose_language(opened, request.param)
    yield opened, request.param
    context.close()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_accessible_light_and_fits_a_phone(visitor_tab, page_log: PageLog, live_app: LiveApp,
                                                          path: str) -> None:  # fmt: skip
    page, language = visitor_tab
    page.set_viewport_size(VIEWPORTS["desktop"]["viewport"])
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(live_app.at(path))
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    expect(page.locator("html")).to_have_attribute("dir", "ltr" if language == "en" else "rtl")
    assert not [url for url in requested if not url.startswith(live_app.url + "/")], requested
    weight = page.evaluate("""() => performance.getEntriesByType('navigation').concat(
        performance.getEntriesByType('resource')).reduce((sum, entry) => sum + entry.decodedBodySize, 0)""")
    assert 0 < weight <= MAX_PAGE_BYTES, f"{path} in {language}: {weight} bytes"
    violations = axe_violations(page)
    assert not violations, f"{path} in {language}: " + describe(violations)
    page.set_viewport_size(VIEWPORTS["phone"]["viewport"])
    overflow = overflow_width(page, "phone")
    assert not overflow, f"{path} in {language}: {overflow} px to scroll sideways at 360 px"


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_ngo_portal_is_accessible_and_fits_a_phone(browser: Browser, live_app: LiveApp, signed_in_state,
                                                      language: str) -> None:  # fmt: skip
    context = browser.new_context(storage_state=signed_in_state("ngo@demo.recruitment-watch.org"),
                                  **VIEWPORTS["desktop"])  # fmt: skip
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_app.at("/ngo/complaints"))
    choose_language(page, language)
    page.goto(live_app.at("/ngo/complaints/new"))  # file one in the browser: its case page is checked below
    page.locator("select[name=consent_method]").select_option("thumbprint")
    page.locator("input[name=consent_at]").fill("2026-11-20T10:30")
    page.locator("input[name=categories][value=fees]").check()
    page.locator("textarea[name=summary]").fill("The agency charged a fee of 150,000 rupees in cash.")
    with page.expect_navigation():
        page.locator("input[name=submit]").click()
    expect(page.locator("main")).to_contain_text("150,000 rupees")
    case = page.url.removeprefix(live_app.url)
    for path in ("/ngo/complaints", "/ngo/complaints/new", case):
        page.set_viewport_size(VIEWPORTS["desktop"]["viewport"])
        response = page.goto(live_app.at(path))
        assert response is not None and response.ok, path
        violations = axe_violations(page)
        assert not violations, f"{path} in {language}: " + describe(violations)
        page.set_viewport_size(VIEWPORTS["phone"]["viewport"])
        assert not overflow_width(page, "phone"), f"{path} in {language} scrolls sideways at 360 px"
    context.close()
