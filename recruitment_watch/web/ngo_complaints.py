"""The NGO portal: file a complaint on behalf of a worker (their consent recorded; their identity kept in the
protected table, seen only by the assigned inspector), follow the organisation's complaints, answer the inspector
and add evidence, and export the list (CSV or Excel). Every query is scoped to the NGO's own filings."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import func, or_, select

from recruitment_watch.db import get_session
from recruitment_watch.models import Agency, Complaint
from recruitment_watch.models.vocab import ComplaintCategory, ComplaintStatus, ConsentMethod, Role
from recruitment_watch.services.access import scoping
from recruitment_watch.services.casework import attachments
from recruitment_watch.services.casework.complaints import NgoComplaintInput, file_ngo_complaint, visible_events
from recruitment_watch.services.casework.evidence import check_all
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web.access import actor, for_roles
from recruitment_watch.web.case_forms import CATEGORY_LABELS
from recruitment_watch.web.complaint_forms import (
    NgoComplaintForm,
    NgoReplyForm,
    chosen_agency_id,
    offer_agencies,
    show_service_error,
)
from recruitment_watch.web.evidence_files import (
    commit_with_files,
    evidence_limits,
    store_reply,
    takes_evidence,
    uploads,
)
from recruitment_watch.web.forms import choices
from recruitment_watch.web.i18n import LANGUAGES
from recruitment_watch.web.listing import csv_download, listed, wants_csv, wants_xlsx, whole_list, xlsx_download

bp = Blueprint("ngo_complaints", __name__, url_prefix="/ngo/complaints")
ngo_only = for_roles(Role.ngo)
WORKER_LANGUAGES = {**LANGUAGES, "tl": "Filipino", "si": "සිංහල", "ta": "தமிழ்", "id": "Bahasa Indonesia"}
EXPORT_HEADER = ["reference", "received_at", "status", "severity", "categories", "agency", "respondent_name",
                 "origin_country", "destination_country", "ack_due_at", "resolve_due_at", "resolved_at",
                 "outcome"]  # fmt: skip


@bp.get("")
@ngo_only
def index():
    """The NGO's complaints, newest first: search by reference or agency, filter by status; CSV and Excel."""
    search = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    status = status if status in {s.value for s in ComplaintStatus} else ""
    query = scoping.complaints_of(actor(), status=status or None).outerjoin(
        Agency, Agency.id == Complaint.respondent_agency_id)  # fmt: skip
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(Complaint.reference).like(pattern), func.lower(Agency.name).like(pattern),
                                func.lower(Complaint.respondent_name).like(pattern)))  # fmt: skip
    db = get_session()

    def fetch(offset: int, limit: int):
        total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = query.add_columns(Agency.name).order_by(Complaint.received_at.desc(), Complaint.id.desc())
        return db.execute(page.offset(offset).limit(limit)).all(), total

    def line(row):
        c, agency = row
        return [c.reference, c.received_at, c.status, c.severity, c.categories.strip(",").replace(",", " "), agency,
                c.respondent_name, c.origin_country, c.destination_country, c.ack_due_at, c.resolve_due_at,
                c.resolved_at, c.outcome]  # fmt: skip

    if wants_csv():
        return csv_download("complaints.csv", EXPORT_HEADER, whole_list(fetch), line)
    if wants_xlsx():
        return xlsx_download("complaints.xlsx", EXPORT_HEADER, whole_list(fetch), line)
    rows, page = listed(fetch)
    return render_template("ngo/complaints.html", rows=rows, page=page, search=search, status=status,
                           statuses=[s.value for s in ComplaintStatus])  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@ngo_only
