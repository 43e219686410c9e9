"""``packs`` and ``checks`` commands as an inspector runs them."""

from __future__ import annotations

import json
import shutil
from datetime import date

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Decision, Finding
from recruitment_watch.services.contracts import fees
from recruitment_watch.services.criteria.packs import packs_root
from recruitment_watch.services.sweeps.lock import exclusive_sweep
from tests.support.factories import contract_input, make_contract, payment_input


def test_packs_list_shows_versions_digests_and_citations(runner):
    result = runner.invoke(args=["packs", "list", "--criteria"])
    assert result.exit_code == 0, result.output
    assert "ilo-fair-recruitment" in result.output and "1.0.0" in result.output
    assert "FEE-001" in result.output and "General Principle 7" in result.output
    pack_lines = [line for line in result.output.splitlines() if line and not line.startswith("    ")]
    assert len(pack_lines) >= 8
    criteria_lines = [line for line in result.output.splitlines() if line.startswith("    ")]
    assert len(criteria_lines) >= 40


def test_packs_validate_accepts_shipped_and_rejects_a_broken_pack_whole(runner, tmp_path):
    ok = runner.invoke(args=["packs", "validate"])
    assert ok.exit_code == 0 and "all valid" in ok.output
    broken = tmp_path / "audits"
    shutil.copytree(packs_root(), broken)
    pack_file = broken / "origin-NP" / "pack.yaml"
    pack_file.write_text(pack_file.read_text().replace("amount_minor: 1000000", "amount_minor: ten-thousand"))
    result = runner.invoke(args=["packs", "validate", "--root", str(broken)])
    assert result.exit_code == 1
    assert "origin-NP/pack.yaml" in result.output and "FEE-NP-001" in result.output
    assert "amount_minor" in result.output


def test_checks_run_reports_counts_and_runs_history(runner, app, session):
    contract = make_contract(session)
    fees.record_fee_payment(
        payment_input(contract, category="illegitimate", amount_minor=100_000, paid_on=date(2026, 1, 5)),
        session=session,
    )
    session.commit()
    first = runner.invoke(args=["checks", "run", "--full"])
    assert first.exit_code == 0, first.output
    assert "(full, sql)" in first.output and "new critical:" in first.output
    second = runner.invoke(args=["checks", "run"])
    assert "(incremental, sql): 0 new findings" in second.output
    history = runner.invoke(args=["checks", "runs"])
    assert history.output.count("succeeded") == 2
    with unit_of_work(get_engine(app)) as check:
        assert check.scalar(select(Finding.id).where(Finding.criterion_id == "FEE-003")) is not None


def test_checks_run_one_pack_only(runner, session):
    make_contract(session)
    session.commit()
    result = runner.invoke(args=["checks", "run", "--full", "--pack", "contract-transparency"])
    assert result.exit_code == 0, result.output
    unknown = runner.invoke(args=["checks", "run", "--pack", "no-such-pack"])
    assert unknown.exit_code == 1 and "no-such-pack" in unknown.output


def test_checks_run_says_when_another_sweep_is_running(runner, app):
    with exclusive_sweep(get_engine(app)):
        result = runner.invoke(args=["checks", "run"])
    assert result.exit_code == 1
    assert "another sweep is running on this database; try again when it has finished" in result.output


def api_body(contract, **overrides):
    """The body an agency would POST to /api/v1/contracts for a new contract of ``contract``'s worker."""
    data = contract_input(contract.agency_id, contract.employer_id, contract.worker_id, reference="NEW-1")
    del data["agency_id"], data["worker_id"]
    return {**data, "worker": {"id": contract.worker_id}, **overrides}


def test_preview_takes_the_api_body_and_names_what_it_would_break(runner, session, tmp_path):
    contract = make_contract(session)
    session.commit()
    body = api_body(contract)
    body["versions"] = [body["versions"][1] | {"languages": ["ar"], "hours_per_day": 11}]
    body["fee_payments"] = [{"payee_type": "agency", "category": "recruitment_service_fee", "amount_minor": 5_000_000,
                             "currency": "NPR", "paid_on": "2026-01-20", "method": "cash"}]  # fmt: skip
    path = tmp_path / "contract.json"
    path.write_text(json.dumps(body, default=str))
    result = runner.invoke(args=["checks", "preview", str(path), "--agency", str(contract.agency_id)])
    assert result.exit_code == 0, result.output
    assert "CON-002" in result.output  # not in a language the worker understands
    assert "CON-006" in result.output  # hours above 8 a day
    assert "FEE-NP-001" in result.output  # the inline fee payment is judged too
    assert "General Principle" in result.output or "C189" in result.output


def test_preview_answers_bad_input_with_the_apis_field_errors(runner, session, tmp_path):
    contract = make_contract(session)
    session.commit()
    body = api_body(contract, surprise=1)
    body["versions"][1]["hours_per_day"] = 30
    path = tmp_path / "contract.json"
    path.write_text(json.dumps(body, default=str))
    result = runner.invoke(args=["checks", "preview", str(path), "--agency", str(contract.agency_id)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "versions.1.hours_per_day: Input should be less than or equal to 24" in result.output
    assert "surprise: Extra inputs are not permitted" in result.output
    stranger = runner.invoke(args=["checks", "preview", str(path), "--agency", "999999"])
    assert stranger.exit_code == 2 and "agency 999999 does not exist" in stranger.output
    path.write_text("{not json")
    broken = runner.invoke(args=["checks", "preview", str(path), "--agency", str(contract.agency_id)])
    assert broken.exit_code == 2 and "not valid JSON" in broken.output


def test_agency_risk_explains_and_recommends(runner, app, session):
    contract = make_contract(session)
    for number in range(4):
        fees.record_fee_payment(
            payment_input(contract, category="illegitimate", amount_minor=100_000 + number, paid_on=date(2026, 1, 5)),
            session=session,
        )
    session.commit()
    assert runner.invoke(args=["checks", "run", "--full"]).exit_code == 0
    result = runner.invoke(args=["agencies", "risk", str(contract.agency_id)])
    assert result.exit_code == 0, result.output
    assert "open critical finding(s) × 8" in result.output
    assert "band suspension_review" in result.output
    assert "recommendation recorded as decision" in result.output
    again = runner.invoke(args=["agencies", "risk", str(contract.agency_id)])
    assert again.exit_code == 0
    with unit_of_work(get_engine(app)) as check:
        decisions = check.scalars(select(Decision.kind)).all()
    assert decisions == ["suspension_recommendation"]  # recorded once while it stands
    missing = runner.invoke(args=["agencies", "risk", "999999"])
    assert missing.exit_code == 2 and "does not exist" in missing.output
