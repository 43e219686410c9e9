"""CSV imports through the service, on both databases: good, mixed and all-or-nothing files, duplicates (the same
file, the same rows in another file), refused files, formula cells, a crash mid-way, abandoned imports, and fuzzed
rows that may only ever produce field errors."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from recruitment_watch.models import Contract, ContractVersion, CsvImport, FeePayment, Worker, WorkerIdentity
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.schemas.contracts import WorkerInput
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.contracts import csv_import, csv_import_runs
from recruitment_watch.services.contracts.csv_columns import columns_markdown, columns_of, template_csv
from recruitment_watch.services.contracts.csv_import import ContractRows
from recruitment_watch.services.contracts.csv_reading import FileRefused, open_csv
from recruitment_watch.services.contracts.intake import unsaved_worker
from recruitment_watch.services.contracts.version_hash import broken_links
from tests.support.factories import count_rows, make_agency, make_employer

LIMITS = csv_import_runs.ImportLimits(max_bytes=1_000_000, stale_after=timedelta(minutes=10))
DOCS = Path(__file__).resolve().parents[3] / "docs" / "imports.md"


def contract_cells(employer: int, number: int | str, /, **changes: str) -> dict[str, str]:
    """One good contract row's cells (overridable column by column)."""
    return {"reference": f"CT-CSV-{number}", "origin_country": "NP", "destination_country": "QA",
            "sector": "construction", "employer_id": str(employer), "worker_reference": f"W-CSV-{number}",
            "worker_full_name": "Ram Thapa", "worker_nationality": "NP", "worker_languages": "ne;en",
            "kind": "origin_signed", "basic_wage_minor": "140000", "wage_currency": "QAR", "worksite_country": "QA",
            "job_title": "Mason", "signed_on": "2026-02-10", "hours_per_day": "8", **changes}  # fmt: skip


