"""``recruitment-watch import contracts|payments FILE --agency LICENCE_NO``: the web's CSV import from the console,
through the same service, with a progress bar. Prints each rejected row by line and column; exits 1 when the file
is refused or a row was rejected (0 when every row was stored or was already stored)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models.imports import ImportKind, ImportMode, ImportStatus
from recruitment_watch.services.contracts import csv_import_runs as imports
from recruitment_watch.services.errors import ServiceError


@click.group("import")
def import_group() -> None:
    """Import contracts or fee payments from a CSV file (the columns are listed in docs/imports.md)."""


def _run(kind: str, path: Path, licence_no: str, all_or_nothing: bool) -> None:
    data = path.read_bytes()
    limits, engine = imports.ImportLimits.from_config(current_app.config), get_engine()
    mode = ImportMode.all_or_nothing if all_or_nothing else ImportMode.keep_good
    try:
        with unit_of_work(engine, writing=True) as session:
            actor = imports.importing_as_agency(licence_no, session=session)
            record, checked = imports.start_import(actor, kind, path.name, data, mode.value, session=session,
                                                   limits=limits)  # fmt: skip
    except ServiceError as exc:
        raise click.ClickException(f"{path.name}: {exc} (nothing stored)") from exc
    with click.progressbar(length=2 * max(record.rows_total, 1), label=f"import {record.id}") as bar:
        seen = {"checking": 0, "storing": 0}

        def advance(phase: str, done: int, _total: int) -> None:
            bar.update(done - seen[phase])
            seen[phase] = done

        final = imports.run_import(engine, record.id, actor, checked, progress=advance)
    for error in final.errors:
        click.echo(f"line {error['line']}, {error['field'] or 'row'}: {error['reason']}", err=True)
    if final.status == ImportStatus.failed.value:
        raise click.ClickException(final.failure or "the import failed (nothing stored)")
    nothing = mode is ImportMode.all_or_nothing and final.rows_rejected
    click.echo(f"import {final.id}: {final.rows_stored} stored, {final.rows_duplicate} already stored, "
               f"{final.rows_rejected} rejected{' (all or nothing: nothing stored)' if nothing else ''}")  # fmt: skip
    if final.rows_rejected:
        raise SystemExit(1)


def _command(kind: ImportKind, summary: str) -> click.Command:
    @click.command(kind.value, help=summary)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--agency", "licence_no", required=True, help="The licence number of the agency the rows are for.")
    @click.option("--all-or-nothing", is_flag=True, help="Store nothing when any row is rejected.")
    @with_appcontext
    def command(file: Path, licence_no: str, all_or_nothing: bool) -> None:
        _run(kind.value, file, licence_no, all_or_nothing)

    return command


import_group.add_command(_command(ImportKind.contracts, "Import contracts (one contract, its worker and its first "
                                                       "version per row) from FILE."))  # fmt: skip
import_group.add_command(_command(ImportKind.payments, "Import fee payments (one per row, on the agency's "
                                                      "contracts by reference) from FILE."))  # fmt: skip
