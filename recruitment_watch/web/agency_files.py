"""The agency 360° page for inspectors and admins (licence and history, contracts by corridor and sector, the fee
ledger by ILO category, findings, complaints, risk with its explanation, decisions) and the decision forms: record a
warning, demerit points, the watchlist or a suspension review with a reason, or revoke one.

The ``agency_files`` blueprint (made in ``web.contract_pages``, whose contract pages it also carries) is registered
from here. Agency and NGO people get 404 on these pages: an agency reads its own profile in the agency portal.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from recruitment_watch.db import get_session
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import DecisionKind, Role
from recruitment_watch.services.errors import NotFound, ServiceError
from recruitment_watch.services.oversight import decisions
from recruitment_watch.services.oversight.agency_file import AgencyFile, agency_file
from recruitment_watch.services.oversight.risk import weights_from
from recruitment_watch.web.access import actor, for_roles, writing
from recruitment_watch.web.contract_pages import (
    LEDGER_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    bp,
    contract_filters,
    export_or_none,
    page_of_contracts,
    usd_text,
)
from recruitment_watch.web.forms import choices

staff = for_roles(Role.inspector, Role.admin)
CONTRACTS_PER_PAGE = 10

DECISION_LABELS = {
    DecisionKind.warning.value: _l("warning"),
    DecisionKind.demerit_points.value: _l("demerit points"),
    DecisionKind.watchlist.value: _l("watchlist"),
    DecisionKind.suspension_recommendation.value: _l("suspension review"),
}


class DecisionForm(FlaskForm):
    """A decision on the agency. Points only for demerit points; a suspension review must be confirmed."""

    kind = SelectField(_l("Decision"), validators=[InputRequired()])
    points = IntegerField(_l("Demerit points (for demerit points only)"),
                          validators=[Optional(), NumberRange(min=1, max=decisions.MAX_POINTS)])  # fmt: skip
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(min=3, max=2000)])
    confirm = BooleanField(_l("I ask the licensing authority to review this agency's licence for suspension "
                              "(needed for a suspension review)"))  # fmt: skip
    submit = SubmitField(_l("Record the decision"))


class RevokeForm(FlaskForm):
    """Revoke one decision (its id in a hidden field)."""

    decision_id = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Revoke"))


def decision_form(formdata=None) -> DecisionForm:
    form = DecisionForm(formdata=formdata) if formdata is not None else DecisionForm(formdata=None)
    form.kind.choices = choices(DECISION_LABELS.items())
    return form


def _file_or_404(agency_id: int) -> AgencyFile:
    now = utc_now()
    try:
        return agency_file(actor(), agency_id, session=get_session(), on=now.date(), now=now,
                           weights=weights_from(current_app.config["RISK_WEIGHTS"]))  # fmt: skip
    except ServiceError:
        abort(404)


def _page(agency_id: int, form: DecisionForm | None = None, status: int = 200):
    file = _file_or_404(agency_id)
    filters = contract_filters(agency_id=agency_id)
    exported = export_or_none(filters, f"agency-{agency_id}-contracts")
    if exported is not None:
        return exported
    rows, page = page_of_contracts(filters, CONTRACTS_PER_PAGE)
    return render_template(
        "agencies/file.html", file=file, agency=file.agency, rows=rows, page=page, form=form or decision_form(),
        revoke=RevokeForm(formdata=None), decision_labels=DECISION_LABELS, ledger_labels=LEDGER_LABELS,
        stage_labels=STAGE_LABELS, status_labels=STATUS_LABELS, usd_text=usd_text,
    ), status  # fmt: skip


@bp.get("/agencies/<int:agency_id>")
@staff
def agency(agency_id: int):
    """The agency 360°: everything known about one agency, and the decision form."""
    return _page(agency_id)


def _decision_input(form: DecisionForm) -> decisions.DecisionInput:
    """The service's input model from the form (its own rules, e.g. points only for demerits, may refuse it)."""
    return decisions.DecisionInput(kind=form.kind.data, points=form.points.data or 0, reason=form.reason.data.strip(),
                                   confirmed=bool(form.confirm.data))  # fmt: skip


def _unknown_agency_is_404(error: ServiceError) -> None:
    """An agency that does not exist is a missing page, not a refused form."""
    if isinstance(error, NotFound) and error.field == "agency_id":
        abort(404)


@bp.post("/agencies/<int:agency_id>/decisions")
@staff
def decide(agency_id: int):
    """Record a decision; a refusal shows the page again with the reason on the field."""
    form = decision_form(request.form)
    if form.validate_on_submit():
        db = writing()
        try:
            decisions.record_decision(actor(), agency_id, _decision_input(form), session=db)
        except ValidationError as exc:
            db.rollback()
            form.points.errors = [*form.points.errors, *(_(error["msg"].removeprefix("Value error, "))
                                                        for error in exc.errors())]  # fmt: skip
        except ServiceError as exc:
            db.rollback()
            _unknown_agency_is_404(exc)
            target = getattr(form, "confirm" if exc.field == "confirmed" else exc.field or "", None)
            (target.errors if target is not None else form.form_errors).append(_(exc.msgid, **exc.params))
        else:
            db.commit()
            flash(_("The decision is recorded."), "info")
            return redirect(url_for("agency_files.agency", agency_id=agency_id, _anchor="decisions"))
    return _page(agency_id, form, status=400)


@bp.post("/agencies/<int:agency_id>/decisions/revoke")
@staff
def revoke(agency_id: int):
    """Revoke one of the agency's decisions (it stays listed, marked revoked)."""
    form = RevokeForm()
    raw = form.decision_id.data or ""
    if not form.validate_on_submit() or not raw.isdigit() or len(raw) > 18:
        abort(400)
    db = writing()
    try:
        decisions.revoke_decision(actor(), agency_id, int(raw), session=db)
    except ServiceError as exc:
        db.rollback()
        _unknown_agency_is_404(exc)
        flash(_(exc.msgid, **exc.params), "error")
    else:
        db.commit()
        flash(_("The decision is revoked."), "info")
    return redirect(url_for("agency_files.agency", agency_id=agency_id, _anchor="decisions"))
