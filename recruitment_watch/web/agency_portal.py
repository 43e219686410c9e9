"""The agency's own portal: its register entry (licence with its history, branches, sub-agents — read-only, with a
"request a change" message to the ministry), its compliance score with the risk explanation line by line, and the
contract form with the criteria preview (``agency_contracts``). Agency staff only; every read is of the signed-in
person's own agency, so there is no other agency's id to ask for."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from recruitment_watch.db import get_session
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.errors import Forbidden, ServiceError
from recruitment_watch.services.oversight.risk import assess_agency, weights_from
from recruitment_watch.services.registry.agency_profile import agency_profile
from recruitment_watch.services.registry.change_requests import MAX_MESSAGE, send_change_request, sent_requests
from recruitment_watch.services.registry.licence_history import history_of, status_on
from recruitment_watch.web import agency_contracts
from recruitment_watch.web.access import actor, for_roles, writing
from recruitment_watch.web.complaint_forms import show_service_error

bp = Blueprint("agency_portal", __name__, url_prefix="/agency")
agency_only = for_roles(Role.agency)


class ChangeRequestForm(FlaskForm):
    message = TextAreaField(_l("What should the ministry change? (an address, a branch, a sub-agent, a contact)"),
                            validators=[InputRequired(message=_l("Say what should change.")),
                                        Length(max=MAX_MESSAGE)], render_kw={"rows": 4})  # fmt: skip
    send = SubmitField(_l("Send the request to the ministry"))


@bp.get("")
@agency_only
def profile():
    """The agency's licence, history, branches, sub-agents, score and the requests it sent."""
    return _profile_page(ChangeRequestForm())


@bp.post("/change-requests")
@agency_only
def request_change():
    """Send a change request to the ministry's inspectors and come back to the profile."""
    form = ChangeRequestForm()
    if not form.validate_on_submit():
        return _profile_page(form, status=400)
    try:
        db = writing()
        send_change_request(actor(), form.message.data, session=db)
        db.commit()
    except ServiceError as exc:
        get_session().rollback()
        show_service_error(form, exc)
        return _profile_page(form, status=400)
    flash(_("Your request was sent to the ministry. An inspector will answer and update the register."), "info")
    return redirect(url_for("agency_portal.profile", _anchor="requests"))


def _profile_page(form: ChangeRequestForm, *, status: int = 200):
    db = get_session()
    try:
        profile = agency_profile(actor(), session=db)
    except Forbidden:
        return render_template("agency/unlinked.html"), status
    today = utc_now().date()
    risk = assess_agency(profile.agency.id, session=db, on=today, public=True,
                         weights=weights_from(current_app.config["RISK_WEIGHTS"]))  # fmt: skip
    return render_template("agency/profile.html", profile=profile, form=form, risk=risk.score,
                           status_today=status_on(history_of(db, profile.agency.id), today),
                           requests=sent_requests(actor(), session=db)), status  # fmt: skip


bp.add_url_rule("/contracts/new", view_func=agency_only(agency_contracts.new_contract), methods=["GET", "POST"])
bp.add_url_rule("/contracts/preview", view_func=agency_only(agency_contracts.live_preview), methods=["POST"])
