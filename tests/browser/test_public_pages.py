"""The public home page in a real browser, on each backend: what a visitor reads at phone and desktop widths, its
accessibility (axe), and that it loads nothing from outside the app and breaks none of its own CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import bindparam, text

from recruitment_watch.db import make_engine
from recruitment_watch.models.vocab import OPEN_COMPLAINT_STATUSES
from tests.browser.axe import axe_violations, describe
from tests.browser.conftest import PageLog, overflow_width
from tests.browser.live_app import DEMO_CONTRACTS, LiveApp

BOTH_WIDTHS = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)


COUNTS = {
    "agencies": "SELECT count(*) FROM agency",
    "contracts": "SELECT count(*) FROM contract",
    "fee_payments": "SELECT count(*) FROM fee_payment",
    "complaints_open": "SELECT count(*) FROM complaint WHERE status IN :open",
    "complaints": "SELECT count(*) FROM complaint",
}


def register_counts(database_url: str) -> dict:
    """The figures the home page should show, counted straight from the demo database."""
    open_statuses = bindparam("open", [status.value for status in OPEN_COMPLAINT_STATUSES], expanding=True)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            counts = {
                name: connection.execute(
                    text(sql).bindparams(open_statuses) if ":open" in sql else text(sql)
                ).scalar_one()
                for name, sql in COUNTS.items()
            }
            by_status = text("SELECT status, count(*) FROM agency GROUP BY status")
            counts["by_status"] = dict(connection.execute(by_status).all())
            return counts
    finally:
        engine.dispose()


@BOTH_WIDTHS
def test_home_shows_the_product_and_the_live_figures(page: Page, live_app: LiveApp, viewport: str) -> None:
    counts = register_counts(live_app.database_url)
    # The demo's contracts, plus any an earlier browser test of this session submitted (one shared demo database).
    assert counts["contracts"] >= DEMO_CONTRACTS and counts["agencies"] > 0 and counts["complaints"] > 0

    response = page.goto(live_app.at("/"))

    assert response is not None and response.ok
    expect(page).to_have_title("Fair recruitment monitoring · recruitment_watch")
    expect(page.get_by_role("link", name="recruitment_watch")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fair recruitment monitoring")
    expect(page.get_by_role("heading", name="In the register now")).to_be_visible()
    for link in ("Check an agency’s licence before you pay anything", "Make a complaint — no name needed"):
        expect(page.get_by_role("main").get_by_role("link", name=link)).to_be_visible()
    figures = page.locator("main ul.figures").get_by_role("listitem")
    expect(figures).to_have_text(
        [
            f"{counts['agencies']} recruitment agencies",
            f"{counts['contracts']} contracts",
            f"{counts['fee_payments']} fee payments recorded",
            f"{counts['complaints_open']} complaints open of {counts['complaints']}",
        ]
    )
    for figure in figures.all():
        expect(figure).to_be_visible()

    table = page.get_by_role("table", name="Number of agencies in each licence status")
    expect(table).to_be_visible()
    shown = {}
    for row in table.locator("tbody tr").all():
        status, agencies = row.get_by_role("cell").all_inner_texts()
        shown[status] = int(agencies)
    for status, agencies in counts["by_status"].items():
        assert shown[status.replace("_", " ")] == agencies, (status, shown)
    assert sum(shown.values()) == counts["agencies"]


@BOTH_WIDTHS
def test_home_fits_the_width_without_sideways_scrolling(page: Page, live_app: LiveApp, viewport: str) -> None:
    page.goto(live_app.at("/"))

    overflow = overflow_width(page, viewport)  # against the window as set: innerWidth grows with a too-wide page
    assert not overflow, f"{viewport}: {overflow} px to scroll sideways"


@BOTH_WIDTHS
def test_home_has_no_serious_accessibility_violation(page: Page, live_app: LiveApp, viewport: str) -> None:
    page.goto(live_app.at("/"))

    violations = axe_violations(page)

    assert not violations, describe(violations)


def test_home_loads_nothing_from_outside_the_app_and_breaks_no_csp(
    page: Page, page_log: PageLog, live_app: LiveApp
) -> None:
    page.goto(live_app.at("/"), wait_until="networkidle")

    outside = [url for url in page_log.requests if not url.startswith(live_app.url + "/")]
    assert not outside, f"requests outside the app: {outside}"
    assert page_log.requests[0] == live_app.at("/")
    assert any(url.endswith(".css") for url in page_log.requests), page_log.requests  # the stylesheet did load
    assert not page_log.csp_violations(), page_log.csp_violations()
    assert not page_log.errors, page_log.errors
