"""Two sends of one request with the same Idempotency-Key at the same moment (a client retrying on a timeout):
one stores, the other gets the same answer back — never a 500, never a second contract."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Contract, IdempotencyRecord, Worker

from .conftest import contract_body

TRIALS = 4


def send_twice_at_once(app, path: str, body: dict, headers: dict) -> list:
    start = threading.Barrier(2)
    answers: list = [None, None]

    def send(slot: int) -> None:
        client = app.test_client()
        start.wait()
        answers[slot] = client.post(path, json=body, headers=headers)

    threads = [threading.Thread(target=send, args=(slot,)) for slot in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_twin_sends_with_one_idempotency_key_store_once_and_answer_alike(app, world):
    for trial in range(TRIALS):
        headers = {**world.agency_a.headers, "Idempotency-Key": f"retry-{trial}"}
        body = contract_body(world.employer_id, f"CT-TWIN-{trial}")
        answers = send_twice_at_once(app, "/api/v1/contracts", body, headers)
        assert [a.status_code for a in answers] == [201, 201], [a.get_json() for a in answers]
        assert answers[0].get_json() == answers[1].get_json()
        assert sorted(a.headers.get("Idempotent-Replayed", "false") for a in answers) == ["false", "true"]
    with unit_of_work(get_engine(app)) as session:
        assert session.scalar(select(func.count()).select_from(Contract)) == TRIALS
        assert session.scalar(select(func.count()).select_from(Worker)) == TRIALS
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == TRIALS


def test_twin_bulk_sends_with_one_idempotency_key_store_once(app, world):
    headers = {**world.agency_a.headers, "Idempotency-Key": "bulk-retry"}
    body = {"items": [contract_body(world.employer_id, f"CT-TB-{n}") for n in range(3)]}
    answers = send_twice_at_once(app, "/api/v1/contracts/bulk", body, headers)
    assert [a.status_code for a in answers] == [200, 200], [a.get_json() for a in answers]
    assert answers[0].get_json() == answers[1].get_json()
    assert answers[0].get_json()["accepted"] == 3
    with unit_of_work(get_engine(app)) as session:
        assert session.scalar(select(func.count()).select_from(Contract)) == 3
