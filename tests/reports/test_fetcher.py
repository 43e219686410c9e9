"""WeasyPrint's URL fetcher serves the app's static files and nothing else, so report data can never make a report
read a local file or call out to the network."""

from __future__ import annotations

import logging

import pytest

from recruitment_watch.reports.render import BASE_URL, StaticOnlyFetcher, css_string, html_to_pdf


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "https://example.org/tracker.css",
    "http://127.0.0.1:5000/static/site.css",
    BASE_URL + "static/../../../../etc/passwd",
    BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
    BASE_URL + "evidence/receipt.pdf",
    "data:text/css,body{}",
])  # fmt: skip
def test_everything_but_the_static_files_is_refused(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_the_report_stylesheet_is_served_from_the_static_folder():
    answer = StaticOnlyFetcher().fetch(BASE_URL + "static/reports.css")
    assert answer.content_type == "text/css" and b"Noto Nastaliq Urdu" in answer.read()


def test_a_report_naming_a_local_file_renders_without_it(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = html_to_pdf('<html lang="en"><title>t</title><img src="file:///etc/hostname"><p>text</p></html>')
    assert pdf.startswith(b"%PDF")
    assert any("file:///etc/hostname" in record.getMessage() for record in caplog.records)


def test_translated_text_cannot_break_out_of_the_footer_rule():
    assert css_string('page "1" </style><script>') == '"page \\"1\\" \\3c /style>\\3c script>"'
