"""The agency 360° page: inspectors read an agency's licence, contracts, fee ledger, findings, complaints, risk and
decisions, and record or revoke a decision; agency people can neither open it nor post a decision."""

from __future__ import annotations

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Contract, Decision
from recruitment_watch.services.contracts.fees import record_fee_payment
from tests.support.factories import payment_input
from tests.web.conftest import People, csrf_token, post_form, signed_in, text_of
from tests.web.test_contract_pages import add_contract


def decisions_of(app, agency_id: int) -> list[Decision]:
    with unit_of_work(get_engine(app)) as session:
        rows = session.scalars(select(Decision).where(Decision.agency_id == agency_id).order_by(Decision.id)).all()
        session.expunge_all()
        return list(rows)


def test_the_360_page_shows_the_fee_ledger_totals_by_category_and_payee(app, world, people: People):
    contract_id = add_contract(app, world, "agency_a", "CT-A-1")
    with unit_of_work(get_engine(app)) as session:
        contract = session.get(Contract, contract_id)
        for category, payee, amount, method in (
            ("recruitment_service_fee", "agency", 150_000, "cash"),
            ("recruitment_service_fee", "sub_agent", 25_000, "cash"),
            ("medical", "medical_centre", 12_345, "wage_deduction"),
        ):
            record_fee_payment(payment_input(contract, category=category, payee_type=payee, amount_minor=amount,
                                             currency="USD", method=method), session=session)  # fmt: skip

    page = text_of(signed_in(app, people.inspector).get(f"/agencies/{world.agency_a.agency_id}"))

    assert "Everest Manpower · Agency 360°" in page and "NP-LIC-0001" in page
    assert "recruitment service fee 2 0 $1,500.00 $0.00 $250.00 $1,750.00" in page
    assert "medical 1 1 $0.00 $123.45 $0.00 $123.45" in page
    assert "All categories 3 $1,500.00 $123.45 $250.00 $1,873.45" in page
    assert "1 contract in all." in page and "NP → QA construction 1 0" in page and "CT-A-1" in page
    assert "No decision is recorded." in page and "Risk index" in page


def test_recording_a_decision_lists_it_with_its_kind_points_and_who_took_it(app, world, people):
    agency_id = world.agency_a.agency_id
    client = signed_in(app, people.inspector)

    answer = post_form(client, f"/agencies/{agency_id}/decisions",
                       {"kind": "demerit_points", "points": "6", "reason": "Fees above the cap on 3 contracts"},
                       page=f"/agencies/{agency_id}")  # fmt: skip

    assert answer.status_code == 302
    page = text_of(client.get(answer.headers["Location"]))
    assert "The decision is recorded." in page
    assert "demerit points 6 Fees above the cap on 3 contracts Inspector stands" in page
    assert "6 demerit points stand" in page
    (decision,) = decisions_of(app, agency_id)
    assert (decision.kind, decision.points, decision.decided_by_user_id) == ("demerit_points", 6,
                                                                             people.inspector.id)  # fmt: skip


def test_a_refused_decision_says_why_and_records_nothing(app, world, people):
    agency_id = world.agency_a.agency_id
    client = signed_in(app, people.inspector)
    path, page = f"/agencies/{agency_id}/decisions", f"/agencies/{agency_id}"

    unconfirmed = post_form(client, path, {"kind": "suspension_recommendation", "reason": "Repeated substitution"},
                            page=page)  # fmt: skip
    no_points = post_form(client, path, {"kind": "demerit_points", "reason": "Late answers"}, page=page)
    warning_with_points = post_form(client, path, {"kind": "warning", "points": "3", "reason": "Late"}, page=page)

    assert unconfirmed.status_code == 400 and "confirm that you ask for the licence to be reviewed" in text_of(
        unconfirmed
    )
    assert no_points.status_code == 400 and "give the number of demerit points" in text_of(no_points)
    assert "only demerit points carry points" in text_of(warning_with_points)
    nowhere = post_form(client, "/agencies/999999/decisions", {"kind": "warning", "reason": "Late"}, page=page)
    assert nowhere.status_code == 404 and client.get("/agencies/999999").status_code == 404
    assert decisions_of(app, agency_id) == []


def test_a_confirmed_suspension_review_is_recorded_and_a_decision_can_be_revoked(app, world, people):
    agency_id = world.agency_a.agency_id
    client = signed_in(app, people.admin)
    post_form(client, f"/agencies/{agency_id}/decisions",
              {"kind": "suspension_recommendation", "reason": "Repeated substitution", "confirm": "y"},
              page=f"/agencies/{agency_id}")  # fmt: skip
    (decision,) = decisions_of(app, agency_id)
    assert decision.kind == "suspension_recommendation" and decision.revoked_at is None

    html = client.get(f"/agencies/{agency_id}").get_data(as_text=True)
    client.post(f"/agencies/{agency_id}/decisions/revoke", data={"csrf_token": csrf_token(html),
                                                                 "decision_id": str(decision.id)})  # fmt: skip

    (revoked,) = decisions_of(app, agency_id)
    assert revoked.revoked_at is not None
    page = text_of(client.get(f"/agencies/{agency_id}"))
    assert "suspension review" in page and "revoked" in page and "Revoke" not in page.split("Record a decision")[0]
    # another agency's id cannot reach it
    again = client.post(f"/agencies/{world.agency_b.agency_id}/decisions/revoke",
                        data={"csrf_token": csrf_token(html), "decision_id": str(decision.id)})  # fmt: skip
    assert f"decision {decision.id} does not exist" in text_of(client.get(again.headers["Location"]))


def test_an_agency_person_can_neither_open_the_360_page_nor_post_a_decision(app, world, people):
    agency_id = world.agency_a.agency_id
    client = signed_in(app, people.agency_a)
    token = csrf_token(client.get("/account").get_data(as_text=True))

    assert client.get(f"/agencies/{agency_id}").status_code == 404
    answer = client.post(f"/agencies/{agency_id}/decisions",
                         data={"csrf_token": token, "kind": "warning", "reason": "I warn myself"})  # fmt: skip

    assert answer.status_code == 404 and decisions_of(app, agency_id) == []


def test_the_360_page_lists_the_agencys_contracts_one_page_at_a_time_and_exports_them(app, world, people):
    for number in range(12):
        add_contract(app, world, "agency_a", f"CT-A-{number:02d}")
    add_contract(app, world, "agency_b", "CT-B-1")
    client = signed_in(app, people.inspector)
    agency_id = world.agency_a.agency_id

    first, second = (text_of(client.get(f"/agencies/{agency_id}?page={n}")) for n in (1, 2))
    exported = client.get(f"/agencies/{agency_id}?format=csv").get_data(as_text=True)

    assert "1–10 of 12" in first and "11–12 of 12" in second
    assert exported.count("CT-A-") == 12 and "CT-B-1" not in exported
