"""Turn a report's plain data into a PDF: a Jinja2 template (``templates/reports/<kind>.html``) in the report's
language, laid out by WeasyPrint as PDF/A-3b with the document's title, author and language in its metadata.

- Fonts: the Noto families Debian's ``fonts-noto-core`` installs, named per language in ``static/reports.css``
  (fontconfig's own fallback would set Urdu in Kufi instead of Nastaliq); WeasyPrint embeds the subsets used.
- Every page's footer: report id · generated at · page x of y (``@page`` margin box, built here so translated text
  is escaped as a CSS string).
- A QR code (segno, inline SVG) and the short link lead to the public verification page.
- The URL fetcher serves only the app's own static files: ``file://``, the network and anything else is refused,
  so a report can neither read local files nor call out, whatever its data contains.
"""

from __future__ import annotations

import mimetypes
import time
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import segno
from flask import render_template
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from markupsafe import Markup, escape
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from recruitment_watch.paths import PACKAGE_DIR

# The origin the templates' relative links resolve against; ``.invalid`` never resolves on any network.
BASE_URL = "https://report.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
STATIC_DIR = PACKAGE_DIR / "static"
PDF_VARIANT = "pdf/a-3b"
RTL_LANGUAGES = frozenset({"ur", "ar"})
# Unicode bidi classes that can turn a run right to left (letters, Arabic digits, explicit marks).
RIGHT_TO_LEFT_CLASSES = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI", "FSI"})


class StaticOnlyFetcher(URLFetcher):
    """Serves ``https://report.invalid/static/<file>`` from the app's static folder; refuses every other URL."""

    def __init__(self, static_dir: Path = STATIC_DIR) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self._root = static_dir.resolve()

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        """The static file ``url`` names, or ``ValueError`` (WeasyPrint then leaves the resource out)."""
        if not url.startswith(STATIC_PREFIX) or "?" in url or "#" in url or "%" in url:
            raise ValueError(f"report resources come from the app's static files only, not {url[:80]}")
        path = (self._root / url.removeprefix(STATIC_PREFIX)).resolve()
        if not path.is_file() or not path.is_relative_to(self._root):
            raise ValueError(f"no static file {url.removeprefix(STATIC_PREFIX)[:80]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


@dataclass(frozen=True)
class Stamp:
    """What identifies a report on every page and in the verification link."""

    public_id: str
    generated_at: datetime
    language: str
    verify_url: str


@dataclass(frozen=True)
class Rendered:
    """A finished PDF and how long its two halves took."""

    pdf: bytes
    data_ms: int  # filling the template (the builder's SQL time is added by the caller)
    render_ms: int  # WeasyPrint: layout and writing


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes and backslashes escaped, line breaks removed)."""
    cleaned = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    cleaned = cleaned.replace("<", "\\3c ")  # never a "</style>" inside the style element
    return f'"{cleaned}"'


def footer_css(stamp: Stamp) -> Markup:
    """The ``@page`` rule printing "report id · generated at · page x of y" on every page."""
    generated = format_datetime(stamp.generated_at, "yyyy-MM-dd HH:mm 'UTC'")
    parts = _("page %(page)s of %(pages)s", page="\x00", pages="\x01")
    before, _sep, rest = parts.partition("\x00")
    middle, _sep, after = rest.partition("\x01")
    generated_word = _("generated")  # outside the f-string, where the message extractor finds it
    lead = f"{stamp.public_id} · {generated_word} {generated} · "
    content = f"{css_string(lead + before)} counter(page) {css_string(middle)} counter(pages) {css_string(after)}"
    return Markup(f"@page {{ @bottom-center {{ content: {content}; }} }}")


def qr_svg(url: str) -> Markup:
    """The verification link as an inline SVG QR code (drawn locally: nothing is fetched)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=2, border=2, title=url))


def isolator(direction: str) -> Callable[[object], Markup]:
    """``iso(text)`` for the templates: ``text`` in ``<bdi>`` where its direction could be taken wrongly — any text in
    a right-to-left report (a date or an id would be reordered), text with right-to-left characters in a
    left-to-right one — and plain otherwise. Every ``<bdi>`` is an inline box of its own: dropping the needless ones
    in a left-to-right report cut a quarter of WeasyPrint's time on the agency report."""

    def iso(text: object) -> Markup:
        shown = "" if text is None else str(text)
        if direction == "rtl" or any(unicodedata.bidirectional(c) in RIGHT_TO_LEFT_CLASSES for c in shown):
            return Markup("<bdi>%s</bdi>") % shown
        return escape(shown)

    return iso


def report_html(kind: str, data: Any, stamp: Stamp, *, author: str, extra: Mapping[str, Any] | None = None) -> str:
    """The HTML of a report of ``kind`` (its template's name) from ``data``, in ``stamp.language``.

    Call inside an app context: the templates are the app's and the strings its translations.
    """
    direction = "rtl" if stamp.language in RTL_LANGUAGES else "ltr"
    with force_locale(stamp.language):
        return render_template(
            f"reports/{kind}.html", data=data, stamp=stamp, author=author, footer=footer_css(stamp),
            qr=qr_svg(stamp.verify_url), direction=direction, iso=isolator(direction), **(extra or {}),
        )  # fmt: skip


def html_to_pdf(html: str) -> bytes:
    """Lay out ``html`` as PDF/A-3b, resources from the app's static files only."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    with warnings.catch_warnings():
        # WeasyPrint 70 opens its bundled sRGB profile (the PDF/A output intent) without closing it; the file is
        # read whole and closed by the garbage collector. Only that warning is silenced.
        warnings.filterwarnings("ignore", message=r".*sRGB2014\.icc", category=ResourceWarning)
        return document.write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(kind: str, data: Any, stamp: Stamp, *, author: str, extra: Mapping[str, Any] | None = None) -> Rendered:
    """The PDF of a report (see ``report_html``) and how long filling the template and laying it out took."""
    started = time.perf_counter()
    html = report_html(kind, data, stamp, author=author, extra=extra)
    filled = time.perf_counter()
    pdf = html_to_pdf(html)
    done = time.perf_counter()
    return Rendered(pdf, round((filled - started) * 1000), round((done - filled) * 1000))
