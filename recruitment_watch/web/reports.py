"""PDF reports on the web: the list and the form to ask for one (agencies: their own agency's report; inspectors
and admins: any agency, the ministry period report, a complaint's case file), the progress page (refreshing itself
until the worker is done), the download, and the public verification page where anyone holding a report checks it.

The rendering never runs in the request: it starts a capped worker process (``reports.run``) and the progress page
follows the report row. Every report id goes through the actor's scope; another organisation's report is a 404.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from recruitment_watch.db import get_engine, get_session
from recruitment_watch.models import Agency
from recruitment_watch.models.reports import ReportKind, ReportStatus
from recruitment_watch.models.vocab import Role
from recruitment_watch.reports import store
from recruitment_watch.reports.run import render_in_background
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web.access import actor, for_roles, public, writing
from recruitment_watch.web.forms import choices
from recruitment_watch.web.i18n import LANGUAGES
from recruitment_watch.web.listing import listed

bp = Blueprint("reports", __name__, url_prefix="/reports")
readers = for_roles(Role.agency, Role.inspector, Role.admin)
KIND_LABELS = {ReportKind.agency: _l("Agency compliance report"), ReportKind.ministry: _l("Ministry period report"),
               ReportKind.complaint: _l("Complaint case file")}  # fmt: skip
REFRESH_SECONDS = 3


class ReportForm(FlaskForm):
    kind = SelectField(_l("Report"))
    licence_no = StringField(_l("Agency licence number"), validators=[Optional(), Length(max=64)])
    period_start = DateField(_l("Period from"), validators=[Optional()])
    period_end = DateField(_l("Period to (included)"), validators=[Optional()])
    reference = StringField(_l("Complaint reference"), validators=[Optional(), Length(max=24)])
    language = SelectField(_l("Language of the report"))
    submit = SubmitField(_l("Make the report"))


class CheckFileForm(FlaskForm):
    pdf = FileField(_l("The report's PDF file"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))


def _ministry() -> bool:
    return actor().sees_everything


def _form(formdata=None) -> ReportForm:
    form = ReportForm(formdata=formdata) if formdata is not None else ReportForm()
    kinds = list(ReportKind) if _ministry() else [ReportKind.agency]
    form.kind.choices = choices((kind.value, KIND_LABELS[kind]) for kind in kinds)
    form.language.choices = choices((code, LANGUAGES[code]) for code in store.LANGUAGES)
    if not _ministry() and actor().agency_id is not None and not form.licence_no.data:
        agency = get_session().get(Agency, actor().agency_id)
        form.licence_no.data = agency.licence_no if agency else ""
    return form


def _page(form: ReportForm, status: int = 200):
    def fetch(offset: int, limit: int):
        return store.list_reports(actor(), session=get_session(), offset=offset, limit=limit)

    rows, page = listed(fetch)
    return render_template("reports/pages/index.html", rows=rows, page=page, form=form, kind_labels=KIND_LABELS,
                           ministry=_ministry()), status  # fmt: skip


@bp.get("")
@readers
def index():
    """The reports the reader may see, newest first, and the form to ask for another."""
    return _page(_form(formdata=None))


@bp.post("")
@readers
def generate():
    """Record the report asked for, start its worker, and follow its progress."""
    form = _form()
    if not form.validate_on_submit():
        return _page(form, 400)
    asked = store.ReportRequest(
        ReportKind(form.kind.data), language=form.language.data, licence_no=(form.licence_no.data or "").strip(),
        period_start=form.period_start.data, period_end=form.period_end.data,
        complaint_reference=(form.reference.data or "").strip(),
    )  # fmt: skip
    db = writing()
    try:
        report = store.request_report(actor(), asked, via="web", session=db)
    except ServiceError as exc:
        db.rollback()
        form.kind.errors = [*form.kind.errors, _(exc.msgid, **exc.params)]
        return _page(form, 400)
    public_id, report_id = report.public_id, report.id
    db.commit()
    render_in_background(report_id, engine=get_engine(), config=current_app.config,
                         instance_path=current_app.instance_path)  # fmt: skip
    return redirect(url_for("reports.show", public_id=public_id), 303)


def _scoped(public_id: str):
    try:
        return store.report_of(actor(), public_id, session=get_session())
    except ServiceError:
        abort(404)


@bp.get("/<public_id>")
@readers
def show(public_id: str):
    """One report: its progress while it renders (the page reloads itself), then the download."""
    report = _scoped(public_id)
    working = report.status in (ReportStatus.queued.value, ReportStatus.rendering.value)
    response = current_app.make_response(render_template(
        "reports/pages/show.html", report=report, scope=store.scope_of(report, _agency_name(report)),
        kind_label=KIND_LABELS[ReportKind(report.kind)], working=working,
        verify_link=store.verify_url(current_app.config, report.verification_token)))  # fmt: skip
    if working:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


def _agency_name(report) -> str | None:
    agency = get_session().get(Agency, report.agency_id) if report.agency_id else None
    return agency.name if agency else None


@bp.get("/<public_id>/download")
@readers
def download(public_id: str):
    """The finished PDF, as an attachment."""
    report = _scoped(public_id)
    path = store.file_path(current_app.instance_path, report)
    if report.status != ReportStatus.done.value or not path.is_file():
        abort(404)
    # Read whole (a report is kilobytes to a few megabytes): no file handle outlives the request.
    return send_file(io.BytesIO(path.read_bytes()), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{report.public_id}.pdf")  # fmt: skip


@bp.route("/verify/<token>", methods=["GET", "POST"])
@public
def verify(token: str):
    """Anyone holding a report (or its QR code) confirms what it is and whether a file is exactly that report."""
    report = store.report_by_token(token, session=get_session())
    form = CheckFileForm()
    if report is None:
        return render_template("reports/pages/verify.html", report=None, form=form), 404
    verdict = None
    if request.method == "POST":
        if form.validate_on_submit():
            verdict = "matches" if store.file_matches(report, form.pdf.data.read()) else "unknown"
        else:
            flash(_("Choose the PDF file to check."), "error")
    return render_template("reports/pages/verify.html", report=report, form=form, verdict=verdict,
                           scope=store.scope_of(report, _agency_name(report)),
                           kind_label=KIND_LABELS[ReportKind(report.kind)])  # fmt: skip
