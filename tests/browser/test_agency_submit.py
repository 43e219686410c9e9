"""An agency submits a contract in a real browser on each backend: the live preview (the vendored script) names the
fee criterion a worker-paid fee breaks, the agency removes the fee and the preview clears, it submits, and the stored
contract shows with its reference — stored once, for the agency's own agency. Without JavaScript the "Check" button
shows the same preview and stores nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from recruitment_watch.db import make_engine
from tests.browser.agency_steps import AGENCY, FEE_CRITERION, fill_contract
from tests.browser.conftest import ACTION_TIMEOUT_MS, VIEWPORTS, PageLog, watch
from tests.browser.live_app import LiveApp


def _stored(database_url: str, reference: str) -> list[tuple]:
    """(agency of the contract, agency of the demo login's organisation) for each contract with ``reference``."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT c.agency_id, a.id FROM contract c, agency a JOIN app_user u ON u.organisation_id = "
                    "a.organisation_id WHERE c.reference = :r AND u.email = :e"
                ),
                {"r": reference, "e": AGENCY},
            )
            return list(found.all())
    finally:
        engine.dispose()


def _agency_tab(browser: Browser, state: dict[str, Any], log: PageLog, *, javascript: bool = True) -> Iterator[Page]:
    context = browser.new_context(storage_state=state, java_script_enabled=javascript, **VIEWPORTS["desktop"])
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield watch(context.new_page(), log)
    context.close()


@pytest.fixture()
def agency_page(browser: Browser, signed_in_state: Callable[[str], dict[str, Any]], page_log: PageLog):
    yield from _agency_tab(browser, signed_in_state(AGENCY), page_log)


@pytest.fixture()
def agency_page_without_javascript(browser: Browser, signed_in_state: Callable[[str], dict[str, Any]],
                                   page_log: PageLog):  # fmt: skip
    yield from _agency_tab(browser, signed_in_state(AGENCY), page_log, javascript=False)


def test_an_agency_sees_the_live_preview_fixes_the_fee_and_submits(
    agency_page: Page, page_log: PageLog, live_app: LiveApp
) -> None:
    page = agency_page
    reference = f"CT-BR-{uuid.uuid4().hex[:8]}"
    page.goto(live_app.at("/agency/contracts/new"))
    fill_contract(page, reference)
    preview = page.locator("#preview-body")
    expect(preview).to_contain_text(FEE_CRITERION)  # the script posted the form and showed the answer
    expect(preview).to_contain_text("Art 7(1)")
    assert _stored(live_app.database_url, reference) == []  # previewing stores nothing

    page.locator("[name='fees-0-category']").select_option("")
    page.locator("[name='fees-0-amount']").fill("")
    expect(preview).not_to_contain_text(FEE_CRITERION)
    with page.expect_navigation():
        page.locator("#contract-form [name=submit]").click()
    expect(page.locator("h1")).to_contain_text(reference)
    assert FEE_CRITERION not in page.locator("main").inner_text()
    stored = _stored(live_app.database_url, reference)
    assert len(stored) == 1 and stored[0][0] == stored[0][1]  # one contract, for the login's own agency
    assert not page_log.errors and not page_log.csp_violations()
    assert all(url.startswith(live_app.url + "/") for url in page_log.requests)


def test_without_javascript_check_shows_the_preview_and_stores_nothing(
    agency_page_without_javascript: Page, live_app: LiveApp
) -> None:
    page = agency_page_without_javascript
    reference = f"CT-NJ-{uuid.uuid4().hex[:8]}"
    page.goto(live_app.at("/agency/contracts/new"))
    fill_contract(page, reference)
    with page.expect_navigation():
        page.locator("#contract-form [name=check]").click()
    expect(page.locator("#preview-body")).to_contain_text(FEE_CRITERION)
    expect(page.locator("[name=reference]")).to_have_value(reference)  # the form comes back as it was typed
    assert _stored(live_app.database_url, reference) == []