def csv_bytes(rows: list[dict[str, str]], kind: str = "contracts", *, bom: bool = True) -> bytes:
    """A CSV file of ``rows`` with every documented column of ``kind`` in the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = [column.name for column in columns_of(kind)]
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def agency_actor(agency_id: int) -> Actor:
    return Actor(1, OrganisationKind.agency, "Everest", Role.agency, frozenset(), agency_id=agency_id)


@pytest.fixture()
def setting(session):
    agency, employer = make_agency(session), make_employer(session)
    other = make_agency(session, licence_no="NP-LIC-0002", name="Himal Manpower")
    session.commit()
    return agency_actor(agency.id), employer.id, agency_actor(other.id)


def imported(engine, session, actor, data, *, kind="contracts", mode="keep_good", name="file.csv") -> CsvImport:
    record, checked = csv_import_runs.start_import(actor, kind, name, data, mode, session=session, limits=LIMITS)
    session.commit()
    return csv_import_runs.run_import(engine, record.id, actor, checked)


def test_a_good_file_stores_every_contract_with_its_worker_and_a_chained_version(engine, session, setting):
    actor, employer_id, _ = setting
    final = imported(engine, session, actor, csv_bytes([contract_cells(employer_id, n) for n in range(3)]))
    assert (final.status, final.rows_total, final.rows_stored, final.rows_rejected) == ("done", 3, 3, 0)
    contract = session.scalar(select(Contract).where(Contract.reference == "CT-CSV-1"))
    assert contract.agency_id == actor.agency_id and session.get(Worker, contract.worker_id).languages == ",ne,en,"
    assert session.get(WorkerIdentity, contract.worker_id).full_name == "Ram Thapa"
    versions = session.scalars(select(ContractVersion).where(ContractVersion.contract_id == contract.id)).all()
    assert len(versions) == 1 and versions[0].basic_wage_usd_minor > 0 and versions[0].employer_name
    assert broken_links([v.model_dump() for v in versions]) == []


def test_a_mixed_file_names_each_bad_row_by_line_and_column_and_keeps_the_good_rows(engine, session, setting):
    actor, employer_id, _ = setting
    rows = [contract_cells(employer_id, 1), contract_cells(employer_id, 2, basic_wage_minor="-5"),
            contract_cells(employer_id, 3, employer_id="999999", signed_on="10/02/2026"),
            contract_cells(employer_id, 4, worker_full_name=""), contract_cells(employer_id, 5, kind="draft"),
            contract_cells(employer_id, 6)]  # fmt: skip
    final = imported(engine, session, actor, csv_bytes(rows))
    assert (final.rows_stored, final.rows_rejected) == (2, 4)
    reasons = {(e["line"], e["field"]): e["reason"] for e in final.errors}
    assert "greater than or equal to 0" in reasons[(3, "basic_wage_minor")]  # "-5" is refused, not misread
    assert reasons[(4, "signed_on")] == "must be a date written YYYY-MM-DD"
    assert (5, "worker_full_name") in reasons and (6, "kind") in reasons
    assert sorted(session.scalars(select(Contract.reference))) == ["CT-CSV-1", "CT-CSV-6"]


def test_all_or_nothing_stores_nothing_when_a_row_is_bad(engine, session, setting):
    actor, employer_id, _ = setting
    rows = [contract_cells(employer_id, 1), contract_cells(employer_id, 2, employer_id="999999")]
    final = imported(engine, session, actor, csv_bytes(rows), mode="all_or_nothing")
    assert final.status == "done" and final.rows_stored == 0 and final.rows_rejected == 1
    assert final.errors == [{"line": 3, "field": "employer_id", "reason": "employer 999999 does not exist"}]
    assert count_rows(session, Contract) == 0 and count_rows(session, Worker) == 0


def test_the_same_file_is_refused_and_the_same_rows_in_another_file_are_not_stored_twice(engine, session, setting):
    actor, employer_id, _ = setting
    rows = [contract_cells(employer_id, n) for n in range(3)]
    first = imported(engine, session, actor, csv_bytes(rows))
    with pytest.raises(csv_import_runs.AlreadyImported) as refused:
        csv_import_runs.start_import(actor, "contracts", "again.csv", csv_bytes(rows), "keep_good", session=session,
                                     limits=LIMITS)  # fmt: skip
    session.rollback()
    assert refused.value.import_id == first.id
    again = imported(engine, session, actor, csv_bytes([*reversed(rows), contract_cells(employer_id, 9)], bom=False))
    assert (again.rows_stored, again.rows_duplicate, again.rows_rejected) == (1, 3, 0)
    assert count_rows(session, Contract) == 4


def test_another_agencys_reference_or_worker_is_refused_like_the_api_refuses_it(engine, session, setting):
    actor, employer_id, other = setting
    imported(engine, session, other, csv_bytes([contract_cells(employer_id, 1)]))
    rows = [contract_cells(employer_id, 1, worker_reference="W-NEW"), contract_cells(employer_id, 2,
                                                                                     worker_reference="W-CSV-1")]
    final = imported(engine, session, actor, csv_bytes(rows))
    assert {(e["line"], e["field"]) for e in final.errors} == {(2, "reference"), (3, "worker_reference")}
    assert final.rows_stored == 0


def test_a_worker_on_several_rows_is_registered_once(engine, session, setting):
    actor, employer_id, _ = setting
    rows = [contract_cells(employer_id, n, worker_reference="W-SAME") for n in range(3)]
    final = imported(engine, session, actor, csv_bytes(rows))
    assert final.rows_stored == 3 and count_rows(session, Worker) == 1


def test_payments_are_stored_by_the_apis_service_and_never_twice(engine, session, setting):
    actor, employer_id, other = setting
    imported(engine, session, actor, csv_bytes([contract_cells(employer_id, 1)]))
    imported(engine, session, other, csv_bytes([contract_cells(employer_id, 2)]))
    good = {"contract_reference": "CT-CSV-1", "payee_type": "agency", "category": "medical", "amount_minor": "5000",
            "currency": "NPR", "paid_on": "2026-01-20", "method": "cash"}  # fmt: skip
    rows = [good, good | {"amount_minor": "7000"}, good | {"contract_reference": "CT-CSV-2"},
            good | {"currency": "XYZ"}]  # fmt: skip
    final = imported(engine, session, actor, csv_bytes(rows, "payments"), kind="payments")
    assert (final.rows_stored, final.rows_rejected) == (2, 2)
    assert {(e["line"], e["field"]) for e in final.errors} == {(4, "contract_reference"), (5, "currency")}
    again = imported(engine, session, actor, csv_bytes([good, good | {"receipt_no": "R-1"}], "payments"),
                     kind="payments")  # fmt: skip
    assert (again.rows_stored, again.rows_duplicate) == (1, 1)
    assert count_rows(session, FeePayment) == 3


@pytest.mark.parametrize(("data", "message"), [
    (b"x" * 1_000_001, "files of at most 1000000 bytes"),
    (b"PK\x03\x04 a workbook", "not a CSV file"),
    (b"\x89PNG\r\n", "not a CSV file"),
    (b"reference;sector\r\nA;B\r\n", "not separated by commas"),
    (b"reference,colour\r\n", "unknown columns: colour"),
    (b"reference\r\n", "Required columns are missing"),
    (b"", "The file is empty"),
    ("reference,sector\r\nCT-1,caf\u00e9\r\n".encode("latin-1"), "not UTF-8 text (line 2, byte 27)"),
])  # fmt: skip
def test_files_that_are_too_large_not_csv_or_not_utf8_are_refused_whole(data, message):
    with pytest.raises(FileRefused) as refused:
        open_csv(data, columns_of("contracts"), max_bytes=1_000_000)
    assert message in str(refused.value)


def test_formula_cells_are_stored_as_text_never_evaluated(engine, session, setting):
    actor, employer_id, _ = setting
    formula = '=HYPERLINK("http://x.example","click")'
    rows = [contract_cells(employer_id, 1, job_title=formula, worksite_city="@SUM(1+1)"),
            contract_cells(employer_id, 2, basic_wage_minor="=1+1")]  # fmt: skip
    final = imported(engine, session, actor, csv_bytes(rows))
    version = session.scalar(select(ContractVersion))
    assert (version.job_title, version.worksite_city) == (formula, "@SUM(1+1)")
    assert final.errors == [{"line": 3, "field": "basic_wage_minor",
                             "reason": "must be a whole number (digits only, no separators or decimals)"}]  # fmt: skip


def test_a_crash_while_storing_leaves_the_database_as_it_was(engine, session, setting, monkeypatch):
    actor, employer_id, _ = setting
    monkeypatch.setattr(csv_import_runs, "CHUNK_ROWS", 2)
    calls = []
    real_store = ContractRows.store

    def store_then_crash(self, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_store(self, rows)

    monkeypatch.setattr(ContractRows, "store", store_then_crash)
    final = imported(engine, session, actor, csv_bytes([contract_cells(employer_id, n) for n in range(5)]))
    assert final.status == "failed" and "RuntimeError" in final.failure and final.rows_stored == 0
    assert count_rows(session, Contract) == 0 and count_rows(session, Worker) == 0


def test_an_import_left_unfinished_by_a_dead_process_is_marked_failed(session, setting):
    actor, employer_id, _ = setting
    record, _ = csv_import_runs.start_import(actor, "contracts", "f.csv", csv_bytes([contract_cells(employer_id, 1)]),
                                             "keep_good", session=session, limits=LIMITS)  # fmt: skip
    record.created_at = utc_now() - timedelta(hours=1)
    session.commit()
    assert csv_import_runs.has_abandoned(session=session, now=utc_now(), stale_after=LIMITS.stale_after)
    assert csv_import_runs.fail_abandoned(session=session, now=utc_now(), stale_after=LIMITS.stale_after) == 1
    session.commit()
    session.refresh(record)
    assert record.status == "failed" and record.failure == csv_import_runs.ABANDONED


def test_the_import_row_of_a_worker_is_the_one_the_api_would_store():
    worker = WorkerInput(reference="W-1", nationality="NP", full_name="Ram", languages=["ne", "en"], insured=True)
    expected = unsaved_worker(worker).model_dump(exclude={"id", "created_at", "updated_at", "pseudonymised_at"})
    assert csv_import._worker_columns(worker) == expected


def test_the_template_and_the_docs_are_the_column_table():
    for kind in ("contracts", "payments"):
        assert template_csv(kind).strip().split(",") == [column.name for column in columns_of(kind)]
        assert columns_markdown(kind) in DOCS.read_text(encoding="utf-8")


EXAMPLES = itertools.count(1000)
# Any text but NUL (a NUL byte makes the whole file binary: refused before any row is read, tested above) and lone
# surrogates (no UTF-8 file can hold them; bytes that are not UTF-8 are refused whole, tested above).
CELL = st.one_of(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
                 st.sampled_from(["", "-5", "=1+1", "true", "2026-02-30", "NP", "0", "1e3"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.dictionaries(st.sampled_from([c.name for c in columns_of("contracts")]), CELL, max_size=12),
                     min_size=1, max_size=4))  # fmt: skip
def test_fuzzed_rows_give_only_field_errors_and_all_or_nothing_never_writes_part(engine, session, setting, rows):
    actor, employer_id, _ = setting
    example = next(EXAMPLES)  # the database outlives one example: each writes its own references
    rows = [contract_cells(employer_id, example * 10 + n) | row for n, row in enumerate(rows)]
    before = count_rows(session, Contract)
    session.rollback()
    record, checked = csv_import_runs.start_import(actor, "contracts", "fuzz.csv", csv_bytes(rows), "all_or_nothing",
                                                   session=session, limits=LIMITS)  # fmt: skip
    session.commit()
    final = csv_import_runs.run_import(engine, record.id, actor, checked)
    assert final.status == "done", final.failure
    known = {column.name for column in columns_of("contracts")} | {None}
    assert all(error["field"] in known and error["line"] >= 2 for error in final.errors)
    stored = count_rows(session, Contract) - before
    assert stored == (0 if final.rows_rejected else final.rows_stored)
    session.rollback()


def _mixed_rows(employer_id: int, prefix: str) -> list[dict[str, str]]:
    """Twelve rows: good ones, bad cells, an unknown employer, a reference given twice (in one chunk of four and
    across chunks), a worker on two rows."""
    rows = [contract_cells(employer_id, f"{prefix}{n}", worker_reference=f"W-{prefix}{n}") for n in range(12)]
    rows[1]["basic_wage_minor"] = "-5"
    rows[3]["reference"] = rows[0]["reference"]
    rows[4]["employer_id"] = "999999"
    rows[5]["worker_reference"] = rows[2]["worker_reference"]
    rows[8]["reference"] = rows[2]["reference"]
    rows[9]["kind"] = "draft"
    return rows


def test_a_file_read_by_worker_processes_gives_what_the_same_file_read_inline_gives(engine, session, setting,
                                                                                   monkeypatch):  # fmt: skip
    actor, employer_id, _ = setting
    monkeypatch.setattr(csv_import_runs, "CHUNK_ROWS", 4)  # three chunks, handed to the processes one by one
    outcomes = {}
    for prefix, parallel_from in (("IN-", 1_000_000), ("PAR-", 1)):
        record, checked = csv_import_runs.start_import(actor, "contracts", f"{prefix}.csv",
                                                       csv_bytes(_mixed_rows(employer_id, prefix)), "keep_good",
                                                       session=session, limits=LIMITS)  # fmt: skip
        session.commit()
        final = csv_import_runs.run_import(engine, record.id, actor, checked, parallel_from=parallel_from)
        stored = session.scalars(select(Contract.reference).where(Contract.reference.like(f"CT-CSV-{prefix}%")))
        workers = session.scalars(select(Worker.reference).where(Worker.reference.like(f"W-{prefix}%")))
        outcomes[prefix] = (final.status, final.rows_stored, final.rows_rejected,
                            [(e["line"], e["field"], e["reason"]) for e in final.errors],
                            sorted(reference.removeprefix(f"CT-CSV-{prefix}") for reference in stored),
                            sorted(reference.removeprefix(f"W-{prefix}") for reference in workers))  # fmt: skip
    assert outcomes["IN-"] == outcomes["PAR-"]
    status, stored, rejected, errors, references, workers = outcomes["PAR-"]
    assert (status, stored, rejected) == ("done", 7, 5)
    assert [(line, field) for line, field, _ in errors] == [
        (3, "basic_wage_minor"), (5, "reference"), (6, "employer_id"), (10, "reference"), (11, "kind")]  # fmt: skip
    assert errors[1][2] == "the same reference is on line 2 of this file"
    assert errors[3][2] == "the same reference is on line 4 of this file"
    assert references == ["0", "10", "11", "2", "5", "6", "7"] and "5" not in workers and len(workers) == 6
