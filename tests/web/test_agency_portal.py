"""The agency portal: the agency's own licence and history, a change request that reaches the ministry's inspectors,
the compliance score line by line, and the contract form whose "Check" previews the criteria without storing anything
and whose "Submit" stores the contract for the signed-in person's agency only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Contract, ContractVersion, FeePayment, Notification, Worker
from recruitment_watch.services.casework.notifications import inbox
from recruitment_watch.services.registry.agencies import record_licence_event
from tests.support.factories import count_rows
from tests.web.conftest import csrf_token, post_form, signed_in, text_of

NEW = "/agency/contracts/new"
WORKER_PAID_FEE = {"fees-0-category": "recruitment_service_fee", "fees-0-payee_type": "agency",
                   "fees-0-amount": "50000", "fees-0-currency": "NPR", "fees-0-paid_on": "2026-01-20",
                   "fees-0-method": "cash"}  # fmt: skip


def contract_form(employer_id: int, **overrides: str) -> dict[str, str]:
    """The form as a browser sends it: a signed contract on fair terms, no fee paid, "Check" pressed."""
    data = {
        "worker_reference": "W-WEB-1", "worker_full_name": "Sita Rai", "worker_nationality": "NP",
        "worker_sex": "female", "worker_languages": "ne", "worker_passport_held_by": "worker",
        "reference": "CT-WEB-1", "employer_search": "", "employer_id": str(employer_id), "job_order_id": "",
        "origin_country": "NP", "destination_country": "QA", "sector": "construction", "isco_code": "7112",
        "departure_on": "2026-03-01", "kind": "origin_signed", "job_title": "Mason", "wage": "1400",
        "wage_currency": "QAR", "wage_period": "month", "hours_per_day": "8", "days_per_week": "6",
        "weekly_rest_days": "1", "daily_rest_hours": "", "worksite_city": "Doha", "worksite_country": "QA",
        "return_ticket_by": "employer", "recruitment_costs_borne_by": "employer", "contract_languages": "ar, ne",
        "signed_on": "2026-02-10", "copy_given_to_worker": "y", "check": "Check against the criteria",
    }  # fmt: skip
    for row in range(3):
        blank = {
            "category": "",
            "payee_type": "agency",
            "amount": "",
            "currency": "NPR",
            "paid_on": "",
            "method": "cash",
        }
        data.update({f"fees-{row}-{name}": value for name, value in blank.items()})
    return {**data, **overrides}


def stored_counts(app) -> tuple[int, int, int, int]:
    with unit_of_work(get_engine(app)) as session:
        return tuple(count_rows(session, model) for model in (Contract, ContractVersion, FeePayment, Worker))


def send(client, data: dict[str, str]):
    token = csrf_token(client.get(NEW).get_data(as_text=True))
    return client.post(NEW, data={"csrf_token": token, **data})


def test_the_profile_shows_the_licence_its_history_and_the_score(app, people, world):
    with unit_of_work(get_engine(app)) as session:
        record_licence_event(world.agency_a.agency_id, {"decision": "suspended", "status": "suspended",
                             "reason": "Fees charged to workers in 2025", "legal_basis": "Foreign Employment Act s.24",
                             "decided_on": date(2025, 6, 1)}, session=session)  # fmt: skip
        reinstated = {"decision": "reinstated", "status": "active", "reason": "Refunds verified",
                      "decided_on": date(2025, 9, 1)}  # fmt: skip
        record_licence_event(world.agency_a.agency_id, reinstated, session=session)
    page = signed_in(app, people.agency_a).get("/agency")
    shown = text_of(page)
    assert page.status_code == 200
    assert "Everest Manpower" in shown and "NP-LIC-0001" in shown and "Department of Foreign Employment" in shown
    assert "Status today active" in shown
    assert "Fees charged to workers in 2025" in shown and "Foreign Employment Act s.24" in shown
    assert "Refunds verified" in shown and "registered in recruitment_watch" in shown
    assert shown.index("Refunds verified") < shown.index("Fees charged to workers")  # newest first
    assert "Compliance score" in shown and "How the score is made, line by line" in shown
    other = text_of(signed_in(app, people.agency_b).get("/agency"))
    assert "NP-LIC-0002" in other and "NP-LIC-0001" not in other and "Refunds verified" not in other


def test_staff_and_ngos_do_not_get_the_portal(app, people, world):  # noqa: ARG001
    for person in (people.inspector, people.ngo_a):
        assert signed_in(app, person).get("/agency").status_code == 404
        assert signed_in(app, person).get(NEW).status_code == 404


def test_a_change_request_reaches_the_inspectors_and_the_agency_sees_it_sent(app, people, world):  # noqa: ARG001
    client = signed_in(app, people.agency_a)
    sent = post_form(client, "/agency/change-requests", {"message": "Our Pokhara branch moved to Lakeside Road."},
                     page="/agency")  # fmt: skip
    assert sent.status_code == 302
    shown = text_of(client.get(sent.headers["Location"]))
    assert "Your request was sent to the ministry" in shown and "Our Pokhara branch moved" in shown
    with unit_of_work(get_engine(app)) as session:
        notes = inbox(session, people.inspector.id)
        assert [note.kind for note in notes] == ["change_request"]
        assert "Everest Manpower" in notes[0].message and "Lakeside Road" in notes[0].message
        assert notes[0].subject_id == world.agency_a.agency_id
        assert session.scalar(select(Notification).where(Notification.user_id == people.agency_a.id)) is None
    assert "Lakeside Road" not in text_of(signed_in(app, people.agency_b).get("/agency"))


def test_an_empty_change_request_is_refused_on_its_field(app, people, world):  # noqa: ARG001
    refused = post_form(signed_in(app, people.agency_a), "/agency/change-requests", {"message": "  "}, page="/agency")
    assert refused.status_code == 400
    assert 'id="message-error"' in refused.get_data(as_text=True) and "Say what should change." in text_of(refused)


def test_check_shows_the_fee_breach_with_its_citation_and_stores_nothing(app, people, world):
    client = signed_in(app, people.agency_a)
    before = stored_counts(app)
    checked = send(client, contract_form(world.employer_id, **WORKER_PAID_FEE))
    shown = text_of(checked)
    assert checked.status_code == 200, shown
    assert "FEE-020" in shown and "Art 7(1)" in shown and "ILO Private Employment Agencies Convention" in shown
    assert "Refund the amount and charge the employer instead." in shown and "Severity: high" in shown
    assert stored_counts(app) == before

    fixed = text_of(send(client, contract_form(world.employer_id)))
    assert "FEE-0" not in fixed and "Check against the criteria" in fixed
    assert stored_counts(app) == before


def test_the_live_preview_answers_json_with_the_same_fragment(app, people, world):
    client = signed_in(app, people.agency_a)
    token = csrf_token(client.get(NEW).get_data(as_text=True))
    form = contract_form(world.employer_id, **WORKER_PAID_FEE)
    form.pop("check")
    answer = client.post("/agency/contracts/preview", data=form, headers={"X-CSRFToken": token})
    assert answer.mimetype == "application/json" and answer.get_json()["findings"] >= 1
    assert "FEE-020" in answer.get_json()["html"]
    missing = client.post("/agency/contracts/preview", data={**form, "reference": ""}, headers={"X-CSRFToken": token})
    assert missing.get_json()["findings"] is None and 'href="#reference"' in missing.get_json()["html"]
    assert stored_counts(app) == (0, 0, 0, 0)


def test_submit_stores_one_contract_for_the_signed_in_agency_even_when_the_form_names_another(app, people, world):
    client = signed_in(app, people.agency_a)
    data = contract_form(world.employer_id, **WORKER_PAID_FEE, agency_id=str(world.agency_b.agency_id),
                         submit="Submit the contract")  # fmt: skip
    data.pop("check")
    stored = send(client, data)
    shown = text_of(stored)
    assert stored.status_code == 200, shown
    assert "Contract CT-WEB-1 is stored" in shown and "FEE-020" in shown
    with unit_of_work(get_engine(app)) as session:
        contracts = session.scalars(select(Contract)).all()
        assert [(c.reference, c.agency_id) for c in contracts] == [("CT-WEB-1", world.agency_a.agency_id)]
        version = session.scalar(select(ContractVersion))
        assert version.basic_wage_minor == 140000 and version.wage_currency == "QAR" and version.kind == "origin_signed"
        payment = session.scalar(select(FeePayment))
        assert payment.amount_minor == 5_000_000 and payment.agency_id == world.agency_a.agency_id
    again = text_of(send(client, data))  # the same reference again: refused on its field, nothing more stored
    assert "already exists" in again and stored_counts(app)[0] == 1


def test_bad_input_is_named_next_to_its_field_and_in_the_summary(app, people, world):
    client = signed_in(app, people.agency_a)
    refused = send(client, contract_form(world.employer_id, wage="fourteen hundred", reference="",
                                         **{"fees-1-category": "medical", "fees-1-amount": "12.345"}))  # fmt: skip
    html, shown = refused.get_data(as_text=True), text_of(refused)
    assert refused.status_code == 400
    assert "There is a problem" in shown
    assert 'id="wage-error"' in html and 'href="#wage"' in html and "Type a number" in shown
    assert 'id="reference-error"' in html and 'href="#reference"' in html
    assert 'id="fees-1-amount-error"' in html and "Payment 2: Amount" in shown
    assert stored_counts(app) == (0, 0, 0, 0)
    late = send(client, contract_form(world.employer_id, destination_country="QA", worker_languages="nepali"))
    assert late.status_code == 400 and 'id="worker_languages-error"' in late.get_data(as_text=True)


def test_the_employer_search_offers_the_registers_matches_without_storing(app, people, world):
    client = signed_in(app, people.agency_a)
    found = send(client, {**contract_form(""), "employer_search": "qa-123", "find_employer": "Search the register"})
    assert "Doha Build — QA-123 (QA)" in text_of(found) and stored_counts(app) == (0, 0, 0, 0)
