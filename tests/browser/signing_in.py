"""Signing in through the pages, as a person does, in any language: the login form, the second step's TOTP code for
staff (demo staff have known secrets), and the language switcher.

A TOTP code is accepted for its 30-second step or one either side, and once per person: a step the app accepted
before is refused (replay). ``totp_code`` hands out each person's steps in order, per live app.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Page

from recruitment_watch.demo.reference import demo_totp_secret
from recruitment_watch.services.accounts.second_factor import STEP_SECONDS
from tests.browser.live_app import DEMO_PASSWORD, LiveApp

# The TOTP step each demo staff login last signed in with, by (live app URL, e-mail).
_spent_steps: dict[tuple[str, str], int] = {}


def totp_code(live_app: LiveApp, email: str) -> str:
    """A second-step code of demo staff ``email`` that ``live_app`` accepts now.

    The app takes a code of the current 30-second step or one either side, once per person (replay refused): each
    sign-in here takes the next unspent of the current and the next step, and waits for the clock when both are spent.
    """
    key = (live_app.url, email)
    current = int(time.time()) // STEP_SECONDS
    step = max(current, _spent_steps.get(key, current - 1) + 1)
    if step > current + 1:  # wait until ``step`` is the next one
        time.sleep(max(0.0, (step - 1) * STEP_SECONDS - time.time()) + 0.05)
    _spent_steps[key] = step
    return pyotp.TOTP(demo_totp_secret(email)).at(step * STEP_SECONDS)


def sign_in(opened: Page, live_app: LiveApp, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign ``email`` in with the form on /login (opened unless ``opened`` shows it already) and, for staff, a code
    on /login/code, ending on the dashboard. Fields are found by name: it works in every language."""
    if urlsplit(opened.url).path != "/login":
        opened.goto(live_app.at("/login"))
    form = opened.locator("main form:has(input[name=password])")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    with opened.expect_navigation():
        form.locator("[type=submit]").click()
    if urlsplit(opened.url).path == "/login/code":
        form = opened.locator("main form:has(input[name=code])")
        form.locator("input[name=code]").fill(totp_code(live_app, email))
        with opened.expect_navigation():
            form.locator("[type=submit]").click()
    path = urlsplit(opened.url).path
    assert path == "/dashboard", f"{email} reached {path}, not the dashboard: {opened.locator('main').inner_text()}"


def choose_language(opened: Page, code: str) -> None:
    """Switch the page's language with the switcher in the header (a form POST that comes back to the same page)."""
    opened.locator("select[name=language]").select_option(code)
    with opened.expect_navigation():
        opened.locator("form:has(select[name=language]) [type=submit]").click()
