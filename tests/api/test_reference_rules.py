"""One copy of the reference rules: the API (single and bulk) and the CSV import refuse the same bad references —
a reference another agency holds, a missing employer, another agency's job order, another agency's worker — with
the same field (the CSV column of the API's field) and the same reason, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.contracts import csv_import_runs
from recruitment_watch.services.contracts.csv_columns import columns_of
from tests.services.contracts.test_csv_import import contract_cells, csv_bytes

from .conftest import contract_body
from .test_submissions import peer_references

LIMITS = csv_import_runs.ImportLimits(max_bytes=1_000_000, stale_after=timedelta(minutes=10))


def csv_column(api_field: str) -> str:
    """The CSV column that carries the API's field (``worker.reference`` → ``worker_reference``)."""
    return next(column.name for column in columns_of("contracts") if api_field in column.paths)


@pytest.fixture()
def bad_references(app, client, world) -> list[tuple[str, dict, dict[str, str], str, str]]:
    """(case, API body changes, CSV cell changes, API field, reason) for agency A, with agency B's records."""
    taken = client.post("/api/v1/contracts", json=contract_body(world.employer_id, "CT-B-1"),
                        headers=world.agency_b.headers)  # fmt: skip
    assert taken.status_code == 201, taken.get_json()
    foreign_order, _ = peer_references(app, world)
    worker_b = {"reference": "W-CT-B-1", "nationality": "NP", "full_name": "Sita Rai"}
    return [
        ("taken reference", {"reference": "CT-B-1"}, {"reference": "CT-B-1"}, "reference",
         "contract CT-B-1 already exists"),
        ("missing employer", {"employer_id": 999_999}, {"employer_id": "999999"}, "employer_id",
         "employer 999999 does not exist"),
        ("another agency's job order", {"job_order_id": foreign_order}, {"job_order_id": str(foreign_order)},
         "job_order_id", f"job order {foreign_order} does not exist"),
        ("another agency's worker", {"worker": worker_b}, {"worker_reference": "W-CT-B-1"}, "worker.reference",
         "worker reference W-CT-B-1 is already in use"),
    ]  # fmt: skip


def api_errors(client, world, number: int, changes: dict) -> tuple[list[dict], list[dict]]:
    """The errors of one bad body sent alone and in a bulk request."""
    body = contract_body(world.employer_id, f"CT-A-{number}") | changes
    if "employer_id" in changes:  # the versions name the same employer, as a CSV row's single employer_id does
        for version in body["versions"]:
            version["employer_id"] = changes["employer_id"]
    single = client.post("/api/v1/contracts", json=body, headers=world.agency_a.headers).get_json()
    bulk = client.post("/api/v1/contracts/bulk", json={"items": [body]}, headers=world.agency_a.headers).get_json()
    return single["errors"], bulk["results"][0]["errors"]


def test_the_csv_import_and_the_api_refuse_bad_references_with_the_same_field_and_reason(
    app, client, world, bad_references
):
    for number, (case, body_changes, _, field, reason) in enumerate(bad_references):
        single, bulk = api_errors(client, world, number, body_changes)
        assert single == bulk == [{"field": field, "message": reason}], case

    rows = [contract_cells(world.employer_id, number, **cells)
            for number, (_, _, cells, _, _) in enumerate(bad_references)]  # fmt: skip
    actor = Actor(1, OrganisationKind.agency, "Everest", Role.agency, frozenset(), agency_id=world.agency_a.agency_id)
    engine = get_engine(app)
    with unit_of_work(engine, writing=True) as session:
        record, checked = csv_import_runs.start_import(actor, "contracts", "bad.csv", csv_bytes(rows), "keep_good",
                                                       session=session, limits=LIMITS)  # fmt: skip
    final = csv_import_runs.run_import(engine, record.id, actor, checked)
    assert (final.status, final.rows_stored, final.rows_rejected) == ("done", 0, len(bad_references))
    expected = [{"line": number + 2, "field": csv_column(field), "reason": reason}
                for number, (_, _, _, field, reason) in enumerate(bad_references)]  # fmt: skip
    assert final.errors == expected


def test_a_re_upload_of_the_agencys_own_reference_is_skipped_where_the_api_refuses_it(app, client, world):
    """The one place the edges differ on purpose: the CSV import is idempotent by reference, the API is not."""
    first = client.post("/api/v1/contracts", json=contract_body(world.employer_id, "CT-CSV-0"),
                        headers=world.agency_a.headers)  # fmt: skip
    assert first.status_code == 201
    again = client.post("/api/v1/contracts", json=contract_body(world.employer_id, "CT-CSV-0"),
                        headers=world.agency_a.headers).get_json()  # fmt: skip
    assert again["errors"] == [{"field": "reference", "message": "contract CT-CSV-0 already exists"}]
    actor = Actor(1, OrganisationKind.agency, "Everest", Role.agency, frozenset(), agency_id=world.agency_a.agency_id)
    engine = get_engine(app)
    with unit_of_work(engine, writing=True) as session:
        data = csv_bytes([contract_cells(world.employer_id, 0)])
        record, checked = csv_import_runs.start_import(actor, "contracts", "again.csv", data, "keep_good",
                                                       session=session, limits=LIMITS)  # fmt: skip
    final = csv_import_runs.run_import(engine, record.id, actor, checked)
    assert (final.status, final.rows_stored, final.rows_duplicate, final.errors) == ("done", 0, 1, [])
