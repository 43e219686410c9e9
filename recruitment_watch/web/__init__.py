"""Server-rendered pages, one thin blueprint per area."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every web blueprint."""
    from recruitment_watch.web import public

    app.register_blueprint(public.bp)
