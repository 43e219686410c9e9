"""Signing in, in a real browser on each backend: an inspector's password and code steps to the dashboard at phone and
desktop widths, the same in Urdu (right to left), and the login page loading nothing from outside the app."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from recruitment_watch.db import make_engine
from tests.browser.axe import axe_violations, describe
from tests.browser.conftest import PageLog, overflow_width
from tests.browser.live_app import DEMO_PASSWORD, LiveApp
from tests.browser.signing_in import choose_language, totp_code

BOTH_WIDTHS = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
INSPECTOR = "inspector@demo.recruitment-watch.org"  # Imran Inspector
URDU_INSPECTOR = "inspector2@demo.recruitment-watch.org"  # Sita Inspector: her own TOTP steps, apart from Imran's
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")  # Urdu is written in it
SEVERITIES = ("critical", "high", "medium", "low", "advisory")  # as the dashboard lists them, most severe first
WORDS = {"advisory": "advisory (not binding)"}  # an advisory finding is shown apart: a rule not yet binding


def open_findings(database_url: str) -> dict[str, int]:
    """Open findings by severity, counted straight from the demo database (an inspector sees every one)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT severity, count(*) FROM finding WHERE status = 'open' GROUP BY 1"))
            counted = dict(rows.all())
    finally:
        engine.dispose()
    return {severity: counted.get(severity, 0) for severity in SEVERITIES}


def assert_stayed_home(page_log: PageLog, live_app: LiveApp) -> None:
    """Every request went to the app, the CSP blocked nothing and no script failed."""
    outside = [url for url in page_log.requests if not url.startswith(live_app.url + "/")]
    assert not outside, f"requests outside the app: {outside}"
    assert not page_log.csp_violations(), page_log.csp_violations()
    assert not page_log.errors, page_log.errors


@BOTH_WIDTHS
def test_an_inspector_signs_in_with_a_code_and_reaches_the_dashboard(
    page: Page, page_log: PageLog, live_app: LiveApp, viewport: str
) -> None:
    findings = open_findings(live_app.database_url)
    assert findings["critical"] and findings["high"], findings  # the demo's first sweep found something to show

    page.goto(live_app.at("/dashboard"))

    expect(page).to_have_url(re.compile(re.escape(live_app.at("/login")) + r"\?next=(/|%2F)dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("E-mail address").fill(INSPECTOR)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_app.at("/login/code"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Second step: your code")
    expect(page.get_by_text("Lost your phone? Use a recovery code")).to_be_visible()
    page.get_by_label("Six-digit code from your authenticator app").fill(totp_code(live_app, INSPECTOR))
    page.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(live_app.at("/dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text("Signed in as Imran Inspector, inspector at Ministry of Labour (demo).")).to_be_visible()
    expect(page.get_by_role("heading", name="Open findings", exact=True)).to_be_visible()
    expect(page.get_by_role("main").get_by_role("list").first.get_by_role("listitem")).to_have_text(
        [f"{sum(findings.values()):,} open findings in all"]
        + [f"{findings[severity]:,} {WORDS.get(severity, severity)}" for severity in SEVERITIES]
    )
    newest = page.get_by_role("table")
    expect(newest.locator("tbody tr")).to_have_count(10)
    expect(page.locator(".table-wrap").get_by_role("table")).to_be_visible()  # a wide table scrolls in its wrap
    expect(page.get_by_text(re.compile(r"^Sweep \d+ \(full\): succeeded, started"))).to_be_visible()
    assert overflow_width(page, viewport) == 0, f"{viewport}: the dashboard scrolls sideways"
    assert_stayed_home(page_log, live_app)


def test_signing_in_works_in_urdu_right_to_left(page: Page, page_log: PageLog, live_app: LiveApp) -> None:
    page.goto(live_app.at("/login"))
    expect(page.locator("label[for=email]")).to_have_text("E-mail address")

    choose_language(page, "ur")

    expect(page).to_have_url(live_app.at("/login"))
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    for name, english in (("email", "E-mail address"), ("password", "Password")):
        label = page.locator(f"label[for={name}]")
        expect(label).to_have_text(ARABIC_SCRIPT)
        expect(label).not_to_have_text(english)
    submit = page.locator("main form [type=submit]")
    expect(submit).not_to_have_value("Sign in")
    page.locator("main input[name=email]").fill(URDU_INSPECTOR)
    page.locator("main input[name=password]").fill(DEMO_PASSWORD)
    submit.click()

    expect(page).to_have_url(live_app.at("/login/code"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("label[for=code]")).to_have_text(ARABIC_SCRIPT)
    expect(page.locator("main summary")).to_have_text(ARABIC_SCRIPT)
    expect(page.locator("main summary")).not_to_have_text("Lost your phone? Use a recovery code")
    code_form = page.locator("main form:has(input[name=code])")
    code_form.locator("input[name=code]").fill(totp_code(live_app, URDU_INSPECTOR))
    code_form.locator("[type=submit]").click()

    expect(page).to_have_url(live_app.at("/dashboard"))
    expect(page.locator("main p.who")).to_contain_text("Sita Inspector")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")  # the language chosen before signing in stays
    assert_stayed_home(page_log, live_app)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_login_page_loads_nothing_from_outside_the_app_and_breaks_no_csp(
    page: Page, page_log: PageLog, live_app: LiveApp, language: str
) -> None:
    page.goto(live_app.at("/login"))
    if language != "en":
        choose_language(page, language)
    violations = axe_violations(page)
    assert not violations, f"/login in {language}: " + describe(violations)

    expect(page.locator("html")).to_have_attribute("lang", language)
    assert any(url.endswith(".css") for url in page_log.requests), page_log.requests  # the stylesheet did load
    assert_stayed_home(page_log, live_app)
