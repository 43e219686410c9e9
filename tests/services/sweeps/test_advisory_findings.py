"""An advisory (a rule announced, not yet binding) is recorded as a finding of its own severity with no answer due,
by both sweep strategies; the binding rule raises nothing for the same contract."""

from __future__ import annotations

from datetime import date

from recruitment_watch.services.contracts import intake as contracts
from recruitment_watch.services.sweeps.run import run_sweep
from tests.services.sweeps.test_sweeps import open_findings, strategy  # noqa: F401  (strategy is a fixture)
from tests.support.factories import contract_input, make_agency, make_employer, make_worker, version_input


def test_a_us450_household_worker_contract_of_2026_gets_only_the_advisory(session, engine, strategy):  # noqa: F811
    agency, employer = make_agency(session, country="PH"), make_employer(session)
    worker = make_worker(session, nationality="PH", languages=["tl", "en"], domestic_worker=True, sex="female",
                         date_of_birth=date(1990, 1, 10))  # fmt: skip
    terms = {"wage_currency": "USD", "basic_wage_minor": 45000, "job_title": "Household service worker"}
    contracts.submit_contract(
        contract_input(
            agency.id, employer.id, worker.id, origin_country="PH",
            versions=[version_input(employer.id, **terms),
                      version_input(employer.id, kind="origin_signed", signed_on=date(2026, 2, 10),
                                    copy_given_to_worker=True, **terms)],
        ),
        session=session,
    )  # fmt: skip
    session.commit()
    run_sweep(engine, strategy, full=True)
    wage = {criterion: f for (criterion, _), f in open_findings(engine).items() if criterion.startswith("WAGE-PH")}
    assert list(wage) == ["WAGE-PH-002"]
    assert wage["WAGE-PH-002"].severity == "advisory" and wage["WAGE-PH-002"].due_on is None
    assert wage["WAGE-PH-002"].message.startswith("Advisory, not a breach")
