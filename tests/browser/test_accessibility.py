"""The signed-in pages in a real browser on each backend, in English and in Arabic (right to left): axe-core
finds no serious or critical accessibility violation, the page reflows to a phone's 360 px without sideways scrolling
(WCAG 1.4.10; wide tables scroll inside their ``.table-wrap``), and no page loads anything from outside the app
or breaks its own CSP. The agency's contract form is also checked as "Check" returns it, with the criteria preview, and
an import's result page after an upload with one rejected row.

The demo admin signs in once per backend (``signed_in_state``); each language then has one page, with axe-core loaded
into every document, that the tests open their pages in one after the other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.agency_steps import FEE_CRITERION, employer_and_stored, fill_contract
from tests.browser.axe import AXE_JS, axe_violations, describe
from tests.browser.conftest import ACTION_TIMEOUT_MS, VIEWPORTS, PageLog, overflow_width
from tests.browser.live_app import LiveApp
from tests.browser.signing_in import choose_language
from tests.services.contracts.test_csv_import import contract_cells, csv_bytes

ADMIN = "admin@demo.recruitment-watch.org"
PAGES = (
    "/dashboard",
    "/admin/people",
    "/admin/people/new",
    "/admin/people/1",  # a person: the demo admin (a long e-mail address as the heading)
    "/admin/organisations",
    "/admin/agencies",
    "/admin/keys",
    "/admin/keys/new",
    "/admin/packs",
    "/admin/jobs",
    "/admin/security-events",
    "/account",
    "/cases",
    "/cases/C-0000001",  # a demo complaint's case page
    "/workspace",
    "/contracts",
    "/contracts/1",  # a demo contract: its versions, the diffs between them and the hash chain
    "/agencies/1",  # a demo agency's 360° page with the decision form
    "/agencies",  # the index of agencies: search, filters, sort, risk and open findings per agency
    "/findings",  # the findings queue: filters, bulk actions, keyset pager
    "/findings/1",  # a demo finding: rule, evidence as a definition list, history, the inspector's action form
    "/imports",  # CSV imports: every agency's imports and the documented column tables (the upload form is agencies')
    "/reports",  # PDF reports: the form asking for one (kind, scope, period, language) and the reports made
)


RIGHT_TO_LEFT = ("ar", "ur")  # Urdu pages are seen in the browser tests of the other modules


@pytest.fixture(scope="module", params=["en", "ar"])
def language(request: pytest.FixtureRequest) -> str:
    return request.param


class SharedPage:
    """One page that many tests use in turn: what it requests, logs and throws goes to the running test's log."""

    def __init__(self, opened: Page) -> None:
        self.page, self.log = opened, PageLog()
        opened.on("request", lambda request: self.log.requests.append(request.url))
        opened.on("console", lambda message: self.log.console.append(message))
        opened.on("pageerror", lambda error: self.log.errors.append(str(error)))


@pytest.fixture(scope="module")
def admin_tab(
    browser: Browser, live_app: LiveApp, signed_in_state: Callable[[str], dict[str, Any]], language: str
) -> Iterator[SharedPage]:
    """A page of the signed-in demo admin at desktop width, reading ``language``.

    axe-core comes into every document of the page as an init script, sent to the browser once and compiled there
    once; ``page.evaluate`` would send its 650 kB again for every page. Like ``evaluate`` it goes in through the
    DevTools protocol, which the page's CSP does not govern; ``axe_violations`` finds it there and uses it.
    """
    context = browser.new_context(storage_state=signed_in_state(ADMIN), **VIEWPORTS["desktop"])
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.add_init_script(path=str(AXE_JS))
    opened = context.new_page()
    opened.goto(live_app.at("/dashboard"))
    choose_language(opened, language)
    yield SharedPage(opened)
    context.close()


@pytest.fixture()
def page(admin_tab: SharedPage, page_log: PageLog) -> Page:
    """The admin's page at desktop width, logging into this test's ``page_log`` (and screenshotted when the test
    fails, at the width it failed at)."""
    admin_tab.log = page_log
    admin_tab.page.set_viewport_size(VIEWPORTS["desktop"]["viewport"])
    return admin_tab.page


@pytest.mark.parametrize("path", PAGES)
def test_page_is_accessible_fits_a_phone_and_stays_within_the_app(
    page: Page, page_log: PageLog, live_app: LiveApp, language: str, path: str
) -> None:
    response = page.goto(live_app.at(path))

    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    assert_accessible(page, page_log, live_app, language, path)


