"""Currency handling: minor-unit exponents and reference rates to US dollars.

Caps and floors are compared across currencies through a USD equivalent recorded when a row is written. The rates
below are reference values chosen for this system [INFERRED]; a deployment replaces them with its central bank's
published rates (the table is effective-dated so history stays explainable).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 exponents that are not 2.
_EXPONENTS = {"KWD": 3, "OMR": 3, "BHD": 3, "JPY": 0}

# (valid_from, units of currency per 1 USD). Newest last.
_RATES: dict[str, list[tuple[date, Decimal]]] = {
    "USD": [(date(2000, 1, 1), Decimal("1"))],
    "EUR": [(date(2000, 1, 1), Decimal("0.92"))],
    "GBP": [(date(2000, 1, 1), Decimal("0.79"))],
    "PKR": [(date(2000, 1, 1), Decimal("280"))],
    "BDT": [(date(2000, 1, 1), Decimal("120"))],
    "INR": [(date(2000, 1, 1), Decimal("84"))],
    "NPR": [(date(2000, 1, 1), Decimal("134"))],
    "PHP": [(date(2000, 1, 1), Decimal("57"))],
    "QAR": [(date(2000, 1, 1), Decimal("3.64"))],
    "AED": [(date(2000, 1, 1), Decimal("3.6725"))],
    "SAR": [(date(2000, 1, 1), Decimal("3.75"))],
    "KWD": [(date(2000, 1, 1), Decimal("0.307"))],
    "OMR": [(date(2000, 1, 1), Decimal("0.3845"))],
    "BHD": [(date(2000, 1, 1), Decimal("0.376"))],
    "MYR": [(date(2000, 1, 1), Decimal("4.5"))],
}

SUPPORTED_CURRENCIES = frozenset(_RATES)


class UnknownCurrency(ValueError):
    """No reference rate is known for the currency."""


def exponent(currency: str) -> int:
    """Digits after the decimal point in ``currency``'s minor unit."""
    return _EXPONENTS.get(currency, 2)


def rate_on(currency: str, on: date) -> Decimal:
    """Units of ``currency`` per USD in force on ``on``."""
    history = _RATES.get(currency)
    if not history:
        raise UnknownCurrency(f"no reference rate for currency {currency!r}")
    in_force = [rate for valid_from, rate in history if valid_from <= on]
    return in_force[-1] if in_force else history[0][1]


def to_usd_minor(amount_minor: int, currency: str, on: date) -> int:
    """``amount_minor`` of ``currency`` as US cents at the rate in force on ``on``."""
    major = Decimal(amount_minor) / (Decimal(10) ** exponent(currency))
    usd = major / rate_on(currency, on) * 100
    return int(usd.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def monthly_factor(period: str) -> Decimal:
    """Multiply a wage per ``period`` by this to get a monthly wage (52/12 weeks, 26 days, 208 hours)."""
    return {"month": Decimal(1), "week": Decimal(52) / 12, "day": Decimal(26), "hour": Decimal(208)}[period]


def monthly_usd_minor(wage_minor: int, period: str, currency: str, on: date) -> int:
    """A wage of ``wage_minor`` per ``period`` as US cents a month at the rate in force on ``on``.

    The one definition: stored versions (intake), the live preview and the demo all call it, so the preview and the
    sweep never judge a wage floor on different figures.
    """
    return to_usd_minor(int(wage_minor * monthly_factor(period)), currency, on)


# The currency workers of an origin country pay fees in (and national fee caps are set in).
COUNTRY_CURRENCY = {
    "PK": "PKR", "BD": "BDT", "IN": "INR", "NP": "NPR", "PH": "PHP", "QA": "QAR", "AE": "AED", "SA": "SAR",
    "KW": "KWD", "OM": "OMR", "BH": "BHD", "MY": "MYR", "IT": "EUR", "DE": "EUR",
}  # fmt: skip


def currency_of(country: str) -> str:
    """The national currency of ``country`` (USD when unknown)."""
    return COUNTRY_CURRENCY.get(country, "USD")
