"""The register, kept by the ministry (keys with ``registry:write``): organisations, agencies (with branches and
sub-agents), licence decisions, foreign employers and job orders. Each answer is the stored record, recorded with
the key that made it (``registered_by_key_id``, ``recorded_by_key_id`` in the database)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response

from recruitment_watch.api.blueprint import SECURITY, bp
from recruitment_watch.api.guards import current_actor, json_response, requires, writes
from recruitment_watch.api.models import EmployerOut, Out
from recruitment_watch.api.problems import from_service_error
from recruitment_watch.api.registry_models import (
    AgencyOut,
    BranchOut,
    JobOrderOut,
    LicenceDecisionOut,
    OrganisationOut,
    SubAgentOut,
)
from recruitment_watch.db import get_session
from recruitment_watch.models.vocab import ApiScope
from recruitment_watch.schemas.agencies import (
    AgencyInput,
    EmployerInput,
    JobOrderInput,
    LicenceEventInput,
    OrganisationInput,
)
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.services.registry import agencies


def _created(store: Callable[[], Any], out: type[Out]) -> Response:
    """Store through ``store`` and answer 201 with the stored record as ``out``; a service error is a problem."""
    try:
        row = store()
    except ServiceError as exc:
        raise from_service_error(exc) from exc
    return json_response(out.model_validate(row), 201)


@bp.post("/agencies")
@requires(ApiScope.registry_write)
@writes
@bp.input(AgencyInput, arg_name="body")
@bp.output(AgencyOut, status_code=201, description="Registered, with its first licence decision (issued)")
@bp.doc(summary="Register an agency", security=SECURITY, operation_id="registerAgency")
def register_agency(body: AgencyInput):
    """Add a licensed agency; a licence number is unique within its country (409 otherwise)."""
    session = get_session()
    try:
        agency = agencies.register_agency(body, actor=current_actor(), session=session)
    except ServiceError as exc:
        raise from_service_error(exc) from exc
    branches, sub_agents = agencies.branches_and_sub_agents(agency.id, session=session)
    answer = AgencyOut.model_validate(agency).model_copy(
        update={"branches": [BranchOut.model_validate(row) for row in branches],
                "sub_agents": [SubAgentOut.model_validate(row) for row in sub_agents]}
    )  # fmt: skip
    return json_response(answer, 201)


@bp.post("/organisations")
@requires(ApiScope.registry_write)
@writes
@bp.input(OrganisationInput, arg_name="body")
@bp.output(OrganisationOut, status_code=201)
@bp.doc(summary="Register an organisation", security=SECURITY, operation_id="registerOrganisation")
def register_organisation(body: OrganisationInput):
    """Add a ministry, an NGO or an agency organisation (its users and API keys act for it); names are unique."""
    return _created(
        lambda: agencies.register_organisation(body, actor=current_actor(), session=get_session()), OrganisationOut
    )


@bp.post("/agencies/<int:agency_id>/licence-decisions")
@requires(ApiScope.registry_write)
@writes
@bp.input(LicenceEventInput, arg_name="body")
@bp.output(LicenceDecisionOut, status_code=201, description="Recorded in the licence's history")
@bp.doc(summary="Record a licence decision", security=SECURITY, operation_id="decideLicence")
def decide_licence(agency_id: int, body: LicenceEventInput):
    """Issue, renew, suspend, cancel, reinstate, … an agency's licence from ``decided_on``; the next sweep judges
    every contract, deployment and fee on the licence as it stood on that day."""
    return _created(
        lambda: agencies.decide_licence(current_actor(), agency_id, body, session=get_session()), LicenceDecisionOut
    )


@bp.post("/employers")
@requires(ApiScope.registry_write)
@writes
@bp.input(EmployerInput, arg_name="body")
@bp.output(EmployerOut, status_code=201)
@bp.doc(summary="Register a foreign employer", security=SECURITY, operation_id="registerEmployer")
def register_employer(body: EmployerInput):
    """Add a foreign employer (unique by country and registration number), on the watchlist or not."""
    return _created(lambda: agencies.register_employer(body, actor=current_actor(), session=get_session()), EmployerOut)


@bp.post("/job-orders")
@requires(ApiScope.registry_write)
@writes
@bp.input(JobOrderInput, arg_name="body")
@bp.output(JobOrderOut, status_code=201)
@bp.doc(summary="Register a job order", security=SECURITY, operation_id="registerJobOrder")
def register_job_order(body: JobOrderInput):
    """Add an employer's demand letter to an agency, with its quota, approval and approving authority."""
    return _created(
        lambda: agencies.register_job_order(body, actor=current_actor(), session=get_session()), JobOrderOut
    )