def assert_accessible(page: Page, page_log: PageLog, live_app: LiveApp, language: str, what: str) -> None:
    """The page as it stands reads ``language`` in its direction, loads nothing from outside the app, breaks no CSP,
    throws nothing, has no serious or critical axe violation, and fits a phone's 360 px."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language in RIGHT_TO_LEFT else "ltr")
    outside = [url for url in page_log.requests if not url.startswith(live_app.url + "/")]
    assert not outside, f"{what}: requests outside the app: {outside}"
    assert not page_log.csp_violations(), page_log.csp_violations()
    assert not page_log.errors, page_log.errors
    violations = axe_violations(page)
    assert not violations, f"{what} in {language}: " + describe(violations)
    page.set_viewport_size(VIEWPORTS["phone"]["viewport"])
    overflow = overflow_width(page, "phone")
    assert not overflow, f"{what} in {language}: {overflow} px to scroll sideways at 360 px"


AGENCY = "agency@demo.recruitment-watch.org"
AGENCY_PAGES = ("/agency", "/agency/contracts/new")  # the agency's own portal: profile and score, the contract form


@pytest.fixture(scope="module")
def agency_tab(
    browser: Browser, live_app: LiveApp, signed_in_state: Callable[[str], dict[str, Any]], language: str
) -> Iterator[SharedPage]:
    """A page of the demo agency's staff at desktop width, reading ``language`` (axe-core loaded as for the admin)."""
    context = browser.new_context(storage_state=signed_in_state(AGENCY), **VIEWPORTS["desktop"])
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.add_init_script(path=str(AXE_JS))
    opened = context.new_page()
    opened.goto(live_app.at("/agency"))
    choose_language(opened, language)
    yield SharedPage(opened)
    context.close()


@pytest.mark.parametrize("path", AGENCY_PAGES)
def test_agency_page_is_accessible_fits_a_phone_and_stays_within_the_app(
    agency_tab: SharedPage, page_log: PageLog, live_app: LiveApp, language: str, path: str
) -> None:
    agency_tab.log = page_log
    agency_tab.page.set_viewport_size(VIEWPORTS["desktop"]["viewport"])
    test_page_is_accessible_fits_a_phone_and_stays_within_the_app(agency_tab.page, page_log, live_app, language, path)


def test_agency_contract_form_with_its_preview_shown_is_accessible(
    agency_tab: SharedPage, page_log: PageLog, live_app: LiveApp, language: str
) -> None:
    """The form as "Check" brings it back: the criteria preview names what the fee breaks, with its citation."""
    agency_tab.log = page_log
    page = agency_tab.page
    page.set_viewport_size(VIEWPORTS["desktop"]["viewport"])
    page.goto(live_app.at("/agency/contracts/new"))
    fill_contract(page, f"CT-AX-{uuid.uuid4().hex[:8]}")
    with page.expect_navigation():
        page.locator("#contract-form [name=check]").click()
    expect(page.locator("#preview-body")).to_contain_text(FEE_CRITERION)
    assert_accessible(page, page_log, live_app, language, "/agency/contracts/new (preview)")


def test_agency_import_result_page_is_accessible(
    agency_tab: SharedPage, page_log: PageLog, live_app: LiveApp, language: str, tmp_path: Path
) -> None:
    """The result of an upload with one rejected row: the table of rejected rows by line, column and reason."""
    agency_tab.log = page_log
    page, tag = agency_tab.page, uuid.uuid4().hex[:8].upper()
    page.set_viewport_size(VIEWPORTS["desktop"]["viewport"])
    employer, _ = employer_and_stored(live_app.database_url, "none")
    upload = tmp_path / "contracts.csv"
    upload.write_bytes(csv_bytes([contract_cells(employer, f"{tag}-1"),
                                  contract_cells(employer, f"{tag}-2", basic_wage_minor="-5")]))  # fmt: skip
    page.goto(live_app.at("/imports"))
    page.locator("select[name=kind]").select_option("contracts")
    page.locator("input[name=file]").set_input_files(str(upload))
    with page.expect_navigation():
        page.locator("main form [name=submit]").click()
    expect(page.locator("main table").last).to_contain_text("basic_wage_minor")
    assert_accessible(page, page_log, live_app, language, "an import's result page")
