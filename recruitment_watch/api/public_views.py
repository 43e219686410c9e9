"""Operations anyone may call: licence verification (rate-limited), the employer register, the problem types."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func, select

from recruitment_watch.api.blueprint import SECURITY, bp
from recruitment_watch.api.guards import json_response, public, requires
from recruitment_watch.api.models import (
    Compliance,
    EmployerOut,
    EmployerPage,
    EmployerQuery,
    LicenceVerification,
    Sanction,
    VerifyQuery,
)
from recruitment_watch.api.pagination import page
from recruitment_watch.api.problems import PROBLEM_TYPES, TYPE_BASE, ApiProblem
from recruitment_watch.api.rate_limit import limiter
from recruitment_watch.db import get_session
from recruitment_watch.models import Agency, Employer, Finding, LicenceEvent
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES, ApiScope
from recruitment_watch.services.errors import FieldError
from recruitment_watch.services.oversight.risk import assess_agency, weights_from

SANCTION_STATUSES = ("suspended", "cancelled", "banned", "delisted")


def _verify_limit() -> str:
    return current_app.config["API_VERIFY_RATE_LIMIT"]


@bp.get("/agencies/verify")
@public
@limiter.limit(_verify_limit)
@bp.input(VerifyQuery, location="query", arg_name="query")
@bp.output(LicenceVerification)
@bp.doc(
    summary="Verify an agency's licence (no key needed)",
    operation_id="verifyLicence",
    responses={429: "Too many requests (see Retry-After)"},
)
def verify_licence(query: VerifyQuery):
    """Licence status, validity dates, sanctions and compliance grade of the agency holding ``licence_no``."""
    session = get_session()
    selection = select(Agency).where(Agency.licence_no == query.licence_no.strip())
    if query.country:
        selection = selection.where(Agency.country == query.country)
    matches = session.scalars(selection.limit(2)).all()
    if not matches:
        raise ApiProblem(
            404,
            "not-found",
            f"no agency holds licence {query.licence_no}",
            errors=[FieldError("query:licence_no", "no such licence")],
        )
    if len(matches) > 1:
        raise ApiProblem(
            422,
            "validation-error",
            f"licence {query.licence_no} exists in several countries",
            errors=[FieldError("query:country", "give the issuing country")],
        )
    agency = matches[0]
    today = utc_now().date()
    sanctions = session.scalars(
        select(LicenceEvent)
        .where(LicenceEvent.agency_id == agency.id, LicenceEvent.status.in_(SANCTION_STATUSES))
        .order_by(LicenceEvent.decided_on.desc())
    ).all()
    risk = assess_agency(
        agency.id, session=session, on=today, weights=weights_from(current_app.config["RISK_WEIGHTS"]), record=False
    )
    open_counts = dict(
        session.execute(
            select(Finding.severity, func.count())
            .where(Finding.agency_id == agency.id, Finding.status.in_(OPEN_FINDING_STATUSES))
            .group_by(Finding.severity)
        ).all()
    )
    return json_response(
        LicenceVerification(
            licence_no=agency.licence_no,
            country=agency.country,
            agency_name=agency.name,
            licence_authority=agency.licence_authority,
            status=agency.status,
            licence_valid_from=agency.licence_valid_from,
            licence_valid_to=agency.licence_valid_to,
            valid_today=_valid_on(agency, today),
            sanctions=[Sanction.model_validate(event) for event in sanctions],
            compliance=Compliance(grade=risk.score.band, risk_points=risk.score.points, open_findings=open_counts),
        )
    )


def _valid_on(agency: Agency, day: date) -> bool:
    if agency.status not in ("active", "renewed"):
        return False
    starts_ok = agency.licence_valid_from is None or agency.licence_valid_from <= day
    return starts_ok and agency.licence_valid_to is not None and day <= agency.licence_valid_to


@bp.get("/employers")
@requires(ApiScope.contracts_read)
@bp.input(EmployerQuery, location="query", arg_name="query")
@bp.output(EmployerPage)
@bp.doc(summary="Find employers", security=SECURITY, operation_id="listEmployers")
def list_employers(query: EmployerQuery):
    """The register of foreign employers (ids to use in contracts), by registration number and country."""
    selection = select(Employer)
    if query.registration_no:
        selection = selection.where(Employer.registration_no == query.registration_no)
    if query.country:
        selection = selection.where(Employer.country == query.country)
    rows, cursor = page(get_session(), selection, Employer, query)
    return json_response(EmployerPage(items=[EmployerOut.model_validate(r) for r in rows], next_cursor=cursor))


@bp.get("/problems")
@public
@bp.doc(summary="Problem types", operation_id="listProblemTypes")
def problem_types():
    """Every problem type this API answers with (the ``type`` of an error document) and what it means."""
    return json_response(
        [
            {"type": TYPE_BASE + slug, "title": title, "meaning": meaning}
            for slug, (title, meaning) in PROBLEM_TYPES.items()
        ]
    )
