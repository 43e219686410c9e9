"""An inspector records a decision on an agency, in a real browser on each backend: the agency's 360° page opened from
the list of contracts, the decision form filled in as a person does, and the warning then listed among the
agency's decisions."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy import text

from recruitment_watch.db import make_engine
from tests.browser.conftest import PageLog
from tests.browser.live_app import LiveApp

REASON = "Warned after the inspection visit of this week: receipts missing for fees"


def newest_contract(database_url: str) -> dict[str, Any]:
    """The newest demo contract: its reference and its agency's id and name."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            reference, agency_id, name = connection.execute(
                text("SELECT c.reference, a.id, a.name FROM contract c JOIN agency a ON a.id = c.agency_id"
                     " ORDER BY c.created_at DESC, c.id DESC LIMIT 1")
            ).one()  # fmt: skip
    finally:
        engine.dispose()
    return {"reference": reference, "agency_id": agency_id, "agency_name": name}


def test_an_inspector_records_a_warning_on_the_agency_360_page_and_sees_it_listed(
    inspector_page: Page, page_log: PageLog, live_app: LiveApp
) -> None:
    newest = newest_contract(live_app.database_url)
    page = inspector_page

    page.goto(live_app.at("/dashboard"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contracts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracts")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=newest["reference"], exact=True))
    row.get_by_role("link", name=newest["agency_name"], exact=True).click()

    expect(page).to_have_url(live_app.at(f"/agencies/{newest['agency_id']}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agency 360°")
    page.get_by_label("Decision", exact=True).select_option(label="warning")
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_role("status")).to_have_text("The decision is recorded.")
    decisions = page.get_by_role("table", name="Decisions on this agency, newest first")
    first = decisions.locator("tbody tr").first
    expect(first).to_contain_text("warning")
    expect(first).to_contain_text(REASON)
    expect(first).to_contain_text("Imran Inspector")
    expect(first).to_contain_text("stands")

    outside = [url for url in page_log.requests if not url.startswith(live_app.url + "/")]
    assert not outside, f"requests outside the app: {outside}"
    assert not page_log.csp_violations(), page_log.csp_violations()
    assert not page_log.errors, page_log.errors
