"""CLI for the ministry's register: ``register organisation|agency|employer|job-order FILE --by EMAIL`` stores the
JSON body the API's registry operations take (one object, or a list stored all or nothing), answering bad input field
by field, and records the ministry person who registered it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click
from flask.cli import with_appcontext
from pydantic import ValidationError

from recruitment_watch.cli.people import acting_person
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.services.errors import Forbidden, ServiceError
from recruitment_watch.services.registry import agencies

KINDS: dict[str, tuple[Callable[..., Any], Callable[[Any], str]]] = {
    "agency": (agencies.register_agency, lambda a: f"agency {a.id}: {a.name} (licence {a.licence_no}, {a.country})"),
    "employer": (agencies.register_employer, lambda e: f"employer {e.id}: {e.name} ({e.registration_no}, {e.country})"),
    "organisation": (agencies.register_organisation,
                     lambda o: f"organisation {o.id}: {o.name} ({o.kind}, {o.country})"),
    "job-order": (agencies.register_job_order,
                  lambda o: f"job order {o.id}: {o.quantity} × {o.job_title} for agency {o.agency_id}"),
}  # fmt: skip


@click.command("register")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("body_json", type=click.File("r"))
@click.option("--by", "email", required=True, help="The ministry inspector or admin who registers (e-mail).")
@with_appcontext
def register_command(kind: str, body_json, email: str) -> None:
    """Add an organisation, an agency, a foreign employer or a job order to the register from BODY_JSON (the API's
    body; a list adds several, all or nothing), recorded as registered by --by."""
    try:
        body = json.load(body_json)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not valid JSON: {exc}", param_hint="BODY_JSON") from exc
    items = body if isinstance(body, list) else [body]
    store, describe = KINDS[kind]
    lines = []
    with unit_of_work(get_engine()) as session:
        actor = acting_person(email, session=session)
        for number, item in enumerate(items, start=1):
            where = f"item {number}: " if isinstance(body, list) else ""
            try:
                row = store(item, actor=actor, session=session)
            except Forbidden as exc:
                raise click.UsageError(f"{exc} (nothing stored)") from exc
            except ValidationError as exc:
                problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(body)'}: {e['msg']}" for e in exc.errors())
                raise click.UsageError(f"{where}{problems} (nothing stored)") from exc
            except ServiceError as exc:
                raise click.UsageError(f"{where}{exc.field or '(body)'}: {exc} (nothing stored)") from exc
            lines.append(f"{describe(row)}, registered by {agencies.who_registered(row, session=session)}")
    for line in lines:
        click.echo(line)
