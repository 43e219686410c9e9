"""Six languages: every string of the templates and web code has a reviewed-or-drafted entry in each catalogue,
the compiled catalogues are current, codes shown to readers have words, and pages read in the chosen language and
direction (Urdu and Arabic right to left)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from recruitment_watch.models.vocab import (
    ComplaintOutcome,
    ComplaintStatus,
    ConsentMethod,
    JobTrigger,
    LicenceDecision,
    LicenceStatus,
    OrganisationKind,
    Role,
    RunStatus,
    Severity,
)
from recruitment_watch.services.accounts.security_events import EventKind, Outcome
from recruitment_watch.web.i18n import LANGUAGES
from recruitment_watch.web.vocabulary import TERMS
from tests.web.conftest import post_form, signed_in, text_of

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "recruitment_watch" / "translations"
TRANSLATED = [code for code in LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)s")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}


def _source_messages() -> set[str]:
    found = set()
    # Pages show the services' refusals translated too: their messages are marked N_(); reports word their footers
    # and charts in Python; the risk score's explanations are message templates marked N_() in the pure engine.
    for root, method, pattern in ((ROOT / "templates", "jinja2", "**.html"),
                                  (ROOT / "recruitment_watch" / "web", "python", "**.py"),
                                  (ROOT / "recruitment_watch" / "services", "python", "**.py"),
                                  (ROOT / "recruitment_watch" / "reports", "python", "**.py"),
                                  (ROOT / "recruitment_watch" / "checks", "python", "risk_texts.py")):  # fmt: skip
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map=[(pattern, method)], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue(code: str):
    with (CATALOGUES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_string_of_the_pages_has_a_translation_with_the_same_placeholders(code):
    catalogue = _catalogue(code)
    missing = sorted(m for m in _source_messages() if not (catalogue.get(m) and catalogue.get(m).string))
    assert missing == [], f"{code}: untranslated (run `make translations` and translate): {missing[:10]}"
    for message in catalogue:
        if message.id:
            assert not message.fuzzy, (code, message.id)
            ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
            strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
            wanted = sorted(PLACEHOLDER.findall(ids[-1]))  # a plural's forms all carry the plural id's placeholders
            assert all(sorted(PLACEHOLDER.findall(form)) == wanted for form in strings), message.id


@pytest.mark.parametrize("code", TRANSLATED)
def test_drafted_catalogues_say_they_need_a_native_speakers_review_and_the_compiled_file_is_current(code):
    catalogue = _catalogue(code)
    assert "needs review by a native speaker" in catalogue.header_comment
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    with (CATALOGUES / code / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        shipped = read_mo(handle)
    fresh = read_mo(compiled)
    assert _entries(shipped) == _entries(fresh), (
        f"{code}: messages.mo is older than messages.po; run `make translations`"
    )


def _entries(catalogue) -> dict:
    """id → translation; a plural's id and forms as tuples (babel reads them back from a .mo as lists)."""

    def frozen(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {frozen(m.id): frozen(m.string) for m in catalogue if m.id}


def test_every_stored_code_shown_to_readers_has_words():
    codes = {member.value for enum in (Role, Severity, ComplaintStatus, LicenceStatus, RunStatus, JobTrigger,
                                       OrganisationKind, EventKind, Outcome, ComplaintOutcome, ConsentMethod,
                                       LicenceDecision) for member in enum}  # fmt: skip
    assert sorted(codes - set(TERMS)) == []


def test_choosing_urdu_turns_the_page_right_to_left_and_the_choice_is_remembered(client):
    answer = post_form(client, "/language", {"language": "ur", "next": "/login"}, page="/login")
    assert answer.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in page
    assert "Sign in" not in text_of(client.get("/login")).replace("recruitment_watch", "")
    assert '<html lang="ur" dir="rtl">' in client.get("/").get_data(as_text=True)  # remembered


BROWSER_LANGUAGES = [("ar,en;q=0.5", "ar", "rtl"), ("bn-BD", "bn", "ltr"), ("hi-IN,hi;q=0.9", "hi", "ltr"),
                     ("fr", "en", "ltr")]  # fmt: skip


@pytest.mark.parametrize(("header", "lang", "direction"), BROWSER_LANGUAGES)
def test_the_browsers_language_is_used_until_one_is_chosen(client, header, lang, direction):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_a_signed_in_persons_language_is_kept_on_their_account_for_their_other_browsers(app, people):
    client = signed_in(app, people.agency_a)
    post_form(client, "/language", {"language": "ne", "next": "/dashboard"}, page="/dashboard")
    other = signed_in(app, people.agency_a)  # another browser of the same person
    page = other.get("/account").get_data(as_text=True)
    assert '<html lang="ne" dir="ltr">' in page
    assert "नेपाली" in page and "Everest Manpower" in page  # the organisation's name is data, not translated


def test_templates_translate_with_the_pages_catalogue_and_honour_a_forced_language(app):
    """Templates look the catalogue up once per page (``web.i18n``): the page's language, plural forms by the
    language's rules, a language forced for one rendering (as the PDF reports do) and a template rendered without
    the page's context all read the right catalogue."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = ("{{ _('Sign in') }}|{{ ngettext('%(num)d contract in all.', '%(num)d contracts in all.', n) }}|"
            "{{ 'critical'|term }}")  # fmt: skip
    arabic, urdu = (_catalogue(code)["Sign in"].string for code in ("ar", "ur"))
    critical = {code: _catalogue(code)["critical"].string for code in ("ar", "ur")}
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        assert render_template_string(page, n=2) == f"{arabic}|2 عقدان إجمالًا.|{critical['ar']}"
        with force_locale("ur"):  # the words of codes are remembered per catalogue, not per first reader
            assert render_template_string(page, n=1).startswith(f"{urdu}|")
            assert render_template_string(page, n=1).endswith(f"|{critical['ur']}")
        assert render_template_string(page, n=11).startswith(f"{arabic}|11 ")
        assert render_template_string(page, n=11).endswith(f"|{critical['ar']}")
        bare = app.jinja_env.from_string("{{ _('Sign in') }}").render()  # no context processor: looked up itself
        assert bare == arabic
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(page, n=1) == "Sign in|1 contract in all.|critical"
