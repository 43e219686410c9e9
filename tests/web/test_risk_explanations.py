"""Risk explanations in the reader's language: each line of a risk score is a message template with parameters; the
pages translate the template from the catalogue and write its numbers and dates for the reader's locale, while the
English text (what API v1 returns) stays as it was."""

from __future__ import annotations

import html
from datetime import date, timedelta

from babel.dates import format_date
from babel.messages.pofile import read_po
from flask_babel import force_locale

from recruitment_watch.checks.risk_texts import LICENCE_TEXTS, SHRINKAGE_TEXT, RiskLine
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import FindingTally
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.oversight.risk import assess_agency, weights_from
from recruitment_watch.services.registry.agencies import record_licence_event
from recruitment_watch.web.vocabulary import explained
from tests.web.conftest import signed_in, text_of
from tests.web.test_contract_pages import add_contract
from tests.web.test_translations import CATALOGUES

LICENCE_LINE = LICENCE_TEXTS[(True, True)]  # "licence %(status)s on %(decided_on)s (%(reason)s) = %(points)s points"


def _suspended_a_month_ago(app, agency_id: int) -> date:
    decided_on = utc_now().date() - timedelta(days=30)
    with unit_of_work(get_engine(app)) as session:
        record_licence_event(agency_id, {"decision": "suspended", "status": "suspended", "reason": "fees",
                                         "decided_on": decided_on}, session=session)  # fmt: skip
    return decided_on


def _shipped_urdu(*messages: str) -> list[str]:
    """How the shipped Urdu catalogue words ``messages``."""
    with (CATALOGUES / "ur" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="ur")
    return [catalogue.get(message).string for message in messages]


def test_an_urdu_page_shows_the_line_from_the_catalogue_with_urdu_date_and_words(app, world, people):
    decided_on = _suspended_a_month_ago(app, world.agency_a.agency_id)
    line, suspended = _shipped_urdu(LICENCE_LINE, "suspended")
    assert line and suspended and "%(decided_on)s" in line
    expected = line % {"status": suspended, "decided_on": format_date(decided_on, "medium", locale="ur"),
                                    "reason": "fees", "points": "25"}  # fmt: skip

    for person, path in ((people.inspector, f"/agencies/{world.agency_a.agency_id}"), (people.agency_a, "/agency")):
        client = signed_in(app, person)
        with client.session_transaction() as cookie:
            cookie["lang"] = "ur"
        page = html.unescape(text_of(client.get(path)))
        assert '<html lang="ur" dir="rtl">' in client.get(path).get_data(as_text=True)
        assert expected in page, path
        assert "licence suspended on" not in page


def test_the_english_page_shows_each_line_as_the_api_words_it(app, world, people):
    agency_id = world.agency_a.agency_id
    add_contract(app, world, "agency_a", "CT-EXPLAIN-1")
    _suspended_a_month_ago(app, agency_id)
    today = utc_now().date()
    with unit_of_work(get_engine(app)) as session:
        session.add(FindingTally(agency_id=agency_id, criterion_id="FEE-NP-001", severity="high", status="open",
                                 hidden=False, seen_month=date(today.year, today.month, 1), findings=3))  # fmt: skip
    with unit_of_work(get_engine(app)) as session:
        risk = assess_agency(agency_id, session=session, on=today, weights=weights_from(app.config["RISK_WEIGHTS"]))

    page = html.unescape(text_of(signed_in(app, people.inspector).get(f"/agencies/{agency_id}")))

    findings, shrinkage, licence = risk.score.lines
    assert (findings.kind, shrinkage.kind, licence.kind) == ("findings", "shrinkage", "licence")
    assert findings.explanation == ("3 high FEE finding(s) on 1 contracts = 300.00 per 100 × 4 (severity) × 0.5 "
                                    "(principle) (FEE-NP-001)")  # fmt: skip
    assert findings.explanation in page and shrinkage.explanation in page  # numbers as the API writes them
    decided_on = today - timedelta(days=30)
    assert licence.explanation == f"licence suspended on {decided_on.isoformat()} (fees) = 25 points"
    assert f"licence suspended on {format_date(decided_on, 'medium', locale='en')} (fees) = 25 points" in page


def test_numbers_keep_the_english_precision_in_the_readers_digits(app):
    line = RiskLine("shrinkage", 3.5, SHRINKAGE_TEXT, {"contracts": 1200, "raw": 1234.56, "corridor": "NP",
                                                       "typical": 2000.0, "prior": 30.0, "index": 104.0})  # fmt: skip
    assert line.explanation == ("1200 contracts in the window: raw 1234.6 shrunk towards the corridor NP's typical "
                                "agency (100 = 2000.0 weighted points per 100 contracts) with the weight of 30 "
                                "contracts = 104.0")  # fmt: skip
    with app.test_request_context(), force_locale("de"):
        assert explained(line) == ("1200 contracts in the window: raw 1234,6 shrunk towards the corridor NP's "
                                   "typical agency (100 = 2000,0 weighted points per 100 contracts) with the weight "
                                   "of 30 contracts = 104,0")  # fmt: skip
    with app.test_request_context(), force_locale("en"):
        assert explained(line) == line.explanation
