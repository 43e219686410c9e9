"""The /imports pages on both databases: an agency uploads (good, mixed, refused, repeated files; a large file
handled by the worker thread with a self-refreshing progress page), sees its own imports only, downloads the
templates and its rejected rows as CSV (formula cells neutralised); inspectors read, never upload."""

from __future__ import annotations

import io
import time

import pytest

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Contract, CsvImport
from tests.services.contracts.test_csv_import import contract_cells, csv_bytes
from tests.support.factories import count_rows
from tests.web.conftest import csrf_token, signed_in, text_of


def upload(client, data: bytes, *, kind="contracts", mode="keep_good", name="contracts.csv"):
    token = csrf_token(client.get("/imports").get_data(as_text=True))
    return client.post("/imports", data={"csrf_token": token, "kind": kind, "mode": mode,
                                         "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")  # fmt: skip


def stored_contracts(app) -> int:
    with unit_of_work(get_engine(app)) as session:
        return count_rows(session, Contract)


@pytest.fixture()
def agency(app, people):
    return signed_in(app, people.agency_a)


def test_an_agency_uploads_a_mixed_file_and_sees_each_bad_row_named(app, world, agency):
    rows = [contract_cells(world.employer_id, 1), contract_cells(world.employer_id, 2, basic_wage_minor="-5"),
            contract_cells(world.employer_id, 3, job_title="=HYPERLINK(\"http://x.example\")")]  # fmt: skip
    answer = upload(agency, csv_bytes(rows))
    assert answer.status_code == 302
    page = agency.get(answer.headers["Location"])
    text = text_of(page)
    assert "2 rows stored" in text and "1 row rejected" in text and "Refresh" not in page.headers
    assert "3 basic_wage_minor Input should be greater than or equal to 0" in text
    errors = agency.get(answer.headers["Location"] + "/errors.csv").get_data(as_text=True)
    assert errors.splitlines()[1] == "3,basic_wage_minor,Input should be greater than or equal to 0"
    assert stored_contracts(app) == 2


def test_all_or_nothing_from_the_page_stores_nothing(app, world, agency):
    rows = [contract_cells(world.employer_id, 1), contract_cells(world.employer_id, 2, employer_id="999999")]
    page = agency.get(upload(agency, csv_bytes(rows), mode="all_or_nothing").headers["Location"])
    assert "Nothing was stored: you chose all or nothing" in text_of(page)
    assert "3 employer_id employer 999999 does not exist" in text_of(page) and stored_contracts(app) == 0


def test_a_repeated_file_is_refused_with_a_link_to_the_earlier_import(app, world, agency):
    data = csv_bytes([contract_cells(world.employer_id, 1)])
    first = upload(agency, data).headers["Location"]
    again = upload(agency, data)
    assert again.status_code == 409
    assert "This file was already uploaded" in text_of(again) and f'href="{first}"' in again.get_data(as_text=True)
    assert stored_contracts(app) == 1


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"PK\x03\x04 workbook", "contracts.xlsx", "This is not a CSV file"),
    ("reference,sector\r\nCT-1,caf\u00e9\r\n".encode("latin-1"), "latin1.csv", "not UTF-8 text (line 2, byte 27)"),
    (b"reference;sector\r\n", "semicolons.csv", "not separated by commas"),
])  # fmt: skip
def test_a_wrong_file_is_refused_with_a_clear_message(app, agency, data, name, message):
    answer = upload(agency, data, name=name)
    assert answer.status_code == 400 and message in text_of(answer) and "The file was not imported." in text_of(answer)
    with unit_of_work(get_engine(app)) as session:
        assert count_rows(session, CsvImport) == 0


def test_an_oversized_file_is_refused(app, agency):
    app.config["IMPORT_MAX_FILE_BYTES"] = 2_000
    answer = upload(agency, b"reference," + b"x" * 3_000)
    assert answer.status_code == 400 and "files of at most 2000 bytes are accepted" in text_of(answer)


def test_a_large_file_runs_in_the_background_with_a_self_refreshing_progress_page(app, world, agency):
    app.config["IMPORT_INLINE_MAX_ROWS"] = 1
    rows = [contract_cells(world.employer_id, n) for n in range(3)]
    location = upload(agency, csv_bytes(rows)).headers["Location"]
    import_id = int(location.rsplit("/", 1)[1])
    for _ in range(200):
        with unit_of_work(get_engine(app)) as session:
            if session.get(CsvImport, import_id).status == "done":
                break
        time.sleep(0.05)
    done = agency.get(location)
    assert "Refresh" not in done.headers and "3 rows stored" in text_of(done)
    with unit_of_work(get_engine(app)) as session:  # as it looked while waiting for the worker
        session.get(CsvImport, import_id).status = "running"
    running = agency.get(location)
    assert running.headers["Refresh"] == "2" and "<progress" in running.get_data(as_text=True)
    assert "reloads itself" in text_of(running)


def test_imports_are_the_agencys_own_and_inspectors_read_without_uploading(app, world, people, agency):
    location = upload(agency, csv_bytes([contract_cells(world.employer_id, 1)]), name="ours.csv").headers["Location"]
    other = signed_in(app, people.agency_b)
    assert "ours.csv" not in text_of(other.get("/imports")) and other.get(location).status_code == 404
    assert other.get(location + "/errors.csv").status_code == 404
    inspector = signed_in(app, people.inspector)
    listing = inspector.get("/imports")
    assert "ours.csv" in text_of(listing) and 'name="file"' not in listing.get_data(as_text=True)
    assert "1 row stored" in text_of(inspector.get(location))
    token = csrf_token(inspector.get("/account").get_data(as_text=True))
    assert inspector.post("/imports", data={"csrf_token": token, "kind": "contracts"}).status_code == 404


def test_the_templates_and_the_column_table_are_offered(agency):
    page = text_of(agency.get("/imports"))
    assert "worker_full_name yes text Imran Ali" in page and "contract_reference yes text" in page
    template = agency.get("/imports/template/payments.csv")
    assert template.mimetype == "text/csv" and template.get_data(as_text=True).startswith("\ufeffcontract_reference,")
