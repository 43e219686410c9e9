"""The inspectors' workspace shows, as charts and as tables, exactly the figures the test recorded: open findings by
severity and criterion (dismissed ones left out), agencies by risk with links to their files, contracts by corridor ×
sector, fees by ILO category, complaints by month and SLA state on a frozen clock. Agencies and NGOs get 404. Each
test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Complaint, Contract, FeePayment, Finding
from recruitment_watch.services.contracts.intake import register_worker
from recruitment_watch.services.oversight.finding_tally import recount
from tests.web.conftest import signed_in, text_of

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def _finding(number: int, agency_id: int, criterion_id: str, severity: str, status: str = "open") -> Finding:
    is_open = status in ("open", "agency_responded")
    return Finding(criterion_id=criterion_id, pack_id="ilo-fair-recruitment", pack_version="1.0.0",
                   pack_digest="d" * 64, subject_type="contract_version", subject_id=number, agency_id=agency_id,
                   severity=severity, message=f"Finding {number}", citation="ILO General Principles", status=status,
                   open_key=f"{criterion_id}|contract_version|{number}" if is_open else None,
                   dismissed_reason=None if is_open else "Recorded in error.",
                   first_seen_at=NOW - timedelta(days=2))  # fmt: skip


def _contract(session, number: int, agency_id: int, employer_id: int, origin: str, destination: str, sector: str):
    worker = register_worker({"reference": f"W-WS-{number}", "nationality": origin, "languages": ["ne"],
                              "full_name": "Ram Thapa"}, session=session)  # fmt: skip
    contract = Contract(reference=f"CT-WS-{number}", agency_id=agency_id, employer_id=employer_id, worker_id=worker.id,
                        origin_country=origin, destination_country=destination, sector=sector)  # fmt: skip
    session.add(contract)
    session.flush()
    return contract


def _paid(contract: Contract, category: str, usd_cents: int) -> FeePayment:
    return FeePayment(worker_id=contract.worker_id, contract_id=contract.id, agency_id=contract.agency_id,
                      payee_type="agency", category=category, amount_minor=usd_cents, currency="USD",
                      amount_usd_minor=usd_cents, paid_on=date(2026, 1, 20), method="cash")  # fmt: skip


def _complaint(reference: str, received_at: datetime, **fields) -> Complaint:
    return Complaint(reference=reference, filed_by="worker", categories=",fees,", severity="medium", language="ne",
                     summary="Paid 150,000 rupees.", received_at=received_at, **fields)  # fmt: skip


@pytest.fixture()
def recorded(app, world):
    """3 high + 1 low open findings (FEE-001 ×2 high, PP-002 high + low) and a dismissed one; NP→QA: 2 construction +
    1 domestic work, BD→SA: 1 construction; fees in two categories; complaints: overdue and closed this month, one on
    track last month."""
    agency_a, agency_b = world.agency_a.agency_id, world.agency_b.agency_id
    with unit_of_work(get_engine(app)) as session:
        session.add_all([_finding(1, agency_a, "FEE-001", "high"), _finding(2, agency_a, "FEE-001", "high"),
                         _finding(3, agency_b, "PP-002", "high"), _finding(4, agency_b, "PP-002", "low"),
                         _finding(5, agency_a, "FEE-001", "high", status="dismissed")])  # fmt: skip
        session.flush()
        recount(session)
        contracts = [
            _contract(session, 1, agency_a, world.employer_id, "NP", "QA", "construction"),
            _contract(session, 2, agency_a, world.employer_id, "NP", "QA", "construction"),
            _contract(session, 3, agency_b, world.employer_id, "NP", "QA", "domestic_work"),
            _contract(session, 4, agency_b, world.employer_id, "BD", "SA", "construction"),
        ]
        session.add_all([_paid(contracts[0], "recruitment_service_fee", 10_000),
                         _paid(contracts[1], "recruitment_service_fee", 5_000), _paid(contracts[0], "medical", 3_000)])
        session.add_all([
            _complaint("C-WS-LATE", NOW - timedelta(days=3), ack_due_at=NOW - timedelta(hours=1)),
            _complaint("C-WS-DONE", NOW - timedelta(days=2), status="closed", resolved_at=NOW - timedelta(days=1)),
            _complaint("C-WS-FINE", NOW - timedelta(days=20), ack_due_at=NOW + timedelta(days=4)),
            _complaint("C-WS-OLD", NOW - timedelta(days=400), ack_due_at=NOW - timedelta(days=390)),  # out of the year
        ])  # fmt: skip
    return world


def _row(html: str, header: str) -> list[str]:
    """The cells (text) of the table row whose row header reads ``header``."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if cells and cells[0] == header:
            return cells[1:]
    raise AssertionError(f"no row {header!r}")


