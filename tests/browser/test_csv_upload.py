"""An agency uploads a CSV file of contracts in a real browser on each backend: one row is bad, and the result page
names it by line, column and reason while the good row is stored. The upload and result pages pass axe-core."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.agency_steps import AGENCY, employer_and_stored
from tests.browser.axe import AXE_JS, axe_violations, describe
from tests.browser.conftest import ACTION_TIMEOUT_MS, VIEWPORTS, PageLog, watch
from tests.browser.live_app import LiveApp
from tests.services.contracts.test_csv_import import contract_cells, csv_bytes


@pytest.fixture()
def agency_page(browser: Browser, signed_in_state: Callable[[str], dict[str, Any]], page_log: PageLog
                ) -> Iterator[Page]:  # fmt: skip
    context = browser.new_context(storage_state=signed_in_state(AGENCY), **VIEWPORTS["desktop"])
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.add_init_script(path=str(AXE_JS))
    yield watch(context.new_page(), page_log)
    context.close()


def test_an_agency_uploads_a_csv_with_one_bad_row_and_sees_it_named(
    agency_page: Page, page_log: PageLog, live_app: LiveApp, tmp_path: Path
) -> None:
    page, tag = agency_page, uuid.uuid4().hex[:8].upper()
    employer, _ = employer_and_stored(live_app.database_url, "none")
    rows = [contract_cells(employer, f"{tag}-1"), contract_cells(employer, f"{tag}-2", basic_wage_minor="-5")]
    upload = tmp_path / "contracts.csv"
    upload.write_bytes(csv_bytes(rows))

    page.goto(live_app.at("/imports"))
    assert not axe_violations(page), describe(axe_violations(page))
    page.get_by_label("What the file holds").select_option("contracts")
    page.get_by_label("CSV file (UTF-8, comma separated)").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Import")
    rejected = page.get_by_role("table", name="Rejected rows by line, column and reason")
    expect(rejected.get_by_role("row")).to_have_count(2)  # the header and the one bad row
    bad = rejected.get_by_role("row").nth(1)
    expect(bad).to_contain_text("3")
    expect(bad).to_contain_text("basic_wage_minor")
    expect(bad).to_contain_text("greater than or equal to 0")
    expect(page.get_by_text("1 row stored")).to_be_visible()
    assert not axe_violations(page), describe(axe_violations(page))
    assert employer_and_stored(live_app.database_url, f"CT-CSV-{tag}-1")[1] == 1
    assert employer_and_stored(live_app.database_url, f"CT-CSV-{tag}-2")[1] == 0
    assert not page_log.errors, page_log.errors
