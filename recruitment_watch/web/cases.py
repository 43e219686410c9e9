"""Inspectors' case management: the complaint queue (filters, bulk assignment, CSV) and the case page (timeline,
parties, messages, notes, status, outcome, merge, internal working files), through the casework services.

Every view is for ministry inspectors and admins; anyone else gets 404. Files are served only here, as downloads.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm

from recruitment_watch.db import get_session
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import BINDING_SEVERITIES, ComplaintStatus, Role
from recruitment_watch.services.casework import cases
from recruitment_watch.services.casework.case_file import CaseFile, case_file
from recruitment_watch.services.casework.case_queue import (
    CATEGORIES,
    UNASSIGNED,
    QueueFilters,
    SlaState,
    case_queue,
    ministry_inspectors,
    queue_choices,
)
from recruitment_watch.services.casework.evidence import evidence_batch
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web.access import actor, for_roles, writing
from recruitment_watch.web.case_forms import (
    CATEGORY_LABELS,
    OUTCOME_LABELS,
    SLA_LABELS,
    AssignForm,
    BulkAssignForm,
    MergeForm,
    MessageForm,
    NoteForm,
    OutcomeForm,
    StatusForm,
    WorkingFileForm,
)
from recruitment_watch.web.evidence_files import (
    evidence_download,
    evidence_limits,
    evidence_store,
    takes_evidence,
    uploads,
)
from recruitment_watch.web.forms import choices
from recruitment_watch.web.listing import csv_download, listed, wants_csv, whole_list
from recruitment_watch.web.vocabulary import term

bp = Blueprint("cases", __name__, url_prefix="/cases")
staff = for_roles(Role.inspector, Role.admin)
FORMS: dict[str, type[FlaskForm]] = {"assign": AssignForm, "message": MessageForm, "note": NoteForm,
                                     "status": StatusForm, "close": OutcomeForm, "merge": MergeForm,
                                     "files": WorkingFileForm}  # fmt: skip


def _filters() -> QueueFilters:
    args = request.args
    agency = args.get("agency", "")

    def picked(name: str, allowed) -> str:
        value = args.get(name, "")
        return value if value in allowed else ""

    return QueueFilters(
        category=picked("category", CATEGORIES), severity=picked("severity", {s.value for s in BINDING_SEVERITIES}),
        status=picked("status", {s.value for s in ComplaintStatus}),
        sla_state=picked("sla", {s.value for s in SlaState}),
        agency_id=int(agency) if agency.isdigit() and len(agency) < 10 else None,
        origin_country=args.get("origin", "")[:2], destination_country=args.get("destination", "")[:2],
        assignee=args.get("assignee", "")[:10],
    )  # fmt: skip


def _assignees(session) -> list:
    return choices([(0, _("nobody"))] + ministry_inspectors(session, actor().organisation_id))


@bp.get("")
@staff
def queue():
    """The complaints, newest first, narrowed by the filters; tick cases to assign them together."""
    filters, db, now = _filters(), get_session(), utc_now()

    def fetch(offset: int, limit: int):
        return case_queue(actor(), filters, session=db, now=now, offset=offset, limit=limit)

    if wants_csv():
        header = ["reference", "received_at", "categories", "severity", "status", "sla_state", "next_due_at",
                  "agency", "respondent_as_typed", "origin", "destination", "assignee", "duplicate_of_id"]  # fmt: skip
        return csv_download("cases.csv", header, whole_list(fetch), lambda r: [
            r.reference, r.received_at, " ".join(r.categories), r.severity, r.status, r.sla_state, r.next_due_at,
            r.agency_name, r.respondent_name, r.origin_country, r.destination_country, r.assignee_name,
            r.duplicate_of_id])  # fmt: skip
    rows, page = listed(fetch)
    form = BulkAssignForm(formdata=None)
    form.assignee.choices = _assignees(db)
    return render_template(
        "cases/queue.html", rows=rows, page=page, filters=filters, offered=queue_choices(actor(), session=db),
        form=form, categories=CATEGORIES, category_labels=CATEGORY_LABELS, sla_labels=SLA_LABELS,
        severities=[s.value for s in BINDING_SEVERITIES], statuses=[s.value for s in ComplaintStatus],
        unassigned=UNASSIGNED,
    )  # fmt: skip


@bp.post("/assign")
@staff
def bulk_assign():
    """Assign every ticked case to one inspector (or to nobody)."""
    form = BulkAssignForm()
    form.assignee.choices = _assignees(get_session())
    back = request.form.get("next", "")
    back = back if back.startswith("/cases") and "//" not in back else url_for("cases.queue")
    if not form.validate_on_submit():
        flash(_("Choose whom to assign the cases to."), "error")
        return redirect(back)
    ids = [int(value) for value in request.form.getlist("cases") if value.isdigit() and len(value) < 10]
    db = writing()
    try:
        count = cases.bulk_assign(actor(), ids, form.assignee.data or None, session=db)
    except ServiceError as exc:
        db.rollback()
        flash(_(exc.msgid, **exc.params), "error")
    else:
        db.commit()
        flash(ngettext("%(num)d case assigned.", "%(num)d cases assigned.", count), "info")
    return redirect(back)


def _prepared(name: str, form: FlaskForm, file: CaseFile) -> FlaskForm:
    """Give a form its choices (and its current value, when it is not the one just posted)."""
    posted = request.method == "POST"
    if name == "assign":
        form.assignee.choices = _assignees(get_session())
        if not posted:
            form.assignee.data = file.complaint.assignee_user_id or 0
    elif name == "status":
        form.status.choices = choices((s.value, term(s.value)) for s in ComplaintStatus)
        if not posted:
            form.status.data = file.complaint.status
    elif name == "close":
        form.outcome.choices = choices((value, str(label)) for value, label in OUTCOME_LABELS.items())
    elif name == "merge":
        form.target.choices = choices((d.id, d.reference) for d in file.duplicates)
    return form


def _page(file: CaseFile, posted: dict[str, FlaskForm] | None = None, status: int = 200):
    forms = {name: _prepared(name, (posted or {}).get(name) or cls(formdata=None), file) for name, cls in FORMS.items()}
    return render_template("cases/case.html", file=file, complaint=file.complaint, forms=forms,
                           outcome_labels=OUTCOME_LABELS, category_labels=CATEGORY_LABELS), status  # fmt: skip


def _case_or_404(reference: str) -> CaseFile:
    try:
        return case_file(actor(), reference, session=get_session())
    except ServiceError:
        abort(404)


@bp.get("/<reference>")
@staff
def case(reference: str):
    """One case: what it is about, its history, and what the inspector can do."""
    return _page(_case_or_404(reference))


@bp.post("/<reference>/<action>")
@staff
@takes_evidence
def act(reference: str, action: str):
    """Carry out one of the case page's forms; a refusal shows the page again with the reason on the field."""
    if action not in FORMS:
        abort(404)
    file = _case_or_404(reference)
    form = _prepared(action, FORMS[action](), file)
    if form.validate_on_submit():
        db = writing()
        try:
            complaint = cases.case_of(actor(), reference, session=db)
            with evidence_batch(evidence_store()) as batch:
                _carry_out(action, form, complaint, db, batch)
                db.commit()
                batch.keep()
        except ServiceError as exc:
            db.rollback()
            target = getattr(form, exc.field or "", None) or getattr(form, "files" if action == "files" else "", None)
            (target.errors if target is not None else form.form_errors).append(_(exc.msgid, **exc.params))
        else:
            flash(_("Done."), "info")
            return redirect(url_for("cases.case", reference=reference))
        file = _case_or_404(reference)
    return _page(file, {action: form}, status=400)


