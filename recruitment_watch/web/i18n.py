"""Six languages (Flask-Babel): the choice made with the switcher (remembered in the session, and on the account of
a signed-in person), else the browser's preference, else English. Urdu and Arabic read right to left."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal as babel_format_decimal
from flask import Flask, request, session
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

LANGUAGES = {
    "en": "English",
    "ur": "اردو",
    "ar": "العربية",
    "bn": "বাংলা",
    "ne": "नेपाली",
    "hi": "हिन्दी",
}
DEFAULT = "en"
TRANSLATIONS = "_translations"  # the page's catalogue, in every template's context (``template_globals``)


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
    """``lang``, ``text_direction``, the languages offered and the page's catalogue, for every template."""
    code = str(get_locale() or DEFAULT)
    return {"lang": code, "text_direction": text_direction(code), "languages": LANGUAGES,
            TRANSLATIONS: get_translations()}  # fmt: skip


def page_catalogue(context: Context):
    """The catalogue of the page being rendered: looked up once per page (when its context is made, so a forced
    locale is honoured) instead of once per message (Flask-Babel's lookup costs about 12 µs, through three context
    proxies and the locale; a page translates hundreds of labels). A macro imported without the page's context
    looks it up itself."""
    found = context.get(TRANSLATIONS)
    return found if found is not None else get_translations()


@pass_context
def _gettext(context: Context, message: str) -> str:
    return page_catalogue(context).ugettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return page_catalogue(context).ungettext(singular, plural, n)


@pass_context
def _pgettext(context: Context, message_context: str, message: str) -> str:
    return page_catalogue(context).upgettext(message_context, message)


@pass_context
def _npgettext(context: Context, message_context: str, singular: str, plural: str, n: int) -> str:
    return page_catalogue(context).unpgettext(message_context, singular, plural, n)


def number(value: int | float | None) -> str:
    """A number in the reader's locale (grouping, decimal sign)."""
    return "—" if value is None else locale_decimal(value, str(get_locale() or DEFAULT))


@pass_context
def page_number(context: Context, value: int | float | None) -> str:
    """``number`` as a template filter: the page's language from its ``lang`` (set once per page by
    ``template_globals``) instead of asking Flask-Babel for every number."""
    code = context.get("lang")
    return number(value) if code is None or value is None else locale_decimal(value, code)


@lru_cache(maxsize=16384, typed=True)
def locale_decimal(value: int | float | Decimal, locale: str, pattern: str | None = None) -> str:
    """Babel's decimal format of ``value`` in ``locale`` (its own pattern unless ``pattern`` is given), remembered: a
    page of counts formats hundreds of numbers and Babel's pattern takes tens of microseconds each (a third of the
    workspace's rendering at 1 M contracts). The text depends only on the arguments (typed: 1 and 1.0 are kept
    apart), so nothing remembered can go stale."""
    return babel_format_decimal(value, format=pattern, locale=locale)


def init_app(app: Flask) -> None:
    """Install Flask-Babel on ``app`` (catalogues in recruitment_watch/translations)."""
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # Flask-Babel's, with the catalogue looked up once per page
        gettext=_gettext, ngettext=_ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
    )
    app.context_processor(template_globals)
    app.add_template_filter(page_number, "number")