def test_the_workspace_shows_what_was_recorded_as_charts_and_tables(app, people, recorded):
    with time_machine.travel(NOW, tick=False):
        response = signed_in(app, people.inspector).get("/workspace")
    html = response.get_data(as_text=True)
    assert response.status_code == 200

    assert _row(html, "high") == ["3"] and _row(html, "low") == ["1"] and _row(html, "critical") == ["0"]
    assert '<a href="/findings?severity=high">3</a>' in html
    # criteria, busiest first; columns: critical, high, medium, low, advisory (not binding), all
    assert _row(html, "FEE-001") == ["0", "2", "0", "0", "0", "2"]
    assert _row(html, "PP-002") == ["0", "1", "0", "1", "0", "2"]
    assert '<a href="/findings?criterion=PP-002&amp;severity=low">1</a>' in html

    assert _row(html, "NP → QA")[-1] == "3" and _row(html, "BD → SA")[-1] == "1"
    sectors = re.search(r"<th scope=\"col\">Corridor</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'dir="auto">([^<]+)<', sectors) == ["construction", "domestic_work"]
    assert _row(html, "NP → QA") == ["2", "1", "3"]

    assert _row(html, "recruitment or service fee") == ["2", "150", "yes"]
    assert _row(html, "medical costs") == ["1", "30", "yes"]
    assert _row(html, "official government fees") == ["0", "0", "no"]

    assert _row(html, "May 2026") == ["1", "0", "0", "1", "2"]  # overdue, due soon, on track, no longer open, all
    assert _row(html, "Apr 2026") == ["0", "0", "1", "0", "1"]
    assert _row(html, "Jun 2025") == ["0", "0", "0", "0", "0"]  # the year shown starts in June 2025

    for agency in (recorded.agency_a, recorded.agency_b):
        assert f'<a href="/agencies/{agency.agency_id}">' in html
    assert sum(int(_row(html, band)[0]) for band in ("no action", "watchlist", "suspension review")) == 2

    charts = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(charts) == 7
    for chart in charts:
        ElementTree.fromstring(chart)  # well-formed, inline, no script
        assert "<script" not in chart and "href=" not in chart
    assert "$150" in text_of(response) and "Open findings by severity" in charts[0]


def test_an_empty_ministry_shows_no_data_charts_and_zero_tables(app, people):
    html = signed_in(app, people.admin).get("/workspace").get_data(as_text=True)
    assert html.count("Nothing to show yet.") >= 5
    assert _row(html, "high") == ["0"]
    assert _row(html, "medical costs") == ["0", "0", "yes"]


@pytest.mark.parametrize("who", ["agency_a", "ngo_a"])
def test_agencies_and_ngos_do_not_find_the_workspace(app, people, recorded, who):
    response = signed_in(app, getattr(people, who)).get("/workspace")
    assert response.status_code == 404
    assert "FEE-001" not in response.get_data(as_text=True)
    assert "/workspace" not in signed_in(app, getattr(people, who)).get("/dashboard").get_data(as_text=True)


def test_the_workspace_is_in_the_staff_navigation_and_asks_strangers_to_sign_in(app, people):
    assert 'href="/workspace"' in signed_in(app, people.inspector).get("/dashboard").get_data(as_text=True)
    response = app.test_client().get("/workspace")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
