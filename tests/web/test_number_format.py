"""Numbers on pages: the remembered formatter gives exactly Babel's text in each language, and the ``number`` filter
formats in the page's own language (Indian grouping in Hindi, Arabic decimal sign in Arabic)."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal
from flask import Flask, render_template_string
from flask_babel import force_locale

from recruitment_watch.web.i18n import LANGUAGES, init_app, locale_decimal

VALUES = (0, 7, 1234, 1234567, -52, 3.5, 1234.567, 0.125, 100.0)


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_remembered_text_is_babels_own(code: str) -> None:
    for value in VALUES:
        assert locale_decimal(value, code) == format_decimal(value, locale=code)
        assert locale_decimal(value, code) == format_decimal(value, locale=code)  # the remembered one


def test_an_int_and_an_equal_float_are_remembered_apart() -> None:
    assert locale_decimal(2, "en") == "2"
    assert locale_decimal(2.5, "en") == "2.5"
    assert locale_decimal(2.0, "en") == format_decimal(2.0, locale="en")
    assert locale_decimal.cache_info().currsize >= 3


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "x"
    init_app(app)
    return app


@pytest.mark.parametrize(("code", "shown"), [("en", "1,234,567.5"), ("hi", "12,34,567.5"), ("ar", "1,234,567.5"),
                                             ("ur", "1,234,567.5"), ("bn", "12,34,567.5")])  # fmt: skip
def test_the_filter_formats_in_the_pages_language(app: Flask, code: str, shown: str) -> None:
    with app.test_request_context("/"), force_locale(code):
        page = render_template_string("<p>{{ lang }}: {{ 1234567.5|number }} {{ none|number }}</p>", none=None)
    assert page == f"<p>{code}: {format_decimal(1234567.5, locale=code)} —</p>"
    assert format_decimal(1234567.5, locale=code) == shown
