"""The contract pages: each agency lists and opens only its own contracts (inspectors all), filters and exports the
list, and a contract's page shows what changed between versions, substitutions in words, and the hash chain."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import update

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import ContractVersion
from recruitment_watch.services.contracts import intake
from recruitment_watch.services.contracts.fees import record_fee_payment
from tests.api.conftest import World
from tests.support.factories import contract_input, payment_input, version_input
from tests.web.conftest import People, signed_in, text_of


def add_contract(
    app, world: World, agency: str, reference: str, *, wage_after: int = 140000, sector: str = "construction",
    payments: int = 0,
) -> int:  # fmt: skip
    """A contract of ``agency`` ('agency_a' or 'agency_b'): an offer at QAR 1,400 and the contract signed at origin
    with ``wage_after``; optionally worker payments."""
    agency_id = getattr(world, agency).agency_id
    with unit_of_work(get_engine(app)) as session:
        worker = intake.register_worker({"reference": f"W-{reference}", "nationality": "NP", "languages": ["ne"],
                                         "full_name": "Ram Thapa"}, session=session)  # fmt: skip
        versions = [
            version_input(world.employer_id),
            version_input(
                world.employer_id, kind="origin_signed", signed_on=date(2026, 2, 10), basic_wage_minor=wage_after
            ),  # fmt: skip
        ]
        data = contract_input(agency_id, world.employer_id, worker.id, reference=reference, versions=versions,
                              sector=sector)  # fmt: skip
        contract = intake.submit_contract(data, session=session)
        for number in range(payments):
            record_fee_payment(payment_input(contract, receipt_no=f"R-{number}"), session=session)
        return contract.id


def test_each_agency_lists_only_its_own_contracts_and_inspectors_all(app, world, people: People):
    add_contract(app, world, "agency_a", "CT-A-1")
    add_contract(app, world, "agency_b", "CT-B-1", sector="domestic work")

    mine = text_of(signed_in(app, people.agency_a).get("/contracts"))
    everything = signed_in(app, people.inspector)

    assert "CT-A-1" in mine and "CT-B-1" not in mine and "1–1 of 1" in mine
    listed = text_of(everything.get("/contracts"))
    assert "CT-A-1" in listed and "CT-B-1" in listed
    only_b = text_of(everything.get(f"/contracts?agency={world.agency_b.agency_id}"))
    assert "CT-B-1" in only_b and "CT-A-1" not in only_b
    by_sector = text_of(everything.get("/contracts?sector=domestic+work&status=not_deployed"))
    assert "CT-B-1" in by_sector and "CT-A-1" not in by_sector
    assert "No contract matches." in text_of(everything.get("/contracts?status=deployed"))
    assert "No contract matches." in text_of(everything.get("/contracts?from=2999-01-01"))


def test_the_list_exports_as_csv_and_excel_within_the_readers_scope_and_neutralises_formulas(app, world, people):
    add_contract(app, world, "agency_a", "CT-A-1", sector="=HYPERLINK(1)")
    add_contract(app, world, "agency_b", "CT-B-1")
    client = signed_in(app, people.agency_a)

    answer = client.get("/contracts?format=csv")
    text = answer.get_data(as_text=True)
    assert answer.mimetype == "text/csv" and "CT-A-1" in text and "CT-B-1" not in text
    assert "'=HYPERLINK(1)" in text

    book = client.get("/contracts?format=xlsx")
    rows = list(load_workbook(io.BytesIO(book.get_data())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "reference", "agency") and [row[1] for row in rows[1:]] == ["CT-A-1"]
    assert rows[1][6] == "'=HYPERLINK(1)"


def test_a_lower_wage_shows_old_and_new_and_is_named_a_substitution(app, world, people):
    contract_id = add_contract(app, world, "agency_a", "CT-A-1", wage_after=120000, payments=1)

    page = text_of(signed_in(app, people.agency_a).get(f"/contracts/{contract_id}"))

    assert "From version 1 (offer) to version 2 (signed at origin)" in page
    assert "Basic wage QAR1,400.00 QAR1,200.00 changed · worse for the worker (substitution, SUB-001)" in page
    assert "Substitution: 1 change is worse for the worker" in page
    assert "Intact: all 2 versions still match" in page
    assert "R-0" in page and "recruitment service fee" in page  # the payment


def test_a_tampered_version_shows_the_chain_broken_at_that_version(app, world, people):
    contract_id = add_contract(app, world, "agency_a", "CT-A-1")
    with unit_of_work(get_engine(app)) as session:
        session.execute(update(ContractVersion).where(ContractVersion.contract_id == contract_id,
                                                      ContractVersion.seq == 2).values(hours_per_day=12))  # fmt: skip

    page = text_of(signed_in(app, people.inspector).get(f"/contracts/{contract_id}"))

    assert "Broken at version 2." in page and "Intact" not in page
    assert "does not match" in page


def test_an_agency_cannot_open_another_agencys_contract(app, world, people):
    theirs = add_contract(app, world, "agency_b", "CT-B-1")

    answer = signed_in(app, people.agency_a).get(f"/contracts/{theirs}")

    assert answer.status_code == 404 and "CT-B-1" not in answer.get_data(as_text=True)
    assert "Page not found" in text_of(answer)
    assert "CT-B-1" in text_of(signed_in(app, people.agency_b).get(f"/contracts/{theirs}"))
