"""Admin: the register's organisations and agencies — lists (search, filter, CSV) and adding one, through the
registry services (which check uniqueness and record who registered it)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from recruitment_watch.db import get_session
from recruitment_watch.models import Agency, Organisation
from recruitment_watch.models.vocab import LicenceStatus, OrganisationKind, Role
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.services.registry import agencies
from recruitment_watch.services.registry.register_lists import agency_page, organisation_page
from recruitment_watch.web.access import actor, for_roles, writing
from recruitment_watch.web.forms import AgencyForm, OrganisationForm, choices
from recruitment_watch.web.listing import csv_download, listed, wants_csv, whole_list

bp = Blueprint("admin_register", __name__, url_prefix="/admin")
admin_only = for_roles(Role.admin)


@bp.route("/organisations", methods=["GET", "POST"])
@admin_only
def organisations():
    """Organisations (ministries, NGOs, agencies) with their number of people; the form adds one."""
    search = request.args.get("q", "").strip()
    kind = request.args.get("kind", "")
    kind = kind if kind in {k.value for k in OrganisationKind} else ""
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        db = writing()
        data = {"name": form.name.data.strip(), "kind": form.kind.data, "country": form.country.data.strip().upper()}
        if _stored(lambda: agencies.register_organisation(data, actor=actor(), session=db), form):
            flash(_("Organisation %(name)s is added.", name=data["name"]), "info")
            return redirect(url_for("admin_register.organisations"))
        status = 400
    elif request.method == "POST":
        status = 400

    def fetch(offset: int, limit: int):
        return organisation_page(get_session(), search=search or None, kind=kind or None, offset=offset,
                                 limit=limit)  # fmt: skip

    if wants_csv():
        return csv_download("organisations.csv", ["id", "name", "kind", "country", "people"], whole_list(fetch),
                            lambda row: [row[0].id, row[0].name, row[0].kind, row[0].country, row[1]])  # fmt: skip
    rows, page = listed(fetch)
    return render_template("admin/organisations.html", rows=rows, page=page, search=search, kind=kind,
                           kinds=[k.value for k in OrganisationKind], form=form), status  # fmt: skip


@bp.route("/agencies", methods=["GET", "POST"])
@admin_only
def agency_list():
    """Licensed agencies (search by name or licence number, filter by status); the form registers one."""
    search = request.args.get("q", "").strip()
    licence_status = request.args.get("status", "")
    licence_status = licence_status if licence_status in {s.value for s in LicenceStatus} else ""
    db = get_session()
    form = AgencyForm()
    taken = select(Agency.organisation_id).where(Agency.organisation_id.is_not(None))
    free = db.execute(select(Organisation.id, Organisation.name).where(
        Organisation.kind == OrganisationKind.agency.value, Organisation.id.not_in(taken)).order_by(Organisation.name)
    ).all()  # fmt: skip
    form.organisation_id.choices = choices([(0, _("none yet"))] + [(row.id, row.name) for row in free])
    status = 200
    if form.validate_on_submit():
        db = writing()
        data = {key: value for key, value in form.data.items() if key not in ("submit", "csrf_token")}
        data["country"] = data["country"].strip().upper()
        data["organisation_id"] = data["organisation_id"] or None
        if _stored(lambda: agencies.register_agency(data, actor=actor(), session=db), form):
            flash(_("Agency %(name)s is registered.", name=data["name"]), "info")
            return redirect(url_for("admin_register.agency_list"))
        status = 400
    elif request.method == "POST":
        status = 400

    def fetch(offset: int, limit: int):
        return agency_page(db, search=search or None, status=licence_status or None, offset=offset, limit=limit)

    if wants_csv():
        header = ["id", "name", "country", "licence_no", "status", "licence_valid_from", "licence_valid_to"]
        return csv_download("agencies.csv", header, whole_list(fetch), lambda a: [
            a.id, a.name, a.country, a.licence_no, a.status, a.licence_valid_from, a.licence_valid_to])  # fmt: skip
    rows, page = listed(fetch)
    return render_template("admin/agencies.html", rows=rows, page=page, search=search, status=licence_status,
                           statuses=[s.value for s in LicenceStatus], form=form), status  # fmt: skip


def _stored(store, form) -> bool:
    """Run ``store``; commit, or put the service's or validation's message on the form's field and roll back."""
    db = get_session()
    try:
        store()
    except ServiceError as exc:
        db.rollback()
        getattr(form, exc.field or "name", form.name).errors.append(str(exc))
        return False
    except ValueError as exc:  # pydantic ValidationError: the first error's field and message
        db.rollback()
        errors = getattr(exc, "errors", lambda: [])()
        field = str(errors[0]["loc"][0]) if errors and errors[0].get("loc") else "name"
        getattr(form, field, form.name).errors.append(errors[0]["msg"] if errors else str(exc))
        return False
    db.commit()
    return True
