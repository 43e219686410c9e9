"""Accessibility checks with axe-core (vendored in ``vendor/``, see its README).

axe is put into the page with ``page.evaluate``, which runs through the DevTools protocol: the page's
Content-Security-Policy (``script-src 'self'``, no inline script) does not govern it, so the page is audited under
its real CSP. ``add_script_tag(content=...)`` would be an inline script the CSP blocks, and a context with
``bypass_csp=True`` would also hide the CSP violations the tests look for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
# axe's impact levels, least to most severe.
IMPACTS = ("minor", "moderate", "serious", "critical")

_RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    help_url: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    """One axe rule the page breaks, with the elements that break it."""

    id: str
    impact: str
    help: str
    help_url: str
    nodes: list[dict[str, str]]

    def __str__(self) -> str:
        lines = [f"{self.impact}: {self.id} — {self.help} ({self.help_url})"]
        for node in self.nodes:
            lines.append(f"    at {node['target']}")
            lines.extend(f"       {line}" for line in node["summary"].splitlines() if line.strip())
        return "\n".join(lines)


@cache
def axe_source() -> str:
    """The vendored axe-core script, read once per session."""
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[Violation]:
    """Run axe on ``page`` as it is now; the violations whose impact is one of ``impacts``."""
    unknown = set(impacts) - set(IMPACTS)
    if unknown:
        raise ValueError(f"unknown axe impacts {sorted(unknown)}; axe knows {IMPACTS}")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source() + "\n;undefined")  # the trailing expression: nothing to send back
    return [Violation(**found) for found in page.evaluate(_RUN_AXE) if found["impact"] in impacts]


def describe(violations: list[Violation]) -> str:
    """The violations as an assertion message a person can act on."""
    return f"{len(violations)} accessibility violation(s):\n" + "\n".join(str(found) for found in violations)
