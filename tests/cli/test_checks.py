"""``packs`` and ``checks`` commands as an inspector runs them."""

from __future__ import annotations

import json
import shutil
from datetime import date

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Agency, Decision, Finding, LicenceEvent, Notification, RiskRecommendation
from recruitment_watch.services.contracts import fees
from recruitment_watch.services.criteria.packs import packs_root
from recruitment_watch.services.sweeps.lock import exclusive_sweep
from tests.support.factories import contract_input, make_contract, make_people, payment_input


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


def _risky_agency(runner, app, session):
    """An agency whose one contract carries four illegitimate fees, swept; thresholds low enough to cross."""
    contract = make_contract(session)
    for number in range(4):
        fees.record_fee_payment(
            payment_input(contract, category="illegitimate", amount_minor=100_000 + number, paid_on=date(2026, 1, 5)),
            session=session,
        )
    make_people(session)
    session.commit()
    assert runner.invoke(args=["checks", "run", "--full"]).exit_code == 0
    app.config["RISK_WEIGHTS"] = {"prior_contracts": 1, "contract_cv": 0, "interval_z": 0.5, "watchlist_at": 105,
                                  "suspension_review_at": 110, "principle_factor": {"FEE": 1}}  # fmt: skip
    return contract


def test_agency_risk_explains_and_records_nothing(runner, app, session):
    contract = _risky_agency(runner, app, session)
    result = runner.invoke(args=["agencies", "risk", str(contract.agency_id)])
    assert result.exit_code == 0, result.output
    assert "critical FEE finding(s) on 1 contracts = " in result.output
    assert "× 8 (severity) × 1 (principle)" in result.output
    assert "shrunk towards the corridor NP's typical agency" in result.output
    assert "band suspension_review" in result.output and "90% interval" in result.output
    assert "Recommend a licence suspension review" in result.output
    with unit_of_work(get_engine(app)) as check:
        assert check.scalars(select(Decision.kind)).all() == []  # a read records nothing
        assert check.scalars(select(RiskRecommendation.id)).all() == []
    ranked = runner.invoke(args=["agencies", "rank"])
    assert ranked.exit_code == 0 and "suspension_review Everest Manpower Agency" in ranked.output
    missing = runner.invoke(args=["agencies", "risk", "999999"])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_a_band_crossing_is_recommended_once_and_only_acceptance_decides(runner, app, session):
    contract = _risky_agency(runner, app, session)
    raised = runner.invoke(args=["agencies", "recommend"])
    assert raised.exit_code == 0, raised.output
    number = raised.output.split(":")[0].removeprefix("recommendation ")
    assert f"recommendation {number}: agency {contract.agency_id} suspension_recommendation" in raised.output
    assert "1 recommendation(s) raised" in raised.output
    assert "0 recommendation(s) raised" in runner.invoke(args=["agencies", "recommend"]).output  # pending: not twice
    with unit_of_work(get_engine(app)) as check:
        notes = check.scalars(select(Notification.message).where(Notification.kind == "risk_recommendation")).all()
        assert len(notes) == 1
        assert notes[0].startswith(f"Risk recommendation {number}: Everest Manpower Agency is in the suspension_review")
        assert check.scalars(select(Decision.id)).all() == []
    queue = runner.invoke(args=["agencies", "recommendations"])
    assert f"{number:>4}  pending   suspension_recommendation" in queue.output
    assert "Everest Manpower Agency" in queue.output
    no_reason = runner.invoke(args=["agencies", "recommendation", "accept", number, "--by", "insp@gov.example"])
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output
    staff = runner.invoke(args=["agencies", "recommendation", "accept", number, "--reason", "fees taken",
                                "--by", "staff@everest.example"])  # fmt: skip
    assert staff.exit_code == 2 and "only a ministry inspector or admin" in staff.output
    accepted = runner.invoke(args=["agencies", "recommendation", "accept", number, "--reason", "illegal fees confirmed",
                                   "--legal-basis", "Foreign Employment Act s. 24",
                                   "--by", "insp@gov.example"])  # fmt: skip
    assert accepted.exit_code == 0, accepted.output
    assert f"recommendation {number} accepted by insp@gov.example: decision " in accepted.output
    assert "(suspension_recommendation), licence suspended (licence decision " in accepted.output
    with unit_of_work(get_engine(app)) as check:
        decision = check.scalars(select(Decision)).one()
        assert decision.kind == "suspension_recommendation" and decision.reason.startswith("illegal fees confirmed")
        assert check.get(Agency, contract.agency_id).status == "suspended"
        event = check.scalars(select(LicenceEvent).where(LicenceEvent.decision == "suspended")).one()
        assert event.legal_basis == "Foreign Employment Act s. 24"
    again = runner.invoke(args=["agencies", "recommendation", "reject", number, "--reason", "no", "--by",
                                "insp@gov.example"])  # fmt: skip
    assert again.exit_code == 2 and "already accepted" in again.output
    done = runner.invoke(args=["agencies", "recommendations", "--all"])
    assert "accepted" in done.output and "illegal fees confirmed" in done.output


def test_a_rejected_recommendation_decides_nothing_and_is_not_raised_again(runner, app, session):
    contract = _risky_agency(runner, app, session)
    app.config["RISK_WEIGHTS"] = {**app.config["RISK_WEIGHTS"], "suspension_review_at": 100_000}
    raised = runner.invoke(args=["agencies", "recommend"]).output
    assert "watchlist" in raised
    number = raised.split(":")[0].removeprefix("recommendation ")
    rejected = runner.invoke(args=["agencies", "recommendation", "reject", number, "--reason", "fees already refunded",
                                   "--by", "insp@gov.example"])  # fmt: skip
    assert rejected.exit_code == 0, rejected.output
    assert rejected.output == f"recommendation {number} rejected by insp@gov.example: nothing decided\n"
    assert "0 recommendation(s) raised" in runner.invoke(args=["agencies", "recommend"]).output
    nightly = runner.invoke(args=["jobs", "run", "risk-recommendations"])  # the scheduled job: same rules
    assert nightly.exit_code == 0 and "0 risk recommendation(s) raised" in nightly.output, nightly.output
    assert runner.invoke(args=["agencies", "recommendations"]).output == "no recommendation waiting\n"
    with unit_of_work(get_engine(app)) as check:
        assert check.scalars(select(Decision.id)).all() == []
        assert check.get(Agency, contract.agency_id).status == "active"
