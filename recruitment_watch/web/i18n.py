"""Six languages (Flask-Babel): the choice made with the switcher (remembered in the session, and on the account of
a signed-in person), else the browser's preference, else English. Urdu and Arabic read right to left."""

from __future__ import annotations

from babel import Locale
from flask import Flask, request, session
from flask_babel import Babel, format_decimal, get_locale
from flask_login import current_user

LANGUAGES = {
    "en": "English",
    "ur": "اردو",
    "ar": "العربية",
    "bn": "বাংলা",
    "ne": "नेपाली",
    "hi": "हिन्दी",
}
DEFAULT = "en"


def select_locale() -> str:
    """The language of this request."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    user = getattr(current_user, "user", None)
    if user is not None and user.locale in LANGUAGES:
        return user.locale
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT)


def text_direction(code: str) -> str:
    """'rtl' or 'ltr' for a language code (from CLDR)."""
    return Locale.parse(code).text_direction


def template_globals() -> dict[str, object]:
    """``lang``, ``text_direction`` and the languages offered, for every template."""
    code = str(get_locale() or DEFAULT)
    return {"lang": code, "text_direction": text_direction(code), "languages": LANGUAGES}


def number(value: int | float | None) -> str:
    """A number in the reader's locale (grouping, decimal sign)."""
    return "—" if value is None else format_decimal(value)


def init_app(app: Flask) -> None:
    """Install Flask-Babel on ``app`` (catalogues in recruitment_watch/translations)."""
    Babel(app, locale_selector=select_locale)
    app.context_processor(template_globals)
    app.add_template_filter(number, "number")
