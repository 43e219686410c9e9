"""The worker's written request to leave the passport with the employer and India's passport category reach both
subject builders alike (the SQL source and the one-at-a-time loader), and the criteria read them."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update

from recruitment_watch.checks.evaluator import prepare_subject
from recruitment_watch.checks_sql.flat import unflatten
from recruitment_watch.models import ContractVersion, Worker
from recruitment_watch.schemas.contracts import WorkerInput
from recruitment_watch.services.contracts import intake as contracts
from recruitment_watch.services.criteria import subject_loader
from recruitment_watch.services.criteria.subject_sources import SOURCES
from tests.support.factories import contract_input, make_agency, make_employer, make_worker

ON = date(2026, 3, 5)


def _both_subjects(session, version_id: int) -> tuple[dict, dict]:
    dialect = session.get_bind().dialect.name
    rows = session.execute(SOURCES["contract_version"](ON, dialect)).mappings().all()
    row = next(r for r in rows if r["subject_id"] == version_id)
    from_sql = prepare_subject("contract_version", unflatten("contract_version", row))
    loaded = subject_loader.contract_version_subject(session, session.get(ContractVersion, version_id))
    return from_sql, prepare_subject("contract_version", loaded)


def test_passport_request_and_category_reach_both_builders(session):
    agency, employer = make_agency(session), make_employer(session)
    worker = make_worker(session, nationality="IN", passport_held_by="employer",
                         passport_hold_requested_on=date(2026, 3, 2), passport_category="ecr")  # fmt: skip
    contract = contracts.submit_contract(contract_input(agency.id, employer.id, worker.id), session=session)
    session.flush()
    version_id = session.scalar(select(func.max(ContractVersion.id)).where(ContractVersion.contract_id == contract.id))
    from_sql, loaded = _both_subjects(session, version_id)
    assert from_sql == loaded
    assert loaded["worker"]["passport_hold_requested_on"] == date(2026, 3, 2)
    assert loaded["worker"]["passport_category"] == "ecr"
    session.execute(update(Worker).values(passport_hold_requested_on=None, passport_category=None))
    session.expire_all()
    from_sql, loaded = _both_subjects(session, version_id)
    assert from_sql == loaded and loaded["worker"]["passport_category"] is None


def test_worker_input_refuses_an_unknown_category_and_a_future_request():
    base = {"reference": "W-9", "nationality": "IN", "full_name": "A B"}
    assert WorkerInput.model_validate({**base, "passport_category": "ecnr"}).passport_category == "ecnr"
    with pytest.raises(ValidationError, match="passport_category"):
        WorkerInput.model_validate({**base, "passport_category": "ECR-stamped"})
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        WorkerInput.model_validate({**base, "passport_hold_requested_on": date(2099, 1, 1)})
