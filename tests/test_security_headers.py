"""Security headers on pages and API answers; the API docs load nothing from outside; over-long API URLs get a
problem document."""

from __future__ import annotations

import re

import pytest

from recruitment_watch.security_headers import CONTENT_SECURITY_POLICY

PAGES = ["/", "/healthz", "/api/v1/problems", "/api/v1/openapi.json", "/api/v1/contracts", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_answer_carries_the_security_headers(client, path):
    answer = client.get(path)
    assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY and "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in answer.headers  # plain HTTP: HSTS only over HTTPS


def test_hsts_is_sent_over_https(client):
    answer = client.get("/", base_url="https://rw.example.org")
    assert answer.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_pages_hold_no_inline_script_or_style(client):
    home = client.get("/").get_data(as_text=True)
    assert "<style" not in home and "style=" not in home
    assert not re.search(r"<script(?![^>]*\bsrc=)", home)
    with client.get("/static/site.css") as css:
        assert css.status_code == 200 and "font-family" in css.get_data(as_text=True)


def test_the_api_docs_load_only_from_the_app(client):
    docs = client.get("/api/v1/docs")
    html = docs.get_data(as_text=True)
    assert docs.status_code == 200 and 'data-spec-url="/api/v1/openapi.json"' in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert "script-src 'self';" in docs.headers["Content-Security-Policy"]
    for source in sources:
        if not source.startswith("/api/v1/openapi"):
            with client.get(source) as served:
                assert served.status_code == 200 and len(served.get_data()) > 100, source
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404  # only the files the page uses


def test_an_over_long_api_url_is_a_414_problem(client):
    answer = client.get("/api/v1/contracts", query_string={"cursor": "1-" + "9" * 3000})
    assert answer.status_code == 414 and answer.mimetype == "application/problem+json"
    assert answer.get_json()["type"] == "/api/v1/problems/uri-too-long"
