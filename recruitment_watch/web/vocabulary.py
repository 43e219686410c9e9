"""The words stored as codes (roles, severities, statuses, event kinds, …) as readers see them, in their language,
and the sentences the services raise that pages show as they are: written out here so the catalogues carry them.
Templates show a code with ``{{ value|term }}`` and a service's message with ``{{ _(message) }}``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from weakref import WeakKeyDictionary

from flask import Flask
from flask_babel import format_date, get_locale, get_translations, gettext
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from recruitment_watch.checks.risk_texts import RiskLine, english_param
from recruitment_watch.web.i18n import DEFAULT, locale_decimal, page_catalogue

TERMS = {
    # roles and organisation kinds
    "admin": _l("admin"), "inspector": _l("inspector"), "ngo": _l("NGO"), "agency": _l("agency"),
    "ministry": _l("ministry"),
    # severities; an advisory is a rule announced but not yet binding (never counted in a risk score)
    "advisory": _l("advisory (not binding)"),
    "low": _l("low"), "medium": _l("medium"), "high": _l("high"), "critical": _l("critical"),
    # complaint statuses
    "received": _l("received"), "acknowledged": _l("acknowledged"), "under_investigation": _l("under investigation"),
    "resolved": _l("resolved"), "referred": _l("referred"), "closed": _l("closed"),
    # complaint outcomes and how a worker consented to an NGO filing
    "substantiated": _l("substantiated"), "not_substantiated": _l("not substantiated"), "withdrawn": _l("withdrawn"),
    "written": _l("in writing"), "thumbprint": _l("thumbprint"), "verbal_witnessed": _l("spoken, before a witness"),
    "electronic": _l("electronically"),
    # licence decisions (the others share their status's word)
    "issued": _l("issued"), "reinstated": _l("reinstated"),
    # licence statuses
    "active": _l("active"), "renewed": _l("renewed"), "suspended": _l("suspended"), "cancelled": _l("cancelled"),
    "expired": _l("expired"), "surrendered": _l("surrendered"), "delisted": _l("delisted"), "banned": _l("banned"),
    # job and sweep runs
    "running": _l("running"), "succeeded": _l("succeeded"), "failed": _l("failed"), "skipped": _l("skipped"),
    "schedule": _l("schedule"), "catch_up": _l("catch-up"), "takeover": _l("takeover"), "manual": _l("manual"),
    "full": _l("full"), "incremental": _l("incremental"), "cli": _l("console"), "api": _l("API"),
    # security events
    "login": _l("sign-in"), "login_failed": _l("failed sign-in"), "locked": _l("account locked"),
    "logout": _l("sign-out"), "second_factor_failed": _l("wrong second-step code"),
    "second_factor_enrolled": _l("second step set up"), "second_factor_reset": _l("second step reset"),
    "recovery_code_used": _l("recovery code used"), "session_revoked": _l("session ended"),
    "password_set": _l("password set"), "invitation_issued": _l("password link made"),
    "invitation_refused": _l("password link refused"), "user_created": _l("account created"),
    "user_disabled": _l("account disabled"), "user_enabled": _l("account enabled"), "key_issued": _l("API key issued"),
    "role_changed": _l("role changed"),
    "key_revoked": _l("API key revoked"), "pack_switched": _l("criteria pack switched"),
    "success": _l("success"), "failure": _l("failure"),
    # contract and fee fields (the agency's contract form, contract pages)
    "female": _l("female"), "male": _l("male"), "other": _l("other"), "undisclosed": _l("not stated"),
    "worker": _l("worker"), "employer": _l("employer"), "shared": _l("shared"), "sub_agent": _l("sub-agent"),
    "government": _l("government"), "medical_centre": _l("medical centre"), "training_centre": _l("training centre"),
    "lender": _l("lender"), "cash": _l("cash"), "bank": _l("bank transfer"), "digital": _l("digital payment"),
    "wage_deduction": _l("deducted from wages"), "month": _l("month"), "week": _l("week"), "day": _l("day"),
    "hour": _l("hour"),
    # the kinds of a risk score's explanation lines (checks.risk_texts.RiskLine.kind)
    "findings": _l("Findings"), "complaints": _l("Complaints"), "licence": _l("Licence"),
    "repeat": _l("Repeat offence"), "shrinkage": _l("Weighed against the corridor"),
}  # fmt: skip

SERVICE_MESSAGES = (
    _l("Use at least 12 characters (a few words make a good password)."),
    _l("Use at most 128 characters."),
    _l("This password is among the most commonly used ones; choose another."),
    _l("Do not use your e-mail address as your password."),
    _l("This link is not valid any more: it was used, or it expired. Ask an admin for a new one."),
    _l("you cannot disable your own account"),
    _l("you cannot change your own role"),
)


def term(value: str | None) -> str:
    """``value`` (a stored code) in the reader's language; an unknown code is shown as it is."""
    if value is None:
        return "—"
    label = TERMS.get(value)
    return str(label) if label is not None else gettext(value)


# A code's words per catalogue (one per language), remembered while the catalogue lives: a page shows hundreds of
# codes and each asked Flask-Babel for the reader's catalogue anew (about 12 µs a word).
_TERM_TEXTS: WeakKeyDictionary[object, dict[str, str]] = WeakKeyDictionary()


@pass_context
def page_term(context: Context, value: str | None) -> str:
    """``term`` as a template filter, through the page's catalogue."""
    if value is None:
        return "—"
    texts = _TERM_TEXTS.setdefault(page_catalogue(context), {})
    found = texts.get(value)
    if found is None:
        found = texts[value] = term(value)
    return found


# Parameters of a risk explanation that are stored codes (a severity, a licence status): shown as their term.
CODE_PARAMS = frozenset({"severity", "status"})


def explained(line: RiskLine) -> str:
    """A risk score's line in the reader's language: its message template from the catalogue, its numbers in the
    locale's digits and decimal sign with the precision the English text shows (no grouping, as the API writes
    them), its date in the locale's format, its codes as terms. Names, criterion ids and reasons are data and stay
    as they are."""
    return _explained(line, get_translations(), str(get_locale() or DEFAULT))


@pass_context
def page_explained(context: Context, line: RiskLine) -> str:
    """``explained`` as a template filter, through the page's catalogue and language."""
    return _explained(line, page_catalogue(context), context.get("lang") or str(get_locale() or DEFAULT))


def _explained(line: RiskLine, catalogue, code: str) -> str:
    params = {name: _reader_param(name, value, code) for name, value in line.params.items()}
    text = catalogue.ugettext(line.text)
    return text % params if params else text


def _reader_param(name: str, value: object, code: str) -> object:
    if isinstance(value, date):
        return format_date(value)
    if name in CODE_PARAMS:
        return term(str(value))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    digits = Decimal(english_param(name, value))  # the English text's rounding, then the locale's writing
    places = max(0, -int(digits.as_tuple().exponent))
    return locale_decimal(digits, code, "0" + ("." + "0" * places if places else ""))


def bdi(text: str | None) -> Markup:
    """``text`` (a name, written in any script) isolated in ``<bdi>`` for a sentence of another direction."""
    return Markup("<bdi>%s</bdi>") % (text or "")


def init_app(app: Flask) -> None:
    """Offer the ``term`` and ``explained`` filters and ``bdi`` to the templates (the web app and the report
    process both call this)."""
    app.add_template_filter(page_term, "term")
    app.add_template_filter(page_explained, "explained")
    app.add_template_global(bdi)
