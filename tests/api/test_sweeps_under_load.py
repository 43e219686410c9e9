"""A sweep beside agencies submitting contracts: on SQLite a transaction that reads and then writes cannot wait
for another writer, so sweeps take the write lock first (BEGIN IMMEDIATE) and every one of them succeeds."""

from __future__ import annotations

import threading

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import CheckRun, Contract
from recruitment_watch.services.sweeps.run import start_sweep

from .conftest import contract_body

SWEEPS = 6


def test_every_sweep_succeeds_while_agencies_post_contracts(app, world):
    stop = threading.Event()
    answers: list[int] = []

    def submit(writer: int) -> None:
        client = app.test_client()
        number = 0
        while not stop.is_set():
            body = contract_body(world.employer_id, f"CT-LOAD-{writer}-{number}")
            answers.append(client.post("/api/v1/contracts", json=body, headers=world.agency_a.headers).status_code)
            number += 1

    writers = [threading.Thread(target=submit, args=(index,)) for index in range(2)]
    for thread in writers:
        thread.start()
    try:
        while len(answers) < 4:  # the writers are writing before the first sweep starts
            stop.wait(0.01)
        runs = [start_sweep(get_engine(app), app.config, full=index == 0, trigger="test") for index in range(SWEEPS)]
    finally:
        stop.set()
        for thread in writers:
            thread.join()

    assert [run.status for run in runs] == ["succeeded"] * SWEEPS
    assert set(answers) == {201}, answers
    with unit_of_work(get_engine(app)) as session:
        statuses = session.scalars(select(CheckRun.status)).all()
        stored = len(session.scalars(select(Contract.id)).all())
    assert statuses.count("running") == 0 and statuses.count("succeeded") == SWEEPS
    assert stored == len(answers)
