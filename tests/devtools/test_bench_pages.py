"""``bench pages`` follows a list's keyset "next" links to a deep page, reports a page the app does not serve as not
available instead of failing, and prints each page's p50/p95 with its ratio to the baseline. A scripted browser
stands in for gunicorn here; the real run is ``recruitment-watch bench pages --contracts 20000``."""

from __future__ import annotations

import pytest

from recruitment_watch.devtools.bench_pages import PageTiming, _report, keyset_page, time_page


class ScriptedBrowser:
    """Answers each path from ``pages`` (status, body) and records what was asked, taking ``took`` seconds."""

    def __init__(self, pages: dict[str, tuple[int, str]], took: float = 0.01) -> None:
        self.pages, self.took, self.asked = pages, took, []

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[float, int, str]:
        self.asked.append(path)
        status, body = self.pages.get(path, (404, "Not found"))
        return self.took, status, body


def _list(pages: int) -> dict[str, tuple[int, str]]:
    """A list of ``pages`` pages whose "next" links carry an opaque cursor (escaped as the templates escape it)."""
    paths = ["/findings"] + [f"/findings?severity=high&cursor=c{number}" for number in range(2, pages + 1)]
    served = {}
    for index, path in enumerate(paths):
        following = paths[index + 1].replace("&", "&amp;") if index + 1 < pages else None
        link = f'<a rel="next" href="{following}">Next page</a>' if following else ""
        served[path] = (200, f"<main>page {index + 1}{link}</main>")
    return served


def test_the_deep_page_is_reached_through_the_next_links():
    browser = ScriptedBrowser(_list(6))
    assert keyset_page(browser, "/findings", 5) == ("/findings?severity=high&cursor=c5", "")
    assert browser.asked == ["/findings"] + [f"/findings?severity=high&cursor=c{n}" for n in range(2, 5)]


@pytest.mark.parametrize(
    ("pages", "why"),
    [({}, "/findings answers 404"), (_list(3), "/findings has only 3 pages")],
)
def test_a_missing_list_or_a_short_one_is_not_available(pages, why):
    assert keyset_page(ScriptedBrowser(pages), "/findings", 500) == (None, why)


def test_a_page_not_served_yet_is_reported_not_failed():
    browser = ScriptedBrowser({"/workspace": (200, "ok")})
    assert time_page(browser, "agency", "/agencies/7", 5) == PageTiming(
        "agency", "/agencies/7", missing="/agencies/7 answers 404")
    served = time_page(browser, "workspace", "/workspace", 5)
    assert (served.p50_ms, served.p95_ms, served.missing) == (10.0, 10.0, "")
    assert browser.asked.count("/workspace") == 6  # a warm-up, then the five timed


def test_a_served_page_that_fails_stops_the_run():
    with pytest.raises(RuntimeError, match="answered 500"):
        time_page(ScriptedBrowser({"/workspace": (500, "oops")}), "workspace", "/workspace", 3)


def test_the_report_gives_each_page_its_ratio_to_the_baseline():
    lines: list[str] = []
    _report([PageTiming("baseline GET /healthz", "/healthz", 2.0, 4.0), PageTiming("GET /workspace", "/workspace",
             10.0, 20.0), PageTiming("GET /findings (page 500, keyset)", None, missing="/findings has only 3 pages")],
            requests=5, workers=2, echo=lines.append)  # fmt: skip
    assert "5 timed requests per page" in lines[0]
    assert lines[2].startswith("GET /workspace") and "p95    20.0 ms" in lines[2]
    assert "(5.0x the baseline p95)" in lines[2]
    assert "not available (/findings has only 3 pages)" in lines[3]
