"""Findings on the web: the queue (inspectors: every finding, with filters, orders, keyset pages, exports and bulk
verify / dismiss / assign; an agency: its own, with due dates) and one finding's page (the rule, its citation, the
evidence, the agency's response with files, the history), where an agency answers.

What a reader sees comes from the scoped services API v1 uses: an agency never reaches another agency's finding, nor a
complaint finding no inspector has disclosed to it (404, as for one that does not exist). NGOs have no findings.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from pydantic import ValidationError

from recruitment_watch.db import get_engine, get_session, new_session
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.casework import findings as workflow
from recruitment_watch.services.casework.evidence import check_all
from recruitment_watch.services.casework.finding_detail import finding_detail
from recruitment_watch.services.casework.finding_queue import (
    SEVERITIES,
    STATUSES,
    UNASSIGNED,
    FindingRow,
    every_row,
    finding_queue,
    queue_choices,
)
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web import finding_forms as forms
from recruitment_watch.web.access import actor, for_roles, writing
from recruitment_watch.web.complaint_forms import DESTINATIONS, ORIGINS
from recruitment_watch.web.evidence_files import (
    commit_with_files,
    evidence_download,
    evidence_limits,
    takes_evidence,
    uploads,
)
from recruitment_watch.web.forms import choices
from recruitment_watch.web.listing import csv_download, wants_csv, wants_xlsx, xlsx_download

bp = Blueprint("findings", __name__, url_prefix="/findings")
readers = for_roles(Role.agency, Role.inspector, Role.admin)
staff = for_roles(Role.inspector, Role.admin)


def _bulk_form(session, posted: bool = False) -> forms.BulkFindingForm:
    form = forms.BulkFindingForm() if posted else forms.BulkFindingForm(formdata=None)
    form.assignee.choices = choices([(0, _("nobody"))] + queue_choices(actor(), session=session).inspectors)
    return form


@bp.get("")
@readers
def queue():
    """The findings the reader may see, narrowed and ordered by the filters, a page at a time (or all, exported)."""
    db = get_session()
    offered = queue_choices(actor(), session=db)
    filters = forms.filters_from_request(offered.packs)
    if wants_csv():
        return csv_download("findings.csv", forms.EXPORT_HEADER, _exported(filters), forms.export_line)
    if wants_xlsx():
        return xlsx_download("findings.xlsx", forms.EXPORT_HEADER, _exported(filters), forms.export_line)
    page = finding_queue(actor(), filters, session=db, cursor=request.args.get("cursor", ""))
    staff_reader = actor().sees_everything
    return render_template(
        "findings/queue.html", page=page, filters=filters, offered=offered, staff=staff_reader,
        form=_bulk_form(db) if staff_reader else None, severities=SEVERITIES, statuses=STATUSES,
        status_labels=forms.STATUS_LABELS, order_labels=forms.ORDER_LABELS, unassigned=UNASSIGNED,
        origins=ORIGINS, destinations=DESTINATIONS,
    )  # fmt: skip


def _exported(filters) -> Iterator[FindingRow]:
    """Every filtered row, read on a session of the export's own: it lives as long as the response streams and is
    closed when the response ends, however it ends."""
    who = actor()
    session = new_session(get_engine())
    try:
        yield from every_row(who, filters, session=session)
    finally:
        session.close()


def _back() -> str:
    back = request.form.get("next", "")
    return back if back.startswith("/findings") and "//" not in back and "\\" not in back else url_for("findings.queue")


def _ticked() -> list[int]:
    return [int(value) for value in request.form.getlist("findings") if value.isdigit() and len(value) < 16]


@bp.post("/bulk")
@staff
def bulk():
    """Verify, dismiss or assign the ticked findings; a dismissal is confirmed on a second page first."""
    form = _bulk_form(get_session(), posted=True)
    if not form.validate_on_submit():
        flash(_("Choose what to do with the ticked findings."), "error")
        return redirect(_back())
    action, ids = workflow.BulkAction(form.action.data), _ticked()
    if action is workflow.BulkAction.dismiss and not request.form.get("confirmed") and ids:
        if len((form.reason.data or "").strip()) < 3:
            flash(_("Say why the findings are dismissed."), "error")
            return redirect(_back())
        return render_template("findings/confirm_dismiss.html", ids=sorted(set(ids)), form=form,
                               confirm=forms.ConfirmDismissForm(formdata=None), back=_back())  # fmt: skip
    db = writing()
    try:
        count = workflow.bulk_act(actor(), ids, action, session=db, now=utc_now(), reason=form.reason.data or "",
                                  assignee_user_id=form.assignee.data or None)  # fmt: skip
    except ServiceError as exc:
        db.rollback()
        flash(_(exc.msgid, **exc.params), "error")
    else:
        db.commit()
        flash(ngettext("%(num)d finding changed.", "%(num)d findings changed.", count), "info")
    return redirect(_back())


def _detail_or_404(finding_id: int):
    try:
        return finding_detail(actor(), finding_id, session=get_session())
    except ServiceError:
        abort(404)


def _page(finding_id: int, response_form: forms.ResponseForm | None = None, status: int = 200):
    detail = _detail_or_404(finding_id)
    is_agency = actor().role is Role.agency
    return render_template(
        "findings/finding.html", detail=detail, finding=detail.finding, staff=actor().sees_everything,
        response_form=(response_form or forms.ResponseForm(formdata=None)) if is_agency and detail.is_open else None,
        bulk_form=_bulk_form(get_session()) if actor().sees_everything and detail.is_open else None,
        status_labels=forms.STATUS_LABELS, history_labels=forms.HISTORY_LABELS,
    ), status  # fmt: skip


@bp.get("/<int:finding_id>")
@readers
def finding(finding_id: int):
    """One finding: the rule it applies, its evidence, the agency's response and its history."""
    return _page(finding_id)


@bp.post("/<int:finding_id>/respond")
@for_roles(Role.agency)
@takes_evidence
def respond(finding_id: int):
    """The agency answers its finding with text and evidence files (nothing is stored if a file is refused)."""
    _detail_or_404(finding_id)
    form = forms.ResponseForm()
    if form.validate_on_submit():
        try:
            data = workflow.FindingResponseInput(text=form.text.data)
            count, size = workflow.attachment_totals(get_session(), finding_id)
            clean = check_all(uploads(request.files.getlist(form.evidence.name)), evidence_limits(),
                              already_files=count, already_bytes=size)  # fmt: skip
            commit_with_files(clean, lambda db, stored: workflow.respond_to_finding(
                actor(), finding_id, data, session=db, files=stored))  # fmt: skip
        except ValidationError as exc:
            form.text.errors = [*form.text.errors, exc.errors()[0]["msg"]]
        except ServiceError as exc:
            get_session().rollback()
            target = form.evidence if exc.field == "evidence" else form.text
            target.errors = [*target.errors, _(exc.msgid, **exc.params)]
        else:
            flash(_("Your response was sent to the ministry."), "info")
            return redirect(url_for("findings.finding", finding_id=finding_id))
    return _page(finding_id, form, status=400)


@bp.get("/<int:finding_id>/files/<int:file_id>")
@readers
def download(finding_id: int, file_id: int):
    """A file of the agency's response, as a download (never shown inline, never sniffed as another type)."""
    try:
        attachment = workflow.attachment_of(actor(), finding_id, file_id, session=get_session())
        return evidence_download(attachment)
    except (ServiceError, ValueError):  # ValueError: a storage key that is not the store's
        abort(404)
