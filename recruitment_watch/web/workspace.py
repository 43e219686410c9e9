"""The inspectors' workspace (``/workspace``): the ministry-wide figures of ``services.oversight.workspace``, each as a
chart and as a table of the same numbers, linking into the findings queue, the agency 360° files and the case queue.

Inspectors and admins only (anyone else gets 404, as for every staff page). The charts are drawn here, in the
reader's language and direction, from the service's plain data; the PDF reports draw theirs the same way.
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import format_currency, format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from recruitment_watch.charts import bar_chart, stacked_bar_chart
from recruitment_watch.db import get_session
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.oversight.risk import weights_from
from recruitment_watch.services.oversight.workspace import Workspace, workspace_for
from recruitment_watch.web.access import actor, for_roles
from recruitment_watch.web.case_forms import SLA_LABELS
from recruitment_watch.web.i18n import locale_decimal, text_direction
from recruitment_watch.web.vocabulary import term

bp = Blueprint("workspace", __name__)
CHART_CORRIDORS = 10  # the chart shows the busiest corridors; the table lists every one

FEE_LABELS = {
    "recruitment_service_fee": _l("recruitment or service fee"), "medical": _l("medical costs"),
    "insurance": _l("insurance"), "skills_test": _l("skills and qualification tests"),
    "training_orientation": _l("training and orientation"), "equipment": _l("equipment"),
    "travel_lodging": _l("travel and lodging"), "administrative": _l("administrative costs"),
    "illegitimate": _l("illegitimate costs (bribes, bonds, deposits)"),
    "government_fee_official": _l("official government fees"),
}  # fmt: skip
BAND_LABELS = {"ok": _l("no action"), "watchlist": _l("watchlist"), "suspension_review": _l("suspension review")}
STATE_LABELS = {**SLA_LABELS, "closed": _l("no longer open")}


@bp.get("/workspace")
@for_roles(Role.inspector, Role.admin)
def dashboard():
    """Findings, risk, corridors, fees and complaints across the ministry, as charts and tables."""
    board = workspace_for(actor(), session=get_session(), now=utc_now(),
                          weights=weights_from(current_app.config["RISK_WEIGHTS"]))  # fmt: skip
    return render_template(
        "workspace/dashboard.html", board=board, charts=_charts(board), month_label=_month_label,
        findings_url=findings_url, fee_labels=FEE_LABELS, band_labels=BAND_LABELS, state_labels=STATE_LABELS,
        chart_corridors=CHART_CORRIDORS,
    )  # fmt: skip


def findings_url(**filters: str) -> str:
    """The findings queue narrowed to ``filters`` (criterion, severity)."""
    return url_for("findings.queue", **{name: value for name, value in filters.items() if value})


def _charts(board: Workspace) -> dict[str, Markup]:
    """One chart per block, labelled in the reader's language and mirrored for right-to-left readers."""
    code = str(get_locale() or "en")
    rtl = text_direction(code) == "rtl"
    # Each value is formatted for its label, its layout and the description: ``locale_decimal`` remembers the texts.
    common = {"rtl": rtl, "value_format": partial(locale_decimal, locale=code), "no_data": _("Nothing to show yet.")}
    severities = [str(term(level)) for level in board.severities]
    return {
        "severity": bar_chart(_("Open findings by severity"),
                              [(str(term(level)), count) for level, count in board.findings_by_severity], **common),
        "criterion": stacked_bar_chart(
            _("Open findings by criterion, split by severity"),
            [(row.criterion_id, row.by_severity) for row in board.findings_by_criterion], severities, **common),
        "risk": bar_chart(_("Risk index of the highest-risk agencies"),
                          [(risk.name, round(risk.points, 1)) for risk in board.riskiest], **common),
        "bands": bar_chart(_("Agencies by risk band"),
                           [(str(BAND_LABELS[band]), count) for band, count in board.agencies_by_band], **common),
        "corridors": stacked_bar_chart(
            _("Contracts by corridor, split by sector"),
            [(f"{row.origin} → {row.destination}", row.by_sector) for row in board.corridors[:CHART_CORRIDORS]],
            board.sectors, **common),
        "fees": bar_chart(_("Fees paid by workers, by ILO cost category (US dollars)"),
                          [(str(FEE_LABELS.get(row.category, row.category)), row.usd_minor / 100)
                           for row in board.fees],
                          **{**common, "value_format": _dollars}),
        "complaints": stacked_bar_chart(
            _("Complaints received by month, by service level now"),
            [(_month_label(row.month), row.by_state) for row in board.complaints],
            [str(STATE_LABELS[state]) for state in board.complaint_states], **common),
    }  # fmt: skip


def _dollars(amount: float) -> str:
    return format_currency(amount, "USD", format="¤#,##0", currency_digits=False)


def _month_label(month) -> str:
    return format_date(month, "MMM y")
