"""The admins' pages: people, organisations and agencies, API keys, criteria packs, scheduled jobs, security
events. Every view is for admins only; every change goes through a service that records who made it."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """Every admin blueprint."""
    from recruitment_watch.web.admin import jobs, keys, organisations, packs, people, security

    return [people.bp, organisations.bp, keys.bp, packs.bp, jobs.bp, security.bp]
