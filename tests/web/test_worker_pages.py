"""The public pages for workers: the licence check (found, not found, a number held in two countries, sanctions and
history, rate-limited with a page) and "know your rights before you go" per corridor, whose numbers and citations
are those of the criteria packs in force. Light pages (no script, no image, < 150 KB), right to left in Urdu."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_decimal

from recruitment_watch.checks.effective import rule_in_force
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.services.access.actor import actor_for_user
from recruitment_watch.services.criteria.pack_switches import switch
from recruitment_watch.services.criteria.packs import active_packs
from recruitment_watch.services.registry import agencies
from tests.support.factories import agency_input
from tests.web.conftest import text_of

CSS = Path(__file__).resolve().parents[2] / "recruitment_watch" / "static" / "site.css"
PAGE_BUDGET = 150 * 1024


def criterion(criterion_id: str):
    return next(c for pack in active_packs() for c in pack.criteria if c.id == criterion_id)


def shown(amount_minor: int, currency: str) -> str:
    """An amount as the English page shows it (Babel's number format)."""
    return f"{currency} {format_decimal(Decimal(amount_minor).scaleb(-2), locale='en')}"


def suspend(app, agency_id: int) -> None:
    with unit_of_work(get_engine(app)) as session:
        agencies.record_licence_event(agency_id, {"status": "suspended", "reason": "charged workers recruitment fees",
                                                  "legal_basis": "FEA 2007 s.26", "decided_on": date(2025, 6, 1)},
                                      session=session)  # fmt: skip


def test_a_licence_that_is_valid_today(client, world):
    page = client.get("/verify", query_string={"licence_no": "NP-LIC-0001"})
    text = text_of(page)
    assert page.status_code == 200 and "Everest Manpower" in text
    assert "Licence valid today: this agency may recruit workers today" in text
    assert "Licence status active" in text and "Valid until Dec 31, 2027" in text
    assert "No sanctions on record." in text and "issued · status: active" in text
    assert "No serious concerns" in text and "No open problems on record." in text


def test_a_suspended_licence_shows_its_sanction_and_its_history(app, client, world):
    suspend(app, world.agency_b.agency_id)
    page = client.get("/verify", query_string={"licence_no": "NP-LIC-0002", "country": "np"})
    text = text_of(page)
    assert page.status_code == 200 and "Himal Manpower" in text
    assert "Not valid today: this agency may not recruit workers today" in text and "Do not pay it anything." in text
    sanctions = text.split("Sanctions")[1].split("Licence history")[0]
    assert "suspended · Jun 1, 2025 · charged workers recruitment fees · legal basis: FEA 2007 s.26" in sanctions
    history = text.split("Licence history")[1]
    assert "suspended · status: suspended · since Jun 1, 2025" in history
    assert "issued · status: active · from Jan 1, 2024 to May 31, 2025 · licence valid until Dec 31, 2027" in history
    assert history.index("since Jun 1, 2025") < history.index("from Jan 1, 2024")  # newest first


def test_an_unknown_licence_is_said_plainly(client, world):
    page = client.get("/verify", query_string={"licence_no": "XX-0"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    text = text_of(page)
    assert "No agency holds this licence" in text and "No agency in the register holds licence XX-0." in text
    assert 'value="XX-0"' in page.get_data(as_text=True)  # the form keeps what was typed
    empty = client.get("/verify")
    assert empty.status_code == 200 and "No agency holds" not in text_of(empty) and "Licence number" in text_of(empty)
    bad = client.get("/verify", query_string={"licence_no": "NP-LIC-0001", "country": "Nepal"})
    assert bad.status_code == 400 and "Give the two-letter country code, e.g. NP." in text_of(bad)


def test_a_number_held_in_two_countries_asks_for_the_country(app, client, world):
    with unit_of_work(get_engine(app)) as session:
        agencies.register_agency(agency_input(name="Delhi Overseas", country="IN", licence_no="NP-LIC-0001",
                                              licence_authority="Protector General of Emigrants"),
                                 actor=None, session=session)  # fmt: skip
    ambiguous = client.get("/verify", query_string={"licence_no": "NP-LIC-0001"})
    assert ambiguous.status_code == 400
    assert "held in several countries. Give the country that issued the licence." in text_of(ambiguous)
    assert 'aria-describedby="country-error' in ambiguous.get_data(as_text=True)  # the message names its field
    assert "Everest" not in text_of(ambiguous) and "Delhi" not in text_of(ambiguous)
    india = text_of(client.get("/verify", query_string={"licence_no": "NP-LIC-0001", "country": "IN"}))
    assert "Delhi Overseas" in india and "Issuing country India" in india and "Protector General" in india


def test_lookups_are_rate_limited_and_the_refusal_is_a_page(app, client, world):
    app.config["API_VERIFY_RATE_LIMIT"] = "2 per minute"
    assert all(client.get("/verify").status_code == 200 for _ in range(3))  # the empty form costs nothing
    answers = [client.get("/verify", query_string={"licence_no": "NP-LIC-0001"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[-1]
    assert refused.mimetype == "text/html" and int(refused.headers["Retry-After"]) > 0
    assert "Too many requests in a short time. Wait a minute and try again." in text_of(refused)
    other = client.get("/verify", query_string={"licence_no": "NP-LIC-0001"}, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200


def test_the_index_lists_every_corridor(client):
    page = client.get("/rights")
    html, text = page.get_data(as_text=True), text_of(page)
    links = re.findall(r'href="/rights/([A-Z]{2}-[A-Z]{2})"', html)
    assert page.status_code == 200 and len(links) == 15 and "NP-QA" in links and "PH-SA" in links
    assert "From Nepal to Qatar" in text and "From Pakistan to United Arab Emirates" in text


def test_a_corridor_page_shows_the_criteria_numbers_with_their_citations(client):
    page = client.get("/rights/NP-QA")
    html, text = page.get_data(as_text=True), text_of(page).replace(" ,", ",")  # <cite>instrument</cite>, article
    assert page.status_code == 200 and "Your rights from Nepal to Qatar" in text
    cap = rule_in_force(criterion("FEE-NP-001").params.rules, date.today()).cap
    assert f"An agency may take at most {shown(cap.amount_minor, cap.currency)} in total from you for:" in text
    assert shown(cap.amount_minor, cap.currency) == "NPR 10,000"
    citation = criterion("FEE-NP-001").spec.citation
    assert f"{citation.instrument}, {citation.article} (check FEE-NP-001)" in text
    assert "The fee you may be charged is zero." in text and "(check FEE-001)" in text
    floor = rule_in_force(criterion("WAGE-QA-001").params.rules, date.today())
    assert f"The minimum basic wage is {shown(floor.floor.amount_minor, 'QAR')} a month." in text
    for allowance, what in zip(floor.allowances, ("food", "housing"), strict=True):
        assert f"plus at least {shown(allowance.min_minor, 'QAR')} a month for {what}" in text
    assert "Qatar Law No. 17 of 2020, Minimum wage" in text and "(check WAGE-QA-001)" in text
    assert "at most 8 hours of work a day" in text and "at least 1 rest day a week" in text
    assert "Your passport and identity papers stay with you" in text and "(check DOC-QA-001)" in text
    assert "Your contract must be in a language you read and understand." in text
    assert 'href="/complaints/new"' in html and "Where to complain" in text
    cash = text.split("This system’s check:")[1].split("(check")[0]
    assert "never in cash" in cash and "not a law" in cash  # FEE-NP-003 is INFERRED
    versions = {pack.id: pack.version for pack in active_packs()}
    assert f"origin-NP {versions['origin-NP']}" in text and f"dest-QA {versions['dest-QA']}" in text


def test_a_pack_switched_off_leaves_the_page(app, client, people):
    with unit_of_work(get_engine(app)) as session:
        switch(actor_for_user(people.admin.id, session=session), "dest-QA", False, "review", session=session)
    text = text_of(client.get("/rights/NP-QA"))
    assert "WAGE-QA-001" not in text and "QAR" not in text and "dest-QA" not in text
    assert "The rules in force set no minimum wage for this corridor." in text and "(check FEE-NP-001)" in text


def test_urdu_reads_right_to_left(client, world):
    for path in ("/rights/NP-QA", "/rights", "/verify?licence_no=NP-LIC-0001"):
        page = client.get(path, headers={"Accept-Language": "ur"})
        assert page.status_code == 200 and '<html lang="ur" dir="rtl">' in page.get_data(as_text=True), path
    assert "قطر" in text_of(client.get("/rights/NP-QA", headers={"Accept-Language": "ur"}))  # Qatar, from CLDR


def test_an_unknown_corridor_is_not_found(client):
    for path in ("/rights/XX-QA", "/rights/NP-XX", "/rights/NP-DE", "/rights/np-qa", "/rights/NPQA"):
        page = client.get(path)
        assert page.status_code == 404 and "Page not found" in text_of(page), path


def test_the_pages_are_light(client, world):
    css = len(CSS.read_bytes())
    paths = ["/rights", "/verify", "/verify?licence_no=NP-LIC-0001"] + [
        f"/rights/{slug}" for slug in re.findall(r'href="/rights/([A-Z-]{5})"', client.get("/rights").get_data(True))
    ]
    for path in paths:
        page = client.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and len(page.data) + css < PAGE_BUDGET, path
        assert "<script" not in html and "<img" not in html and "src=" not in html, path
