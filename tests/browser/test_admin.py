"""An admin invites someone, in a real browser on each backend: the invitation form, the one-time link opened in
another person's browser, their first sign-in, the security events the admin then reads, and the spent link."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from recruitment_watch.db import make_engine
from tests.browser.conftest import ACTION_TIMEOUT_MS, VIEWPORTS, PageLog, watch
from tests.browser.live_app import LiveApp

ADMIN = "admin@demo.recruitment-watch.org"
AGENCY_LOGIN = "agency@demo.recruitment-watch.org"  # the newcomer joins this login's organisation
NEWCOMER = "farah.newcomer@demo.recruitment-watch.org"
NEWCOMER_NAME = "Farah Newcomer"
NEWCOMER_PASSWORD = "lantern harbour quietly 2026"  # 12+ characters, not a common one


def demo_agency(database_url: str) -> dict[str, Any]:
    """The demo agency organisation (the agency login's): its name and how many contracts its agency submitted."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            organisation_id, name = connection.execute(
                text("SELECT o.id, o.name FROM organisation o JOIN app_user u ON u.organisation_id = o.id"
                     " WHERE u.email = :email"),
                {"email": AGENCY_LOGIN},
            ).one()  # fmt: skip
            contracts = connection.execute(
                text(
                    "SELECT count(*) FROM contract c JOIN agency a ON a.id = c.agency_id WHERE a.organisation_id = :o"
                ),
                {"o": organisation_id},
            ).scalar_one()
    finally:
        engine.dispose()
    return {"name": name, "contracts": contracts}


@pytest.fixture()
def admin_page(browser: Browser, signed_in_state: Callable[[str], dict[str, Any]], page_log: PageLog) -> Iterator[Page]:
    """A page of the demo admin, signed in (with the second step) once per backend."""
    context = browser.new_context(storage_state=signed_in_state(ADMIN), **VIEWPORTS["desktop"])
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield watch(context.new_page(), page_log)
    context.close()


def event_rows(admin_page: Page) -> list[dict[str, str]]:
    """The rows of the security events table, by column heading."""
    table = admin_page.get_by_role("table")
    headings = table.locator("thead th").all_inner_texts()
    return [dict(zip(headings, row.locator("td").all_inner_texts(), strict=True))
            for row in table.locator("tbody tr").all()]  # fmt: skip


def test_an_admin_invites_an_agency_user_who_sets_a_password_and_signs_in(
    admin_page: Page, page: Page, page_log: PageLog, live_app: LiveApp
) -> None:
    agency = demo_agency(live_app.database_url)

    admin_page.goto(live_app.at("/admin/people"))
    admin_page.get_by_role("link", name="Invite someone").click()
    expect(admin_page).to_have_url(live_app.at("/admin/people/new"))
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Invite someone")
    admin_page.get_by_label("E-mail address").fill(NEWCOMER)
    admin_page.get_by_label("Full name").fill(NEWCOMER_NAME)
    admin_page.get_by_label("Role").select_option(label="agency")
    admin_page.get_by_label("Organisation").select_option(label=f"{agency['name']} (agency)")
    admin_page.get_by_role("button", name="Create account and invitation link").click()

    expect(admin_page.get_by_role("heading", level=1)).to_have_text(f"Password link for {NEWCOMER}")
    link = admin_page.locator("code#invitation-link").inner_text().strip()
    assert link.startswith(live_app.at("/invitation/")), link

    # The newcomer, in a browser of their own.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    expect(page.get_by_role("main")).to_contain_text(f"Account: {NEWCOMER}")
    page.get_by_label("New password", exact=True).fill(NEWCOMER_PASSWORD)
    page.get_by_label("New password again", exact=True).fill(NEWCOMER_PASSWORD)
    page.get_by_role("button", name="Set password").click()

    expect(page).to_have_url(live_app.at("/login"))
    expect(page.get_by_role("status")).to_have_text("Your password is set. Sign in with it now.")
    page.get_by_label("E-mail address").fill(NEWCOMER)
    page.get_by_label("Password").fill(NEWCOMER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_app.at("/dashboard"))  # an agency's person has no second step
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text(f"Signed in as {NEWCOMER_NAME}, agency at {agency['name']}.")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("listitem").filter(has_text="contracts submitted")).to_have_text(
        f"{agency['contracts']:,} contracts submitted"
    )

    # What the admin reads afterwards.
    admin_page.goto(live_app.at("/admin/security-events"))
    admin_page.get_by_label("E-mail address").fill(NEWCOMER)
    admin_page.get_by_role("button", name="Filter").click()
    rows = event_rows(admin_page)
    kinds = [row["What"] for row in rows]
    for kind in ("account created", "password link made", "password set", "sign-in"):
        assert kind in kinds, f"no {kind!r} event for {NEWCOMER}: {rows}"
    assert all(row["Who"] == NEWCOMER and row["Outcome"] == "success" for row in rows), rows
    made_by_admin = {row["What"] for row in rows if row["By"] == ADMIN}
    assert {"account created", "password link made"} <= made_by_admin, rows

    # The link worked once.
    response = page.goto(link)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is not valid any more")

    outside = [url for url in page_log.requests if not url.startswith(live_app.url + "/")]
    assert not outside, f"requests outside the app: {outside}"
    assert not page_log.csp_violations(), page_log.csp_violations()