@takes_evidence
def new():
    """File a complaint for a worker who consented; the agency search re-renders the form with the matches."""
    form = NgoComplaintForm()
    form.offer_countries()
    form.language.choices = choices(WORKER_LANGUAGES.items())
    form.consent_method.choices = choices([("", _("Choose one")),
                                           *((m.value, _consent_label(m)) for m in ConsentMethod)])  # fmt: skip
    form.categories.choices = choices((c.value, CATEGORY_LABELS[c.value]) for c in ComplaintCategory)
    offer_agencies(form, none_label=_("None of these / not known"))
    if request.method == "POST" and form.find_agency.data:
        return render_template("ngo/new.html", form=form, searched=True)
    if not form.validate_on_submit():
        return render_template("ngo/new.html", form=form), 400 if request.method == "POST" else 200
    try:
        data = NgoComplaintInput(
            consent_recorded=True, consent_method=form.consent_method.data,
            consent_at=form.consent_at.data.replace(tzinfo=UTC), respondent_agency_id=chosen_agency_id(form),
            respondent_name=form.respondent_name.data or None, categories=form.categories.data,
            severity=form.severity.data, language=form.language.data, summary=form.summary.data,
            origin_country=form.origin_country.data or None, destination_country=form.destination_country.data or None,
            incident_date=form.incident_date.data, incident_place=form.incident_place.data or None,
            worker_name=form.worker_name.data or None, worker_passport_no=form.worker_passport_no.data or None,
            worker_phone=form.worker_phone.data or None,
        )  # fmt: skip
        clean = check_all(uploads(request.files.getlist(form.evidence.name)), evidence_limits())
        complaint = commit_with_files(clean, lambda db, stored: _filed_with_files(data, db, stored))
    except ServiceError as exc:
        get_session().rollback()
        show_service_error(form, exc)
        return render_template("ngo/new.html", form=form), 400
    except ValidationError as exc:
        form.form_errors.extend(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return render_template("ngo/new.html", form=form), 400
    flash(_("Complaint %(reference)s is filed. The inspector's answers will show here.",
            reference=complaint.reference), "info")  # fmt: skip
    return redirect(url_for("ngo_complaints.case", reference=complaint.reference))


@bp.route("/<reference>", methods=["GET", "POST"])
@ngo_only
@takes_evidence
def case(reference: str):
    """One of the NGO's complaints: status, due dates, messages both ways, files; the form answers the inspector."""
    complaint = _theirs(reference)
    form = NgoReplyForm()
    status = 200
    if form.validate_on_submit():
        try:
            store_reply(complaint, form)
            flash(_("Your message was sent. The inspector will see it."), "info")
            return redirect(url_for("ngo_complaints.case", reference=complaint.reference))
        except ServiceError as exc:
            get_session().rollback()
            show_service_error(form, exc)
            status = 400
    elif request.method == "POST":
        status = 400
    db = get_session()
    return render_template("ngo/case.html", complaint=complaint, events=visible_events(db, complaint.id),
                           files=attachments.visible_attachments(db, complaint.id), form=form,
                           agency=db.get(Agency, complaint.respondent_agency_id) if complaint.respondent_agency_id
                           else None), status  # fmt: skip


def _filed_with_files(data: NgoComplaintInput, db, stored) -> Complaint:
    complaint = file_ngo_complaint(actor(), data, session=db)
    attachments.attach(db, complaint, stored, now=complaint.received_at, user_id=actor().user_id)
    return complaint


def _theirs(reference: str) -> Complaint:
    """The NGO's own complaint by reference; 404 for anyone else's (as for one that does not exist)."""
    if len(reference) > 24:
        abort(404)
    found = get_session().scalar(scoping.complaints_of(actor()).where(Complaint.reference == reference))
    if found is None:
        abort(404)
    return found


def _consent_label(method: ConsentMethod) -> str:
    return {
        ConsentMethod.written: _("in writing (signed form)"),
        ConsentMethod.thumbprint: _("thumbprint on the consent form"),
        ConsentMethod.verbal_witnessed: _("spoken, before a witness"),
        ConsentMethod.electronic: _("electronically (message or e-mail)"),
    }[method]
