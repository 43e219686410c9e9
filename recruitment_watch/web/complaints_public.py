"""Complaint pages anyone may use without an account: file a complaint, then follow it with the reference and the
receipt code. No JavaScript, nothing from other sites; the agency search is a button that shows the matches.

Nothing that identifies the device is kept: the services store no address or user agent, the rate limits count
by a keyed digest of the address (recruitment_watch/rate_limits.py), and the access log leaves these paths'
address and user agent out (recruitment_watch/access_log.py).
"""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from pydantic import ValidationError

from recruitment_watch.db import get_session
from recruitment_watch.rate_limits import anonymous_key, limiter
from recruitment_watch.services.casework import attachments, public_filing
from recruitment_watch.services.casework.complaints import visible_events
from recruitment_watch.services.casework.evidence import check_all
from recruitment_watch.services.casework.public_filing import PublicComplaintInput, ReceiptRefused, WhatHappened
from recruitment_watch.services.casework.receipts import grouped
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web.access import public
from recruitment_watch.web.complaint_forms import (
    PublicComplaintForm,
    ReplyForm,
    StatusForm,
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

bp = Blueprint("complaints_public", __name__, url_prefix="/complaints")


def _filing_limit() -> str:
    return current_app.config["COMPLAINT_FILING_RATE_LIMIT"]


def _status_limit() -> str:
    return current_app.config["COMPLAINT_STATUS_RATE_LIMIT"]


@bp.route("/new", methods=["GET", "POST"])
@public
@takes_evidence
@limiter.limit(_filing_limit, key_func=anonymous_key, methods=["POST"],
               deduct_when=lambda response: response.status_code != 200)  # fmt: skip
def new():
    """The complaint form; the agency search re-renders it with the matches; a good submission shows the receipt."""
    form = PublicComplaintForm()
    form.offer_countries()
    offer_agencies(form, none_label=_("None of these / I don't know"))
    if request.method == "POST" and form.find_agency.data:
        return _page("complaints/new.html", form=form, searched=True)
    if not form.validate_on_submit():
        return _page("complaints/new.html", form=form), 400 if request.method == "POST" else 200
    if form.website.data:
        form.form_errors.append(_("The complaint could not be accepted. Please try again."))
        return _page("complaints/new.html", form=form), 400
    try:
        data = PublicComplaintInput(
            filed_by=form.filed_by.data, worker_agrees=form.worker_agrees.data,
            respondent_agency_id=chosen_agency_id(form),
            respondent_name=form.respondent_name.data, incident_date=form.incident_date.data,
            what_happened=[WhatHappened(value) for value in form.what_happened.data],
            incident_place=form.incident_place.data, origin_country=form.origin_country.data or None,
            destination_country=form.destination_country.data or None, language=str(get_locale()),
            summary=form.summary.data, contact=form.contact.data,
        )  # fmt: skip
        clean = check_all(uploads(request.files.getlist(form.evidence.name)), evidence_limits())
        filed = commit_with_files(
            clean, lambda db, stored: public_filing.file_public_complaint(data, session=db, files=stored))  # fmt: skip
    except ServiceError as exc:
        get_session().rollback()
        show_service_error(form, exc)
        return _page("complaints/new.html", form=form), 400
    except ValidationError as exc:
        form.form_errors.extend(error["msg"] for error in exc.errors())
        return _page("complaints/new.html", form=form), 400
    return _page("complaints/filed.html", reference=filed.reference, code=grouped(filed.receipt_code)), 201


@bp.route("/status", methods=["GET", "POST"])
@public
@limiter.limit(_status_limit, key_func=anonymous_key, methods=["POST"],
               deduct_when=lambda response: response.status_code == 403)  # fmt: skip
def status():
    """Reference and receipt code → the case as the complainant sees it; one answer for every wrong pair."""
    form = StatusForm()
    if not form.validate_on_submit():
        return _page("complaints/status.html", form=form), 400 if request.method == "POST" else 200
    try:
        complaint = public_filing.complaint_for_receipt(get_session(), form.reference.data, form.receipt_code.data)
    except ReceiptRefused as exc:
        form.form_errors.append(_(exc.msgid))
        return _page("complaints/status.html", form=form), 403
    reply_form = ReplyForm(formdata=None, reference=complaint.reference, receipt_code=form.receipt_code.data)
    return _case(complaint, reply_form)


@bp.post("/status/reply")
@public
@takes_evidence
@limiter.limit(_status_limit, key_func=anonymous_key, deduct_when=lambda response: response.status_code == 403)
def reply():
    """The complainant's message and files; the code is checked again (no session is kept for them)."""
    form = ReplyForm()
    db = get_session()
    try:
        complaint = public_filing.complaint_for_receipt(db, form.reference.data or "", form.receipt_code.data or "")
    except ReceiptRefused as exc:
        status_form = StatusForm(formdata=None)
        status_form.form_errors.append(_(exc.msgid))
        return _page("complaints/status.html", form=status_form), 403
    if not form.validate_on_submit():
        return _case(complaint, form, status=400)
    try:
        store_reply(complaint, form)
    except ServiceError as exc:
        get_session().rollback()
        show_service_error(form, exc)
        return _case(complaint, form, status=400)
    sent = ReplyForm(formdata=None, reference=complaint.reference, receipt_code=form.receipt_code.data)
    return _case(complaint, sent, notice=_("Your message was sent. The inspector will see it."))


def _case(complaint, reply_form: ReplyForm, *, status: int = 200, notice: str | None = None):
    db = get_session()
    page = _page("complaints/case.html", complaint=complaint, events=visible_events(db, complaint.id),
                 files=attachments.visible_attachments(db, complaint.id), form=reply_form, notice=notice)  # fmt: skip
    return page, status


def _page(template: str, **context):
    """A complaint page: never cached (it may show a receipt code), never sent with a referrer."""
    response = make_response(render_template(template, **context))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
