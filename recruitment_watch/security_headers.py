"""Security headers on every response, web pages and API alike.

The Content-Security-Policy allows scripts, styles and images from the app only: no inline script or style, no
framing (clickjacking), no plugins. HSTS is sent only over HTTPS (behind a TLS-terminating proxy, run with
``--forwarded-allow-ips`` so Flask sees the scheme). A view may set its own CSP first (the API docs page).
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=63072000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    """Set the headers a response does not set itself."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response of ``app``."""
    app.after_request(add_security_headers)
