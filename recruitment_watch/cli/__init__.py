"""The ``recruitment-watch`` command groups of the CLI edge (the scheduler's own groups plug in from ``jobs``).

Each command parses its options, opens one unit of work, calls services, and commits once; commands hold no queries.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from recruitment_watch.cli.audit import audit_group
    from recruitment_watch.cli.backup import backup_command, restore_command
    from recruitment_watch.cli.checks import agencies_group, checks_group, packs_group
    from recruitment_watch.cli.database import db_group
    from recruitment_watch.cli.findings import findings_group
    from recruitment_watch.cli.imports import import_group
    from recruitment_watch.cli.keys import keys_group
    from recruitment_watch.cli.licences import licences_group
    from recruitment_watch.cli.notifications import notifications_group
    from recruitment_watch.cli.pack_review import packs_review
    from recruitment_watch.cli.registry import register_command
    from recruitment_watch.cli.reports import report_group
    from recruitment_watch.cli.retention import retention_group
    from recruitment_watch.cli.serve import serve_command
    from recruitment_watch.cli.users import users_group
    from recruitment_watch.demo.command import demo_command

    app.cli.add_command(db_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(demo_command)
    packs_group.add_command(packs_review)
    app.cli.add_command(packs_group)
    app.cli.add_command(checks_group)
    app.cli.add_command(agencies_group)
    app.cli.add_command(notifications_group)
    app.cli.add_command(findings_group)
    app.cli.add_command(import_group)
    app.cli.add_command(keys_group)
    app.cli.add_command(licences_group)
    app.cli.add_command(register_command)
    app.cli.add_command(report_group)
    app.cli.add_command(serve_command)
    app.cli.add_command(users_group)
    app.cli.add_command(retention_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
