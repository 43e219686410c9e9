"""Operations anyone may call: licence verification (rate-limited), the employer register, the problem types."""

from __future__ import annotations

from flask import current_app

from recruitment_watch.api.blueprint import SECURITY, bp
from recruitment_watch.api.guards import json_response, public, requires
from recruitment_watch.api.models import (
    EmployerOut,
    EmployerPage,
    EmployerQuery,
    VerifyQuery,
)
from recruitment_watch.api.pagination import page
from recruitment_watch.api.problems import PROBLEM_TYPES, TYPE_BASE, ApiProblem
from recruitment_watch.api.rate_limit import limiter
from recruitment_watch.api.registry_models import LicenceVerification
from recruitment_watch.db import get_session
from recruitment_watch.models import Employer
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import ApiScope
from recruitment_watch.services.errors import FieldError, NotFound
from recruitment_watch.services.oversight.risk import weights_from
from recruitment_watch.services.registry import verification
from recruitment_watch.services.registry.employers import employers_matching


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
    try:
        facts = verification.verify_licence(
            query.licence_no,
            query.country,
            on=utc_now().date(),
            weights=weights_from(current_app.config["RISK_WEIGHTS"]),
            session=get_session(),
        )
    except NotFound as exc:
        problem = FieldError("query:licence_no", "no such licence")
        raise ApiProblem(404, "not-found", str(exc), errors=[problem]) from exc
    except verification.AmbiguousLicence as exc:
        raise ApiProblem(
            422, "validation-error", str(exc), errors=[FieldError("query:country", "give the issuing country")]
        ) from exc
    return json_response(LicenceVerification.model_validate(facts))


@bp.get("/employers")
@requires(ApiScope.contracts_read)
@bp.input(EmployerQuery, location="query", arg_name="query")
@bp.output(EmployerPage)
@bp.doc(summary="Find employers", security=SECURITY, operation_id="listEmployers")
def list_employers(query: EmployerQuery):
    """The register of foreign employers (ids to use in contracts), by registration number and country."""
    selection = employers_matching(registration_no=query.registration_no, country=query.country)
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
