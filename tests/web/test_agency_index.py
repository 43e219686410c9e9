"""The inspectors' index of agencies (``/agencies``): every agency with its licence, risk (the ranking's own figures),
open findings and contracts; search, filters, sort, pages and the filtered CSV; agency and NGO people get 404."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta

import pytest
from babel.numbers import format_decimal

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import ContractTally, FindingTally
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.oversight.risk import rank_agencies, weights_from
from recruitment_watch.services.registry.agencies import record_licence_event
from recruitment_watch.web import listing
from tests.support.factories import make_agency
from tests.web.conftest import signed_in, text_of

ROW_NAME = re.compile(r'<th scope="row" dir="auto"><a href="/agencies/(\d+)">([^<]+)</a></th>')


def _tally(session, agency_id: int, criterion_id: str, severity: str, findings: int) -> None:
    """Open findings of one criterion first seen this month, as a sweep would have counted them."""
    today = utc_now().date()
    session.add(FindingTally(agency_id=agency_id, criterion_id=criterion_id, severity=severity, status="open",
                             hidden=False, seen_month=date(today.year, today.month, 1), findings=findings))  # fmt: skip


@pytest.fixture()
def register(app, world):
    """Everest (NP) with 100 critical forced-labour findings, Himal (NP) with 3 medium fee findings and 7 contracts
    recorded long ago (outside the risk window), Dhaka Overseas (BD) suspended a month ago, Kathmandu Link (NP) with
    nothing against it."""
    with unit_of_work(get_engine(app)) as session:
        _tally(session, world.agency_a.agency_id, "FL-001", "critical", 100)
        _tally(session, world.agency_b.agency_id, "FEE-NP-001", "medium", 3)
        session.add(ContractTally(agency_id=world.agency_b.agency_id, origin_country="NP", destination_country="QA",
                                  sector="construction", deployed=True, contracts=7))  # fmt: skip
        dhaka = make_agency(session, name="Dhaka Overseas", country="BD", licence_no="BD-RL-0042").id
        make_agency(session, name="Kathmandu Link", licence_no="NP-LIC-0077")
        record_licence_event(dhaka, {"decision": "suspended", "status": "suspended", "reason": "fees",
                                     "decided_on": utc_now().date() - timedelta(days=30)}, session=session)  # fmt: skip
    return world


def names(response) -> list[str]:
    """The agencies listed, in the page's order."""
    return [html.unescape(name) for _id, name in ROW_NAME.findall(response.get_data(as_text=True))]


def test_an_inspector_sees_every_agency_by_risk_with_the_rankings_own_points(app, register, people):
    client = signed_in(app, people.inspector)
    answer = client.get("/agencies")
    with unit_of_work(get_engine(app)) as session:
        ranked = rank_agencies(session=session, on=utc_now().date(), weights=weights_from(app.config["RISK_WEIGHTS"]))

    assert answer.status_code == 200
    assert names(answer) == [risk.agency_name for risk in ranked]
    assert names(answer)[:2] == ["Everest Manpower", "Dhaka Overseas"]
    page = text_of(answer)
    everest = next(risk for risk in ranked if risk.agency_name == "Everest Manpower")
    assert everest.score.band == "suspension_review"
    # name, licence, origin, status, risk index (one decimal), band, open findings, contracts
    shown = format_decimal(round(everest.score.points, 1), locale="en")
    assert f"Everest Manpower NP-LIC-0001 NP active {shown} suspension review 100 0" in page
    assert "Himal Manpower NP-LIC-0002 NP active 100.5 no action 3 7" in page
    assert "Dhaka Overseas BD-RL-0042 BD suspended" in page
    assert f'href="/agencies/{register.agency_a.agency_id}"' in answer.get_data(as_text=True)


def test_search_and_each_filter_narrow_the_list(app, register, people):
    client = signed_in(app, people.inspector)

    assert names(client.get("/agencies?q=himal")) == ["Himal Manpower"]
    assert names(client.get("/agencies?q=np-lic-0001")) == ["Everest Manpower"]
    assert names(client.get("/agencies?origin=BD")) == ["Dhaka Overseas"]
    assert names(client.get("/agencies?status=suspended")) == ["Dhaka Overseas"]
    assert names(client.get("/agencies?band=suspension_review")) == ["Everest Manpower"]
    assert names(client.get("/agencies?origin=NP&band=ok&q=manpower")) == ["Himal Manpower"]
    nothing = client.get("/agencies?q=nobody-by-this-name")
    assert names(nothing) == [] and "No agency matches." in text_of(nothing)


def test_the_list_sorts_by_name_and_by_open_findings(app, register, people):
    client = signed_in(app, people.inspector)

    assert names(client.get("/agencies?sort=name")) == ["Dhaka Overseas", "Everest Manpower", "Himal Manpower",
                                                        "Kathmandu Link"]  # fmt: skip
    by_findings = names(client.get("/agencies?sort=findings"))
    assert by_findings[:2] == ["Everest Manpower", "Himal Manpower"]  # 100 and 3 open findings; then by risk
    assert by_findings[2:] == ["Dhaka Overseas", "Kathmandu Link"]


def test_the_csv_export_holds_the_filtered_rows(app, register, people):
    answer = signed_in(app, people.inspector).get("/agencies?origin=NP&sort=name&format=csv")

    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["agency_id", "name", "licence_no", "origin_country", "licence_status", "risk_points",
                       "risk_band", "open_findings", "contracts"]  # fmt: skip
    assert [row[1] for row in rows[1:]] == ["Everest Manpower", "Himal Manpower", "Kathmandu Link"]
    everest = rows[1]
    assert everest[2:5] == ["NP-LIC-0001", "NP", "active"] and everest[6:] == ["suspension_review", "100", "0"]


def test_the_xlsx_export_is_a_workbook_of_the_filtered_rows(app, register, people):
    from openpyxl import load_workbook

    answer = signed_in(app, people.inspector).get("/agencies?status=suspended&format=xlsx")

    sheet = load_workbook(io.BytesIO(answer.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[1] for row in values] == ["name", "Dhaka Overseas"]


def test_pagination_shows_page_two(app, register, people, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 3)
    client = signed_in(app, people.inspector)

    first, second = client.get("/agencies?sort=name"), client.get("/agencies?sort=name&page=2")

    assert names(first) == ["Dhaka Overseas", "Everest Manpower", "Himal Manpower"]
    assert names(second) == ["Kathmandu Link"]
    assert "4–4 of 4" in text_of(second) and "Previous page" in text_of(second)


@pytest.mark.parametrize("role", ["agency_a", "ngo_a"])
def test_agency_and_ngo_people_cannot_open_the_index(app, register, people, role):
    client = signed_in(app, getattr(people, role))

    for path in ("/agencies", "/agencies?format=csv", "/agencies?format=xlsx"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "Himal Manpower" not in answer.get_data(as_text=True)
    assert 'href="/agencies"' not in client.get("/dashboard").get_data(as_text=True)


def test_inspectors_reach_the_index_from_the_navigation_and_the_workspace(app, register, people):
    client = signed_in(app, people.inspector)

    assert 'href="/agencies">Agencies</a>' in client.get("/dashboard").get_data(as_text=True)
    assert 'href="/agencies">All agencies</a>' in client.get("/workspace").get_data(as_text=True)
