"""An inspector works the findings queue in a real browser on each backend: opens it from the navigation, filters it
to one criterion's open findings, ticks the first, verifies it, and sees the new status on the finding's page."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import text

from recruitment_watch.db import make_engine
from tests.browser.conftest import PageLog
from tests.browser.live_app import LiveApp


def an_open_criterion(database_url: str) -> str:
    """A criterion with open findings in the demo (the one with most, so the filter has something to narrow)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT criterion_id FROM finding WHERE status = 'open' GROUP BY criterion_id "
                "ORDER BY count(*) DESC, criterion_id LIMIT 1")).scalar_one()  # fmt: skip
    finally:
        engine.dispose()


def status_of(database_url: str, finding_id: int) -> str:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT status FROM finding WHERE id = :id"), {"id": finding_id})
            return found.scalar_one()
    finally:
        engine.dispose()


def test_an_inspector_filters_the_queue_verifies_a_finding_and_sees_its_new_status(
    inspector_page: Page, page_log: PageLog, live_app: LiveApp
) -> None:
    criterion = an_open_criterion(live_app.database_url)
    page = inspector_page

    page.goto(live_app.at("/dashboard"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Findings", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Findings")
    search = page.get_by_role("search", name="Filter the findings")
    search.get_by_label("Criterion").select_option(value=criterion)
    search.get_by_label("Status").select_option(label="open")
    search.get_by_role("button", name="Filter").click()

    table = page.get_by_role("table", name="Findings, in the chosen order")
    first = table.locator("tbody tr").first
    expect(first).to_contain_text(criterion)
    expect(first).to_contain_text("open")
    link = first.get_by_role("link").first
    finding_id = int(link.inner_text().lstrip("#"))
    first.get_by_role("checkbox").check()
    page.get_by_label("Action").select_option(value="verify")
    page.get_by_role("button", name="Apply to ticked findings").click()

    expect(page.get_by_role("status")).to_have_text("1 finding changed.")
    expect(page.get_by_role("link", name=f"#{finding_id}", exact=True)).to_have_count(0)  # no longer open
    assert status_of(live_app.database_url, finding_id) == "verified_remediated"
    page.goto(live_app.at(f"/findings/{finding_id}"))
    expect(page.locator("#finding-status")).to_have_text("remedy verified")
    expect(page.get_by_role("list").filter(has_text="Remedy verified")).to_contain_text("Imran Inspector")

    outside = [url for url in page_log.requests if not url.startswith(live_app.url + "/")]
    assert not outside, f"requests outside the app: {outside}"
    assert not page_log.csp_violations(), page_log.csp_violations()
    assert not page_log.errors, page_log.errors