def _carry_out(action: str, form, complaint, db, batch) -> None:
    who, now = actor(), utc_now()
    if action == "assign":
        cases.assign(who, complaint, form.assignee.data or None, session=db)
    elif action == "message":
        cases.add_message(who, complaint, form.text.data, session=db)
    elif action == "note":
        cases.add_note(who, complaint, form.text.data, session=db)
    elif action == "status":
        cases.change_status(who, complaint, form.status.data, session=db, now=now)
    elif action == "close":
        decision = cases.Decision(form.outcome.data, form.referred_to.data or "", form.amount_recovered.data or "",
                                  form.currency.data or "", form.closing_note.data or "")  # fmt: skip
        cases.close_case(who, complaint, decision, session=db, now=now)
    elif action == "merge":
        cases.merge_into(who, complaint, form.target.data, confirmed=bool(form.confirm.data), session=db)
    else:
        cases.add_working_files(who, complaint, uploads(request.files.getlist(form.files.name)),
                                limits=evidence_limits(), batch=batch, session=db)  # fmt: skip


@bp.get("/<reference>/files/<int:attachment_id>")
@staff
def download(reference: str, attachment_id: int):
    """A file of the case, as a download (never shown inline, never sniffed as another type)."""
    db = get_session()
    try:
        complaint = cases.case_of(actor(), reference, session=db)
        attachment = cases.attachment_of(actor(), complaint, attachment_id, session=db)
        return evidence_download(attachment)
    except (ServiceError, ValueError):  # ValueError: a storage key that is not the store's
        abort(404)
