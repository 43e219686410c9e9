"""Real-browser tests: Playwright's sync API driving Debian's Chromium against a live demo app per backend.

One Chromium and one live demo app per backend serve every browser test of the run; each test gets a fresh
context and page (``page``), at the desktop or phone width it asks for (``viewport``). Every test here is marked
``browser`` (``-m "not browser"`` leaves them out). Tests that only need someone signed in start from
``signed_in_state``: one sign-in per login and backend (``signing_in.py``). A failing test leaves a full-page
screenshot of each of its pages in ``test-artifacts/browser/``. Playwright never downloads a browser here: it launches
``/usr/bin/chromium`` (``scripts/system-packages.sh`` installs it); without it the tests skip, or fail under
CI/RW_REQUIRE_POSTGRES.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.browser.live_app import LiveApp, load_small_demo, postgres_database, served
from tests.browser.signing_in import choose_language, sign_in
from tests.conftest import BACKENDS, REQUIRE_POSTGRES

HERE = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")
# Quiet on a closed network and workable as root in a container (docs/testing.md, "Browser tests").
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    # A small phone, honouring <meta name="viewport"> as a phone does.
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
}
ACTION_TIMEOUT_MS = 10_000  # a page of this app answers in well under a second; fail fast when it does not


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Chromium against a live demo app (tests/browser/)")


@pytest.hookimpl(tryfirst=True)  # before -m selects on markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser/ ``browser``."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Without Chromium, skip a browser test before its fixtures load a demo (fail it when the run is required)."""
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: run scripts/system-packages.sh as root (apt-get install chromium)"
        if REQUIRE_POSTGRES:
            pytest.fail(f"browser tests required (CI/RW_REQUIRE_POSTGRES) but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """The one headless Chromium of the run.

    Package scope is one per run (every browser test lives in this package) and closes it after the last browser
    test: while Playwright's sync API is started it marks an asyncio loop as running in this thread, which later
    tests calling ``asyncio.run`` must not inherit.
    """
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="package", params=BACKENDS)
def live_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The demo app served on each backend, built once per run: migrated database, small demo, werkzeug thread."""
    instance = tmp_path_factory.mktemp("browser-instance")
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("browser-sqlite") / "demo.sqlite3")
        load_small_demo(url)
        with served(url, instance) as base:
            yield LiveApp(request.param, base, url)
        return
    with postgres_database(request.getfixturevalue("postgres_server_url")) as url:
        load_small_demo(url)
        with served(url, instance) as base:
            yield LiveApp(request.param, base, url)


@pytest.fixture()
def viewport(request: pytest.FixtureRequest) -> str:
    """``desktop`` unless the test parametrizes it: ``@pytest.mark.parametrize("viewport", [...], indirect=True)``."""
    name = getattr(request, "param", "desktop")
    assert name in VIEWPORTS, f"unknown viewport {name!r}; known: {sorted(VIEWPORTS)}"
    return name


@dataclass
class PageLog:
    """What the page did besides rendering: every request's URL, console messages, uncaught script errors."""

    requests: list[str] = field(default_factory=list)
    console: list[ConsoleMessage] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def console_errors(self) -> list[str]:
        return [message.text for message in self.console if message.type == "error"]

    def csp_violations(self) -> list[str]:
        """Console errors Chromium logs when the Content-Security-Policy blocks something."""
        return [text for text in self.console_errors() if "Content Security Policy" in text]


@pytest.fixture()
def page_log() -> PageLog:
    """Filled by ``page`` while the test runs."""
    return PageLog()


def watch(opened: Page, log: PageLog) -> Page:
    """Log what ``opened`` requests, prints to its console and throws into ``log``."""
    opened.on("request", lambda request: log.requests.append(request.url))
    opened.on("console", lambda message: log.console.append(message))
    opened.on("pageerror", lambda error: log.errors.append(str(error)))
    return opened


@pytest.fixture()
def page(browser: Browser, viewport: str, page_log: PageLog) -> Iterator[Page]:
    """A fresh context (no cookies, no storage) and page at ``viewport``, logging into ``page_log``."""
    context = browser.new_context(**VIEWPORTS[viewport])
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield watch(context.new_page(), page_log)
    context.close()


def overflow_width(opened: Page, viewport: str) -> int:
    """How many CSS pixels the page is wider than the ``viewport`` window (0 when it fits, nothing to scroll sideways).

    Measured against the window as set, not ``innerWidth``: under mobile emulation a page wider than the window makes
    the phone zoom out to show all of it, and ``innerWidth`` grows with the page.
    """
    width = VIEWPORTS[viewport]["viewport"]["width"]
    return max(0, opened.evaluate("() => document.documentElement.scrollWidth") - width)


@pytest.fixture(scope="package")
def signed_in_state(browser: Browser, live_app: LiveApp) -> Callable[[str], dict[str, Any]]:
    """``signed_in_state(email)``: the cookies of demo login ``email`` signed in on ``live_app``, for
    ``browser.new_context(storage_state=...)``, so tests reuse one sign-in per login and backend.

    The state chooses English in its session cookie: the language a signed-in person chooses is also kept on their
    account, and a state that left it to the account would follow whatever language another test chose last.
    """
    states: dict[str, dict[str, Any]] = {}

    def state_of(email: str) -> dict[str, Any]:
        if email not in states:
            context = browser.new_context(**VIEWPORTS["desktop"])
            context.set_default_timeout(ACTION_TIMEOUT_MS)
            try:
                opened = context.new_page()
                sign_in(opened, live_app, email)
                choose_language(opened, "en")
                states[email] = context.storage_state()
            finally:
                context.close()
        return states[email]

    return state_of


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On a failing browser test, save a full-page screenshot of each of its pages to
    test-artifacts/browser/<test>[-<fixture>].png."""
    report: pytest.TestReport = yield
    if report.when != "call" or not report.failed:
        return report
    # ``page``, and any other page a test holds (a second person's, in a story of two), by fixture name.
    pages = {name: value for name, value in getattr(item, "funcargs", {}).items() if isinstance(value, Page)}
    folder = item.config.rootpath / "test-artifacts" / "browser"
    for name, opened in pages.items():
        folder.mkdir(parents=True, exist_ok=True)
        suffix = "" if name == "page" else f"-{name}"
        path = folder / (re.sub(r"[^\w.-]+", "_", item.name).strip("_") + suffix + ".png")
        try:
            opened.screenshot(path=str(path), full_page=True)
            report.sections.append((f"browser screenshot ({name})", f"{path} (page {opened.url})"))
        except PlaywrightError as exc:  # the page may be what broke; keep the test's own failure in front
            report.sections.append((f"browser screenshot ({name})", f"not taken: {exc}"))
    return report


@pytest.fixture()
def inspector_page(
    browser: Browser, signed_in_state: Callable[[str], dict[str, Any]], page_log: PageLog
) -> Iterator[Page]:
    """A page of the demo inspector, signed in (with the second step) once per backend."""
    inspector = "inspector@demo.recruitment-watch.org"
    context = browser.new_context(storage_state=signed_in_state(inspector), **VIEWPORTS["desktop"])
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield watch(context.new_page(), page_log)
    context.close()
