"""CSV imports at the console: ``import contracts|payments FILE --agency LICENCE_NO [--all-or-nothing]`` runs the
web's service with a progress bar, prints rejected rows by line and column, and exits non-zero on a refusal."""

from __future__ import annotations

from recruitment_watch.models import Contract, FeePayment
from tests.services.contracts.test_csv_import import contract_cells, csv_bytes
from tests.support.factories import count_rows, make_agency, make_employer


def run(runner, kind: str, path, *extra: str):
    return runner.invoke(args=["import", kind, str(path), "--agency", "NP-LIC-0001", *extra])


def test_contracts_and_payments_import_from_the_console(runner, session, tmp_path):
    make_agency(session)
    employer_id = make_employer(session).id
    session.commit()
    contracts = tmp_path / "contracts.csv"
    contracts.write_bytes(csv_bytes([contract_cells(employer_id, 1), contract_cells(employer_id, 2, kind="draft")]))
    mixed = run(runner, "contracts", contracts)
    assert mixed.exit_code == 1
    assert "line 3, kind: Input should be 'offer'" in mixed.output
    assert "1 stored, 0 already stored, 1 rejected" in mixed.output
    assert count_rows(session, Contract) == 1
    session.rollback()  # a fresh snapshot for the next count
    payments = tmp_path / "payments.csv"
    payments.write_bytes(csv_bytes([{"contract_reference": "CT-CSV-1", "payee_type": "agency", "category": "medical",
                                     "amount_minor": "5000", "currency": "NPR", "paid_on": "2026-01-20",
                                     "method": "bank"}], "payments"))  # fmt: skip
    stored = run(runner, "payments", payments)
    assert stored.exit_code == 0, stored.output
    assert "1 stored, 0 already stored, 0 rejected" in stored.output and count_rows(session, FeePayment) == 1


def test_all_or_nothing_and_refusals_exit_non_zero_and_store_nothing(runner, session, tmp_path):
    make_agency(session)
    employer_id = make_employer(session).id
    session.commit()
    path = tmp_path / "contracts.csv"
    path.write_bytes(csv_bytes([contract_cells(employer_id, 1), contract_cells(employer_id, 2, employer_id="9999")]))
    refused = run(runner, "contracts", path, "--all-or-nothing")
    assert refused.exit_code == 1 and "line 3, employer_id: employer 9999 does not exist" in refused.output
    assert "(all or nothing: nothing stored)" in refused.output and count_rows(session, Contract) == 0
    again = run(runner, "contracts", path, "--all-or-nothing")
    assert again.exit_code == 1 and "already uploaded" not in again.output  # a result that stored nothing is redone
    binary = tmp_path / "book.xlsx"
    binary.write_bytes(b"PK\x03\x04 workbook")
    wrong = run(runner, "contracts", binary)
    assert wrong.exit_code == 1 and "This is not a CSV file" in wrong.output and "(nothing stored)" in wrong.output
    unknown = runner.invoke(args=["import", "contracts", str(path), "--agency", "NO-SUCH"])
    assert unknown.exit_code == 1 and "no agency holds licence NO-SUCH" in unknown.output
