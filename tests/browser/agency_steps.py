"""What the agency's browser tests do in more than one test module: fill the contract form, and find a demo employer
and the contracts stored under a reference."""

from __future__ import annotations

from playwright.sync_api import Page
from sqlalchemy import text

from recruitment_watch.db import make_engine

AGENCY = "agency@demo.recruitment-watch.org"  # Arif Agency, staff of one demo agency
FEE_CRITERION = "FEE-020"  # an agency charged the worker (ILO C181 Art 7(1))


def fill_contract(page: Page, reference: str) -> None:
    """A signed contract on fair terms, with the agency's first employer, and a fee the worker paid the agency."""
    form = page.locator("#contract-form")
    form.locator("[name=worker_reference]").fill(f"W-{reference}")
    form.locator("[name=worker_full_name]").fill("Sita Rai")
    form.locator("[name=worker_languages]").fill("ne")
    form.locator("[name=reference]").fill(reference)
    form.locator("[name=employer_id]").select_option(index=1)
    form.locator("[name=destination_country]").select_option("QA")
    form.locator("[name=sector]").fill("construction")
    form.locator("[name=kind]").select_option("origin_signed")
    form.locator("[name=job_title]").fill("Mason")
    form.locator("[name=wage]").fill("1400")
    form.locator("[name=wage_currency]").select_option("QAR")
    form.locator("[name=hours_per_day]").fill("8")
    form.locator("[name=days_per_week]").fill("6")
    form.locator("[name=weekly_rest_days]").fill("1")
    form.locator("[name=worksite_country]").select_option("QA")
    form.locator("[name=recruitment_costs_borne_by]").select_option("employer")
    form.locator("[name=return_ticket_by]").select_option("employer")
    form.locator("[name=contract_languages]").fill("ar, ne")
    form.locator("[name=signed_on]").fill("2026-10-10")
    form.locator("[name=copy_given_to_worker]").check()
    form.locator("[name='fees-0-category']").select_option("recruitment_service_fee")
    form.locator("[name='fees-0-payee_type']").select_option("agency")
    form.locator("[name='fees-0-currency']").select_option("USD")
    form.locator("[name='fees-0-paid_on']").fill("2026-10-01")
    form.locator("[name='fees-0-amount']").fill("500")


def employer_and_stored(database_url: str, reference: str) -> tuple[int, int]:
    """An employer of the demo, and how many contracts hold ``reference``."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            employer = connection.execute(text("SELECT min(id) FROM employer")).scalar_one()
            stored = connection.execute(text("SELECT count(*) FROM contract WHERE reference = :r"),
                                        {"r": reference}).scalar_one()  # fmt: skip
            return employer, stored
    finally:
        engine.dispose()
