"""CSV bulk upload of contracts and fee payments: the agency's imports with the upload form, the documented columns
and their templates; one import's result (progress while it runs, then every rejected row by line, field and
reason, also as CSV). Inspectors and admins read every agency's imports; only an agency's staff upload.

A file of at most ``IMPORT_INLINE_MAX_ROWS`` rows is imported while the upload waits. A larger one is handed to a
daemon thread of this web process: the simplest worker that needs no new moving part (the scheduler's one thread
serves the sweeps, and an import must not wait for a slot). The thread keeps the file in memory only; if the process
dies the import is marked failed once it has shown no progress for ``IMPORT_STALE_MINUTES`` (nothing was stored —
the storing is one transaction), and the agency uploads the file again.
"""

from __future__ import annotations

import threading

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, SubmitField

from recruitment_watch.db import get_engine, get_session
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.imports import ImportKind, ImportMode, ImportStatus
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.contracts import csv_import_runs as imports
from recruitment_watch.services.contracts.csv_columns import columns_of, template_csv
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web.access import actor, for_roles, writing
from recruitment_watch.web.forms import choices
from recruitment_watch.web.listing import csv_download, listed

bp = Blueprint("imports", __name__, url_prefix="/imports")
readers = for_roles(Role.agency, Role.inspector, Role.admin)
KIND_LABELS = {ImportKind.contracts.value: _l("Contracts"), ImportKind.payments.value: _l("Fee payments")}
MODE_LABELS = {ImportMode.keep_good.value: _l("Store the good rows, list the rejected ones"),
               ImportMode.all_or_nothing.value: _l("All or nothing: store nothing if any row is rejected")}  # fmt: skip
STATUS_LABELS = {ImportStatus.queued.value: _l("waiting"), ImportStatus.running.value: _l("in progress"),
                 ImportStatus.done.value: _l("finished"), ImportStatus.failed.value: _l("failed")}  # fmt: skip
REFRESH_SECONDS = 2


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=choices(KIND_LABELS.items()))
    mode = RadioField(_l("When some rows are rejected"), choices=choices(MODE_LABELS.items()),
                      default=ImportMode.keep_good.value)  # fmt: skip
    file = FileField(_l("CSV file (UTF-8, comma separated)"), validators=[FileRequired(_l("Choose a CSV file."))])
    submit = SubmitField(_l("Upload and import"))


def _upload_body_limit() -> None:
    """The upload form may be as large as an import file (other requests keep ``MAX_CONTENT_LENGTH``). Runs before
    CSRF protection, which reads the form and so the body."""
    if request.endpoint == "imports.upload":
        request.max_content_length = current_app.config["IMPORT_MAX_FILE_BYTES"] + 1024 * 1024


@bp.record_once
def _install_body_limit(state) -> None:
    state.app.before_request_funcs.setdefault(None, []).insert(0, _upload_body_limit)


def _limits() -> imports.ImportLimits:
    return imports.ImportLimits.from_config(current_app.config)


def _fail_abandoned() -> None:
    """Mark imports a dead process left unfinished as failed (writes only when there is one)."""
    limits, now = _limits(), utc_now()
    if imports.has_abandoned(session=get_session(), now=now, stale_after=limits.stale_after):
        db = writing()
        imports.fail_abandoned(session=db, now=now, stale_after=limits.stale_after)
        db.commit()


def _index(form: ImportForm, status: int = 200, earlier: int | None = None):
    _fail_abandoned()
    rows, page = listed(lambda offset, limit: imports.imports_of(actor(), session=get_session(), offset=offset,
                                                                 limit=limit))  # fmt: skip
    return render_template("imports/index.html", rows=rows, page=page, form=form,
                           uploads=actor().role is Role.agency, kinds=KIND_LABELS, statuses=STATUS_LABELS,
                           earlier=earlier,
                           columns={kind: columns_of(kind) for kind in KIND_LABELS}), status  # fmt: skip


@bp.get("")
@readers
def index():
    """The imports (an agency's own; every agency's for the ministry) and, for an agency, the upload form."""
    return _index(ImportForm(formdata=None))


@bp.post("")
@for_roles(Role.agency)
def upload():
    """Check the file, record the import, and run it now (small file) or in a worker thread (large file)."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _index(form, 400)
    storage = form.file.data
    data, limits = storage.read(), _limits()
    db = writing()
    try:
        record, checked = imports.start_import(actor(), form.kind.data, storage.filename or "", data, form.mode.data,
                                               session=db, limits=limits)  # fmt: skip
    except imports.AlreadyImported as exc:
        db.rollback()
        form.file.errors.append(_(exc.msgid, **exc.params))
        return _index(form, 409, earlier=exc.import_id)
    except ServiceError as exc:
        db.rollback()
        form.file.errors.append(_(exc.msgid, **exc.params))
        return _index(form, 400)
    db.commit()
    engine = get_engine()
    if record.rows_total <= int(current_app.config["IMPORT_INLINE_MAX_ROWS"]):
        imports.run_import(engine, record.id, actor(), checked)
    else:
        threading.Thread(target=imports.run_import, args=(engine, record.id, actor(), checked),
                         name=f"rw-import-{record.id}", daemon=True).start()  # fmt: skip
    return redirect(url_for("imports.result", import_id=record.id))


def _visible(import_id: int):
    try:
        return imports.import_of(actor(), import_id, session=get_session())
    except ServiceError:
        abort(404)


@bp.get("/<int:import_id>")
@readers
def result(import_id: int):
    """One import: a progress bar that refreshes itself until the import ends, then what was stored and rejected."""
    _fail_abandoned()
    record = _visible(import_id)
    unfinished = record.status in imports.UNFINISHED
    page = render_template("imports/result.html", record=record, kinds=KIND_LABELS, modes=MODE_LABELS,
                           statuses=STATUS_LABELS, unfinished=unfinished, refresh=REFRESH_SECONDS)  # fmt: skip
    # The Refresh header reloads the page without JavaScript while the import runs.
    return Response(page, headers={"Refresh": str(REFRESH_SECONDS)} if unfinished else {})


@bp.get("/<int:import_id>/errors.csv")
@readers
def errors_csv(import_id: int):
    """The rejected rows' errors as CSV (cells that look like formulas are neutralised)."""
    record = _visible(import_id)
    errors = record.errors or []
    return csv_download(f"import-{record.id}-errors.csv", ["line", "field", "reason"], errors,
                        lambda error: [error.get("line"), error.get("field"), error.get("reason")])  # fmt: skip


@bp.get("/template/contracts.csv", defaults={"kind": ImportKind.contracts.value}, endpoint="template_contracts")
@bp.get("/template/payments.csv", defaults={"kind": ImportKind.payments.value}, endpoint="template_payments")
@readers
def template(kind: str):
    """The template file: the documented columns' header row."""
    return Response("\ufeff" + template_csv(kind), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{kind}-template.csv"'})  # fmt: skip
