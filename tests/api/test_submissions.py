"""Agencies submit contracts and fee payments through the API: previews, field-level rejections, bulk, idempotency."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import func, make_url, select

from recruitment_watch import create_app
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Contract, ContractVersion, FeePayment, IdempotencyRecord, Worker
from recruitment_watch.services.registry import agencies

from .conftest import contract_body


def count(app, model) -> int:
    with unit_of_work(get_engine(app)) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_an_agency_submits_a_contract_and_gets_the_cited_preview(app, client, world):
    response = client.post("/api/v1/contracts", json=contract_body(world.employer_id), headers=world.agency_a.headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "accepted"
    contract = body["contract"]
    assert contract["reference"] == "CT-API-1" and contract["agency_id"] == world.agency_a.agency_id
    assert [v["kind"] for v in contract["versions"]] == ["offer", "origin_signed"]
    assert contract["updated_at"] and len(contract["versions"][1]["content_sha256"]) == 64
    assert body["preview"], "the demo contract breaks some criteria"
    first = body["preview"][0]
    assert first["citation"]["instrument"] and first["criterion_id"] and first["message"]
    fetched = client.get(f"/api/v1/contracts/{contract['id']}", headers=world.agency_a.headers).get_json()
    assert fetched == contract


def test_a_bad_contract_is_refused_field_by_field_and_writes_nothing(app, client, world):
    body = contract_body(world.employer_id)
    body["versions"][1]["hours_per_day"] = 30
    body["surprise"] = 1
    response = client.post("/api/v1/contracts", json=body, headers=world.agency_a.headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"] == "/api/v1/problems/validation-error" and problem["status"] == 422
    fields = {error["field"] for error in problem["errors"]}
    assert {"versions.1.hours_per_day", "surprise"} <= fields
    assert count(app, Contract) == count(app, Worker) == count(app, ContractVersion) == 0


def test_the_agency_comes_from_the_key_not_the_body(client, world):
    body = contract_body(world.employer_id, agency_id=world.agency_b.agency_id)
    problem = client.post("/api/v1/contracts", json=body, headers=world.agency_a.headers).get_json()
    assert problem["status"] == 422 and [e["field"] for e in problem["errors"]] == ["agency_id"]


def test_bulk_accepts_the_good_items_and_rejects_the_bad_ones_without_half_writes(app, client, world):
    good_1 = contract_body(world.employer_id, "CT-B-1")
    bad = contract_body(world.employer_id, "CT-B-2")
    bad["versions"][0]["employer_id"] = 999_999  # unknown employer: found only after the worker was registered
    good_2 = contract_body(world.employer_id, "CT-B-3")
    response = client.post(
        "/api/v1/contracts/bulk",
        json={"items": [good_1, bad, good_2, {"reference": "x"}]},
        headers=world.agency_a.headers,
    )
    assert response.status_code == 200
    result = response.get_json()
    assert (result["accepted"], result["rejected"]) == (2, 2)
    statuses = [(r["index"], r["status"]) for r in result["results"]]
    assert statuses == [(0, "accepted"), (1, "rejected"), (2, "accepted"), (3, "rejected")]
    assert result["results"][1]["errors"] == [
        {"field": "versions.0.employer_id", "message": "employer 999999 does not exist"}
    ]
    assert result["results"][0]["preview"] and result["results"][0]["reference"] == "CT-B-1"
    with unit_of_work(get_engine(app)) as session:
        assert sorted(session.scalars(select(Contract.reference)).all()) == ["CT-B-1", "CT-B-3"]
        # the rejected item's worker (registered before its contract failed) was rolled back with it
        assert sorted(session.scalars(select(Worker.reference)).all()) == ["W-CT-B-1", "W-CT-B-3"]


def test_a_retried_post_with_the_same_idempotency_key_returns_the_first_answer(app, client, world):
    headers = {**world.agency_a.headers, "Idempotency-Key": "5f1c-retry-1"}
    first = client.post("/api/v1/contracts", json=contract_body(world.employer_id), headers=headers)
    again = client.post("/api/v1/contracts", json=contract_body(world.employer_id), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert count(app, Contract) == 1 and count(app, IdempotencyRecord) == 1
    other = client.post("/api/v1/contracts", json=contract_body(world.employer_id, "CT-OTHER"), headers=headers)
    assert other.status_code == 422
    assert other.get_json()["type"] == "/api/v1/problems/idempotency-key-reused"
    # the same key string belongs to each organisation separately
    theirs = client.post(
        "/api/v1/contracts",
        json=contract_body(world.employer_id, "CT-B"),
        headers={**world.agency_b.headers, "Idempotency-Key": "5f1c-retry-1"},
    )
    assert theirs.status_code == 201 and count(app, Contract) == 2


def test_fee_payments_only_for_the_agencys_own_workers_and_contracts(app, client, world):
    contract = client.post(
        "/api/v1/contracts", json=contract_body(world.employer_id), headers=world.agency_a.headers
    ).get_json()["contract"]
    payment = {
        "worker_id": contract["worker_id"],
        "contract_id": contract["id"],
        "payee_type": "agency",
        "category": "recruitment_service_fee",
        "amount_minor": 5_000_000,
        "currency": "NPR",
        "paid_on": "2026-01-20",
        "method": "cash",
    }
    stored = client.post("/api/v1/fee-payments", json=payment, headers=world.agency_a.headers)
    assert stored.status_code == 201 and stored.get_json()["amount_usd_minor"] > 0
    foreign = client.post("/api/v1/fee-payments", json=payment, headers=world.agency_b.headers)
    assert foreign.status_code == 404 and foreign.get_json()["errors"][0]["field"] == "worker_id"
    bulk = client.post(
        "/api/v1/fee-payments/bulk",
        json={"items": [payment, {**payment, "amount_minor": -1}]},
        headers=world.agency_a.headers,
    ).get_json()
    assert [r["status"] for r in bulk["results"]] == ["accepted", "rejected"]
    assert bulk["results"][1]["errors"][0]["field"] == "amount_minor"
    assert count(app, FeePayment) == 2


def test_lists_page_by_cursor_in_update_order_and_sync_by_updated_since(client, world):
    for index in range(5):
        client.post(
            "/api/v1/contracts", json=contract_body(world.employer_id, f"CT-L-{index}"), headers=world.agency_a.headers
        )
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/contracts", query_string=query, headers=world.agency_a.headers).get_json()
        seen += [item["reference"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"CT-L-{i}" for i in range(5)]
    newest = client.get("/api/v1/contracts", headers=world.agency_a.headers).get_json()["items"][-1]["updated_at"]
    since = client.get("/api/v1/contracts", query_string={"updated_since": newest}, headers=world.agency_a.headers)
    assert [item["reference"] for item in since.get_json()["items"]] == ["CT-L-4"]
    assert client.get("/api/v1/contracts", headers=world.agency_b.headers).get_json()["items"] == []
    bad = client.get("/api/v1/contracts", query_string={"cursor": "nonsense!"}, headers=world.agency_a.headers)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "query:cursor"


def test_a_cursor_past_every_id_the_spec_allows_is_an_ordinary_position(client, world):
    client.post("/api/v1/contracts", json=contract_body(world.employer_id, "CT-C-1"), headers=world.agency_a.headers)
    for path in ("/api/v1/contracts", "/api/v1/findings", "/api/v1/fee-payments"):
        epoch_end = client.get(path, query_string={"cursor": "0-999999999999999999"}, headers=world.agency_a.headers)
        assert epoch_end.status_code == 200, epoch_end.get_json()
    after_all = client.get(
        "/api/v1/contracts", query_string={"cursor": "0-2200000000"}, headers=world.agency_a.headers
    ).get_json()
    assert [item["reference"] for item in after_all["items"]] == ["CT-C-1"]  # updated after 1970-01-01


def test_a_worker_is_reused_by_id_or_reference_only_by_the_agency_that_has_them(client, world):
    first = client.post("/api/v1/contracts", json=contract_body(world.employer_id), headers=world.agency_a.headers)
    worker_id = first.get_json()["contract"]["worker_id"]
    by_id = contract_body(world.employer_id, "CT-2", worker={"id": worker_id})
    assert client.post("/api/v1/contracts", json=by_id, headers=world.agency_a.headers).status_code == 201
    same_reference = contract_body(world.employer_id, "CT-3")
    same_reference["worker"]["reference"] = "W-CT-API-1"
    reused = client.post("/api/v1/contracts", json=same_reference, headers=world.agency_a.headers).get_json()
    assert reused["contract"]["worker_id"] == worker_id
    foreign = client.post(
        "/api/v1/contracts",
        json=contract_body(world.employer_id, "CT-4", worker={"id": worker_id}),
        headers=world.agency_b.headers,
    )
    assert foreign.status_code == 404 and foreign.get_json()["errors"][0]["field"] == "worker.id"
    same_reference["reference"] = "CT-5"
    taken = client.post("/api/v1/contracts", json=same_reference, headers=world.agency_b.headers)
    assert taken.status_code == 409 and taken.get_json()["errors"][0]["field"] == "worker.reference"


def test_a_write_while_a_long_sweep_holds_the_sqlite_database_is_503_and_can_be_retried(app, world, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL writers wait on row locks; only SQLite has one database-wide write lock")
    busy = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": database_url,
                       "SQLITE_BUSY_TIMEOUT_S": 1})  # fmt: skip
    client = busy.test_client()
    body, headers = contract_body(world.employer_id), world.agency_a.headers
    sweep = sqlite3.connect(make_url(database_url).database, isolation_level=None)
    sweep.execute("BEGIN IMMEDIATE")  # what a sweep recording findings holds until it commits
    try:
        refused = client.post("/api/v1/contracts", json=body, headers=headers)
    finally:
        sweep.execute("ROLLBACK")
        sweep.close()
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
    problem = refused.get_json()
    assert problem["type"].endswith("/database-busy") and "the request changed nothing" in problem["detail"]
    assert count(busy, Contract) == 0
    retried = client.post("/api/v1/contracts", json=body, headers=headers)
    assert retried.status_code == 201 and count(busy, Contract) == 1
    get_engine(busy).dispose()


def payment_body(contract: dict, **overrides) -> dict:
    """A JSON body for POST /api/v1/fee-payments on ``contract`` (as the API answered it)."""
    return {
        "worker_id": contract["worker_id"], "contract_id": contract["id"], "payee_type": "agency",
        "category": "recruitment_service_fee", "amount_minor": 100, "currency": "NPR", "paid_on": "2026-01-20",
        "method": "cash", **overrides,
    }  # fmt: skip


def peer_references(app, world) -> tuple[int, int]:
    """A job order and a sub-agent of agency B (ids that agency A must not be able to use)."""
    from recruitment_watch.models import JobOrder, SubAgent

    with unit_of_work(get_engine(app)) as session:
        order = JobOrder(
            employer_id=world.employer_id, agency_id=world.agency_b.agency_id, destination_country="QA",
            job_title="Mason", quantity=10, wage_minor=140_000, wage_currency="QAR", approval_no="AP-B-1",
        )  # fmt: skip
        broker = SubAgent(agency_id=world.agency_b.agency_id, name="Broker of B", country="NP")
        session.add_all([order, broker])
        session.flush()
        return order.id, broker.id


def test_another_agencys_job_order_is_refused_exactly_like_a_missing_one(app, client, world):
    foreign_order, _ = peer_references(app, world)
    headers = world.agency_a.headers
    answers = {
        order_id: client.post(
            "/api/v1/contracts",
            json=contract_body(world.employer_id, f"CT-J-{order_id}", job_order_id=order_id),
            headers=headers,
        )  # fmt: skip
        for order_id in (foreign_order, 2_000_000_000)
    }
    for order_id, answer in answers.items():
        assert answer.status_code == 404, answer.get_json()
        assert answer.get_json()["errors"] == [
            {"field": "job_order_id", "message": f"job order {order_id} does not exist"}
        ]
    bulk = client.post(
        "/api/v1/contracts/bulk",
        json={"items": [contract_body(world.employer_id, "CT-J-OK"),
                        contract_body(world.employer_id, "CT-J-B", job_order_id=foreign_order)]},
        headers=headers,
    ).get_json()  # fmt: skip
    assert [r["status"] for r in bulk["results"]] == ["accepted", "rejected"]
    assert bulk["results"][1]["errors"][0]["field"] == "job_order_id"
    with unit_of_work(get_engine(app)) as session:
        assert session.scalars(select(Contract.reference)).all() == ["CT-J-OK"]
        assert session.scalars(select(Contract.job_order_id)).all() == [None]


def test_another_agencys_sub_agent_is_refused_in_a_fee_payment_like_a_missing_one(app, client, world):
    _, foreign_broker = peer_references(app, world)
    headers = world.agency_a.headers
    own = client.post("/api/v1/contracts", json=contract_body(world.employer_id, "CT-F-A"), headers=headers)
    contract = own.get_json()["contract"]
    payment = payment_body(contract, payee_type="sub_agent", amount_minor=100_000)
    for broker in (foreign_broker, 2_000_000_000):
        answer = client.post("/api/v1/fee-payments", json={**payment, "sub_agent_id": broker}, headers=headers)
        assert answer.status_code == 404, answer.get_json()
        expected = [{"field": "sub_agent_id", "message": f"sub-agent {broker} does not exist"}]
        assert answer.get_json()["errors"] == expected
    assert count(app, FeePayment) == 0


def test_a_constraint_error_that_reaches_the_edge_is_a_409_problem_not_a_500(app):
    from sqlalchemy.exc import IntegrityError

    def clash():
        raise IntegrityError("INSERT …", {}, Exception("duplicate key value violates unique constraint"))

    app.add_url_rule("/api/v1/_clash", "clash", clash)
    answer = app.test_client().get("/api/v1/_clash")
    assert answer.status_code == 409
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["type"] == "/api/v1/problems/conflict"
    assert "duplicate key" not in answer.get_data(as_text=True)  # no database detail leaks to the client


def test_input_the_spec_allows_never_answers_500(client, world):
    headers = world.agency_a.headers
    long_worker = contract_body(world.employer_id, "CT-LONG-1")
    long_worker["worker"]["reference"] = "W" * 33
    answer = client.post("/api/v1/contracts", json=long_worker, headers=headers)
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["field"] in ("worker.reference", "worker.WorkerInput.reference")
    bulk = client.post(
        "/api/v1/contracts/bulk", json={"items": [contract_body(world.employer_id, "CT-LONG-2"), long_worker]},
        headers=headers,
    ).get_json()  # fmt: skip
    assert [r["status"] for r in bulk["results"]] == ["accepted", "rejected"]
    for instant in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "0.5", "1700000000"):
        listed = client.get("/api/v1/contracts", query_string={"updated_since": instant}, headers=headers)
        assert listed.status_code == 422, (instant, listed.get_json())
        assert listed.get_json()["errors"][0]["field"] == "query:updated_since"
    naive = client.get("/api/v1/contracts", query_string={"updated_since": "2000-01-01T00:00:00"}, headers=headers)
    assert [item["reference"] for item in naive.get_json()["items"]] == ["CT-LONG-2"]  # read as UTC
    deep = "[" * 100_000 + "]" * 100_000
    nested = client.post("/api/v1/contracts", data=deep, content_type="application/json", headers=headers)
    assert nested.status_code == 400 and nested.mimetype == "application/problem+json"
    assert nested.get_json()["type"] == "/api/v1/problems/malformed-request"


def test_lax_input_is_refused_field_by_field(client, world):
    headers = world.agency_a.headers

    def post(body, **extra):
        return client.post("/api/v1/contracts", json=body, headers=headers, **extra)

    def field_of(answer):
        assert answer.status_code == 422, answer.get_json()
        return answer.get_json()["errors"][0]["field"]

    as_text = client.post(
        "/api/v1/contracts", data=json.dumps(contract_body(world.employer_id, "CT-TXT")), headers=headers,
        content_type="text/plain",
    )  # fmt: skip
    assert as_text.status_code == 415 and as_text.get_json()["type"] == "/api/v1/problems/unsupported-media-type"
    for wage in (True, "140000", 1400.5):
        body = contract_body(world.employer_id, "CT-LAX-1")
        body["versions"][0]["basic_wage_minor"] = wage
        assert field_of(post(body)) == "versions.0.basic_wage_minor", wage
    for reference in ("X\u200b", "\u200b\u200b", "AB\u202eC"):
        assert field_of(post(contract_body(world.employer_id, reference))) == "reference", repr(reference)
    born = contract_body(world.employer_id, "CT-LAX-2")
    born["worker"]["date_of_birth"] = "9999-12-31"
    assert field_of(post(born)).endswith("date_of_birth")
    comma = contract_body(world.employer_id, "CT-LAX-3")
    comma["versions"][0]["deductions"] = ["food,housing"]
    assert field_of(post(comma)) == "versions.0.deductions.0"
    composed = post(contract_body(world.employer_id, "CT-Caf\u00e9"))
    decomposed = post(contract_body(world.employer_id, "CT-Cafe\u0301"))
    assert composed.status_code == 201 and composed.get_json()["contract"]["reference"] == "CT-Caf\u00e9"
    assert decomposed.status_code == 409  # NFC: the same reference, not a second one that prints alike
    repeated = client.get("/api/v1/contracts?limit=1&limit=2", headers=headers)
    assert field_of(repeated) == "query:limit"


def test_an_idempotency_key_used_on_one_endpoint_is_refused_on_another(app, client, world):
    headers = {**world.agency_a.headers, "Idempotency-Key": "one-key"}
    first = client.post("/api/v1/contracts", json=contract_body(world.employer_id, "CT-K-1"), headers=headers)
    contract = first.get_json()["contract"]
    payment = payment_body(contract)
    elsewhere = client.post("/api/v1/fee-payments", json=payment, headers=headers)
    assert elsewhere.status_code == 422
    assert elsewhere.get_json()["type"] == "/api/v1/problems/idempotency-key-reused"
    assert "POST /api/v1/contracts" in elsewhere.get_json()["detail"]
    assert count(app, FeePayment) == 0


def test_fee_payments_given_with_a_contract_are_previewed_stored_and_echoed(app, client, world):
    """NPR 50,000 paid in cash to the agency for its service, given inline: the preview names the fee criteria
    (before, it judged the contract as if no fee had been paid), the payment is stored with the contract, and the
    answer echoes every submitted field of versions and payments."""
    body = contract_body(world.employer_id)
    body["versions"][1].update(food_provided=True, housing_provided=True, daily_rest_hours=10, medical_cover=True,
                               overtime_rate_pct=125, annual_leave_days=21, probation_months=3, attested=True,
                               return_ticket_by="employer", recruitment_costs_borne_by="employer",
                               termination_notice_days=30, dispute_clause=True, repatriation_clause=True,
                               joint_liability_clause=True)  # fmt: skip
    paid = {"payee_type": "agency", "payee_name": "Head office", "payee_licensed": True,
            "category": "recruitment_service_fee", "amount_minor": 5_000_000, "currency": "NPR",
            "paid_on": "2026-01-20", "method": "cash", "receipt_no": None, "loan_taken": True,
            "loan_interest_bp": 3600, "stage": "pre_departure", "sub_agent_id": None}  # fmt: skip
    without = client.post("/api/v1/contracts", json=body, headers=world.agency_a.headers).get_json()
    body_with = {**body, "reference": "CT-API-FEES", "fee_payments": [paid]}
    answer = client.post("/api/v1/contracts", json=body_with, headers=world.agency_a.headers)
    assert answer.status_code == 201, answer.get_json()
    with_fees = answer.get_json()
    fee_criteria = {f["criterion_id"] for f in with_fees["preview"]} - {f["criterion_id"] for f in without["preview"]}
    assert {"FEE-001", "FEE-NP-001"} <= fee_criteria
    judged_on = {f["criterion_id"]: f["judged_on"] for f in with_fees["preview"]}
    assert judged_on["FEE-NP-001"] == "submission"

    stored = with_fees["contract"]
    (payment,) = stored["fee_payments"]
    assert {key: payment[key] for key in paid} == paid
    assert (payment["contract_id"], payment["worker_id"]) == (stored["id"], stored["worker_id"])
    assert payment["amount_usd_minor"] == 37_313  # NPR 50,000 at 134/USD
    version = stored["versions"][1]
    assert {key: version[key] for key in body["versions"][1] if key in version} == {
        key: value for key, value in body["versions"][1].items() if key in version
    }
    assert set(body["versions"][1]) - set(version) == set(), "every submitted field is echoed"
    assert client.get(f"/api/v1/contracts/{stored['id']}", headers=world.agency_a.headers).get_json() == stored


def test_an_inline_fee_payment_error_names_its_index_and_writes_nothing(app, client, world):
    body = contract_body(world.employer_id)
    body["fee_payments"] = [{"payee_type": "agency", "category": "medical", "amount_minor": 100, "currency": "NPR",
                             "paid_on": "2026-01-20", "method": "bank"},
                            {"payee_type": "agency", "category": "medical", "amount_minor": -1, "currency": "XXX",
                             "paid_on": "2026-01-20", "method": "bank"}]  # fmt: skip
    problem = client.post("/api/v1/contracts", json=body, headers=world.agency_a.headers).get_json()
    assert problem["status"] == 422
    assert {e["field"] for e in problem["errors"]} == {"fee_payments.1.amount_minor", "fee_payments.1.currency"}
    assert count(app, Contract) == count(app, FeePayment) == 0


def test_a_preview_that_reads_the_licence_history_says_so(app, client, world):
    """Signed while the agency's licence was suspended: AGY-001 is judged on the register, not the submission."""
    with unit_of_work(get_engine(app)) as session:
        suspension = {"decision": "suspended", "reason": "fees", "decided_on": "2026-01-01"}
        agencies.record_licence_event(world.agency_a.agency_id, suspension, session=session)
    body = contract_body(world.employer_id)
    preview = client.post("/api/v1/contracts", json=body, headers=world.agency_a.headers).get_json()["preview"]
    judged_on = {f["criterion_id"]: f["judged_on"] for f in preview}
    assert judged_on["AGY-001"] == "registry"
    assert {label for criterion, label in judged_on.items() if not criterion.startswith("AGY")} == {"submission"}
