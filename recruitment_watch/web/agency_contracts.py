"""The agency's contract form (registered on the ``agency_portal`` blueprint): "Check" shows what the contract would
break — criterion, message, citation, remediation, severity — and stores nothing; "Submit" stores it through the
service API v1 uses (``prepare_agency_contract`` then ``store_agency_contract``) and shows its reference and preview.
The live preview (static/js/preview.js) posts the same form to ``live_preview`` and shows the same fragment.

The agency is always the signed-in person's: the form has no agency field, and one added to the request is ignored.
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from recruitment_watch.checks.risk import SEVERITY_ORDER
from recruitment_watch.db import get_session
from recruitment_watch.services.contracts.submissions import (
    PreparedContract,
    prepare_agency_contract,
    store_agency_contract,
)
from recruitment_watch.services.criteria.packs import registry_criteria
from recruitment_watch.services.errors import FieldError, Forbidden, Rejected
from recruitment_watch.services.registry.agency_profile import employer_choices, own_agency, own_job_orders
from recruitment_watch.web.access import actor, writing
from recruitment_watch.web.agency_contract_form import ContractForm, contract_payload, error_summary, place_errors
from recruitment_watch.web.forms import choices

STORED_TWICE = _l("A contract with this reference was stored at the same moment; check the reference and submit again.")


def new_contract():
    """The form; "Check" re-renders it with the preview, "Submit" stores the contract and shows it."""
    form = ContractForm()
    try:
        agency = own_agency(actor(), session=get_session())
    except Forbidden:
        return render_template("agency/unlinked.html")
    _offer_choices(form)
    if request.method == "GET":
        form.origin_country.data = form.origin_country.data or agency.country
        form.worker_nationality.data = form.worker_nationality.data or agency.country
        return _form_page(form)
    if form.find_employer.data:
        return _form_page(form, searched=True)
    prepared, fee_rows = _prepared(form)
    if prepared is None:
        return _form_page(form, status=400)
    if not form.submit.data:  # "Check" (or Enter in a field): the preview only, nothing stored
        return _form_page(form, findings=_shown(prepared.preview), checked=True)
    try:
        db = writing()
        accepted = store_agency_contract(actor(), prepared, session=db)
        db.commit()
    except (Rejected, IntegrityError) as exc:
        get_session().rollback()
        errors = exc.errors if isinstance(exc, Rejected) else [FieldError(None, str(STORED_TWICE))]
        place_errors(form, errors, fee_rows)
        return _form_page(form, status=400)
    contract = accepted.contract
    detail = "agency_files.contract"  # the contract page, where the registry pages are installed
    return render_template("agency/contract_stored.html", reference=contract.reference,
                           findings=_shown(accepted.preview), versions=len(accepted.versions),
                           detail_url=url_for(detail, contract_id=contract.id)
                           if detail in current_app.view_functions else None)  # fmt: skip


def live_preview():
    """The preview of the form as it stands, as a fragment for the live region (JSON: ``html``, ``findings``)."""
    form = ContractForm()
    try:
        own_agency(actor(), session=get_session())
    except Forbidden:
        return jsonify(html="", findings=0), 404
    _offer_choices(form)
    prepared, _rows = _prepared(form)
    if prepared is None:
        html = render_template("agency/_preview.html", form=form, errors=error_summary(form), findings=None)
        return jsonify(html=html, findings=None, errors=len(form.form_errors) + len(error_summary(form)))
    findings = _shown(prepared.preview)
    html = render_template("agency/_preview.html", form=form, errors=[], findings=findings, checked=True)
    return jsonify(html=html, findings=len(findings), errors=0)


def _prepared(form: ContractForm) -> tuple[PreparedContract | None, list[int]]:
    """The checked submission with its preview (reads only), or None with the errors on the form's fields."""
    if not form.validate_on_submit():
        return None, []
    payload, fee_rows, problems = contract_payload(form)
    place_errors(form, problems, fee_rows)  # an amount that is not one: the service would only call it missing
    try:
        prepared = prepare_agency_contract(actor(), payload, session=get_session())
    except Rejected as exc:
        place_errors(form, exc.errors, fee_rows, only_unmarked=True)
        return None, fee_rows
    return (None if problems else prepared), fee_rows


def _shown(findings) -> list:
    """Most severe first, then by criterion; each tells whether it was judged on the register or the submission."""
    registry = registry_criteria()
    return [
        {"finding": finding, "judged_on": "registry" if finding.criterion_id in registry else "submission"}
        for finding in sorted(findings, key=_severity_first)
    ]


def _severity_first(finding) -> tuple[int, str]:
    """Critical first, advisories (not binding) last."""
    rank = SEVERITY_ORDER.index(finding.severity) if finding.severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
    return rank, finding.criterion_id


def _offer_choices(form: ContractForm) -> None:
    db = get_session()
    form.offer_places()
    chosen = form.employer_id.data if (form.employer_id.data or "").isdigit() else None
    employers = employer_choices(actor(), session=db, search=(form.employer_search.data or "").strip(),
                                 chosen=int(chosen) if chosen and len(chosen) < 19 else None)  # fmt: skip
    form.employer_id.choices = choices([("", _("Choose one"))] + [
        (str(e.id), f"{e.name} — {e.registration_no} ({e.country})") for e in employers])  # fmt: skip
    orders = own_job_orders(actor(), session=db)
    form.job_order_id.choices = choices([("", _("None"))] + [
        (str(o.id), f"{o.job_title} — {o.destination_country} ({o.approval_no or o.id})") for o in orders])  # fmt: skip


def _form_page(form: ContractForm, *, status: int = 200, findings=None, checked: bool = False, searched=False):
    return render_template("agency/contract_new.html", form=form, errors=error_summary(form), findings=findings,
                           checked=checked, searched=searched), status  # fmt: skip
