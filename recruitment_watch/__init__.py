"""recruitment_watch: fair-recruitment monitoring and compliance.

``create_app`` wires config → database → web → API → CLI → jobs → dev tools; ``main`` is the
``recruitment-watch`` command. This module is the one place that knows every edge. Nothing runs at import: no
engine, no scheduler, no settings.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from typing import Any

import click
from apiflask import APIFlask
from flask import Flask
from flask.cli import FlaskGroup

from recruitment_watch.paths import shipped_dir


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app. ``config`` (tests) overrides the instance file and ``RW_*`` environment variables."""
    from recruitment_watch import api, auditing, cli, db, devtools, jobs, security_headers, web
    from recruitment_watch.config import (
        DEFAULTS,
        default_database_url,
        from_environment,
        instance_secret_key,
        refuse_unsafe,
    )

    app = APIFlask(
        __name__,
        title="recruitment_watch API",
        version="1.0.0",
        spec_path="/api/v1/openapi.json",
        docs_path=None,  # served by api.docs_page from the app itself (no CDN)
        instance_path=os.environ.get("RW_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(shipped_dir("templates")),
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment(os.environ))
    if config:
        app.config.update(config)

    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = default_database_url(app.instance_path)
    if not app.config["EVIDENCE_FOLDER"]:  # resolved here so jobs and commands, outside a request, find the files
        app.config["EVIDENCE_FOLDER"] = os.path.join(app.instance_path, "evidence")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    refuse_unsafe(app.config)

    db.init_app(app)
    auditing.init_app(app)
    security_headers.init_app(app)
    web.init_app(app)
    api.init_app(app)
    web.csrf.exempt(api.blueprint.bp)  # the API authenticates with keys in a header, never with the cookie
    web.init_error_pages(app)
    cli.init_app(app)
    jobs.init_app(app)
    devtools.init_app(app)
    if not app.testing:
        # What is built by now (modules, the app, mappers, catalogues: hundreds of thousands of objects) lives as long
        # as the process. Frozen, the collector's full passes stop walking it: a page that allocates many objects (the
        # workspace at 1 M contracts) no longer pays for the whole heap now and then (median 76 → 53 ms in process).
        gc.freeze()
    return app


def _create_app(*_args: object) -> Flask:
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=True)
def main() -> None:
    """Fair-recruitment monitoring and compliance (recruitment_watch)."""
