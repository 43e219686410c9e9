"""The inspectors' index of agencies (``/agencies``): every agency of the registry with its licence, risk index and
band, open findings and contracts, each linking to its 360° page; search, filters, sort, pages, and the filtered
list as CSV or XLSX. Until this page an inspector reached an agency's file only from the workspace's top ten.

Inspectors and admins only (anyone else gets 404, as for every staff page); the figures come from
``services.oversight.agency_index``, which reads the same ranking as the workspace and API v1.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from recruitment_watch.db import get_session
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import LicenceStatus, Role
from recruitment_watch.services.errors import Forbidden
from recruitment_watch.services.oversight.agency_index import SORTS, IndexFilters, agency_index, origin_countries
from recruitment_watch.services.oversight.risk import weights_from
from recruitment_watch.web.access import actor, for_roles
from recruitment_watch.web.listing import csv_download, listed, wants_csv, wants_xlsx, whole_list, xlsx_download
from recruitment_watch.web.workspace import BAND_LABELS

bp = Blueprint("agency_index", __name__)
staff = for_roles(Role.inspector, Role.admin)
EXPORT_HEADER = ["agency_id", "name", "licence_no", "origin_country", "licence_status", "risk_points", "risk_band",
                 "open_findings", "contracts"]  # fmt: skip
SORT_LABELS = {"risk": _l("risk, highest first"), "name": _l("name"), "findings": _l("open findings, most first")}


def _filters() -> IndexFilters:
    """The query's filters; a value that is not one of the offered choices counts as "any"."""
    args = request.args

    def picked(name: str, allowed) -> str:
        value = args.get(name, "")
        return value if value in allowed else ""

    return IndexFilters(
        search=args.get("q", "").strip()[:200], origin_country=args.get("origin", "").strip().upper()[:2],
        licence_status=picked("status", {status.value for status in LicenceStatus}),
        band=picked("band", BAND_LABELS), sort=picked("sort", SORTS) or SORTS[0],
    )  # fmt: skip


def _line(row) -> list:
    return [row.agency_id, row.name, row.licence_no, row.origin_country, row.licence_status, row.points, row.band,
            row.open_findings, row.contracts]  # fmt: skip


@bp.get("/agencies")
@staff
def index():
    """Every agency the inspector may open, highest risk first unless another order is chosen."""
    filters, db, now = _filters(), get_session(), utc_now()
    weights = weights_from(current_app.config["RISK_WEIGHTS"])

    def fetch(offset: int, limit: int):
        return agency_index(actor(), filters, session=db, on=now.date(), weights=weights, offset=offset, limit=limit)

    try:
        if wants_csv():
            return csv_download("agencies.csv", EXPORT_HEADER, whole_list(fetch), _line)
        if wants_xlsx():
            return xlsx_download("agencies.xlsx", EXPORT_HEADER, whole_list(fetch), _line)
        rows, page = listed(fetch)
        countries = origin_countries(actor(), session=db)
    except Forbidden:
        abort(404)
    return render_template(
        "agencies/index.html", rows=rows, page=page, filters=filters, countries=countries,
        statuses=[status.value for status in LicenceStatus], band_labels=BAND_LABELS,
        sort_labels=SORT_LABELS,
    )  # fmt: skip
