"""Field types shared by the input models."""

from __future__ import annotations

import types
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationInfo, field_validator

from recruitment_watch.money import SUPPORTED_CURRENCIES

# Row ids and money are 32-bit integer columns: larger values are refused at the edge, never sent to the database.
MAX_ID = 9_223_372_036_854_775_807  # ids are 64-bit on both engines (models/wide_integers.py)
# Amounts in minor units (64-bit columns): 100 billion whole units, with head-room for sums of many payments.
MAX_AMOUNT_MINOR = 10_000_000_000_000
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
# A currency the reference-rate table knows (every amount gets a US-dollar equivalent when stored).
CurrencyCode = Literal[tuple(sorted(SUPPORTED_CURRENCIES))]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
IscoCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}$")]
# Characters an identifier never holds: controls, invisible formatting (zero-width spaces, bidi marks), private use,
# surrogates, line and paragraph separators. "X\u200b" would otherwise be a second reference that prints as "X".
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def _identifier(value: str) -> str:
    """An identifier (reference, licence or registration number) in NFC, with no invisible characters."""
    if value.isascii() and value.isprintable():  # most identifiers: NFC as they are, and no ASCII control character
        return value
    value = unicodedata.normalize("NFC", value)
    if any(unicodedata.category(char) in INVISIBLE_CATEGORIES for char in value):
        raise ValueError("must not contain control or invisible characters (zero-width spaces, bidi marks)")
    return value


def _identifier_of(max_length: int) -> Any:
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length), AfterValidator(_identifier)
    ]


ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Reference = _identifier_of(64)
# As long as their columns (worker.reference, contract.reference, contract/employer sector): an input the API
# accepts must fit the database on both engines (tests/test_input_lengths.py holds every field to its column).
WorkerReference = _identifier_of(32)
ContractReference = _identifier_of(40)
Sector = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
# A code inside a stored list (lists are stored comma-separated): no comma, bounded length.
ListCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[^,]+$")]
# Dates outside these are typing errors (a birth date of 9999-12-31), not records.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(_contains_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    return False


class NoNulText(BaseModel):
    """Refuse NUL characters in any text field: PostgreSQL cannot store them and no real text has them."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # Runs for every field of every row (100,000 rows in a CSV import): the common types are settled first.
        if value.__class__ in _NEVER_TEXT:
            return value
        if value.__class__ is str and "\x00" not in value:
            return value
        if _contains_nul(value):
            raise ValueError("must not contain NUL (\\u0000) characters")
        return value


def _must_be_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _must_be_int(value: Any) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) else "must be a whole number"


def _must_be_number(value: Any) -> str | None:
    return None if isinstance(value, int | float) and not isinstance(value, bool) else "must be a number"


def _must_be_date(value: Any) -> str | None:
    return None if isinstance(value, str | date) and not isinstance(value, datetime) else "must be a date"


_PLAIN_CHECKS: dict[Any, Callable[[Any], str | None]] = {
    bool: _must_be_bool, int: _must_be_int, float: _must_be_number, date: _must_be_date,
}  # fmt: skip


def _json_type_check(annotation: Any) -> Callable[[Any], str | None] | None:
    """What says why a value is not the JSON type ``annotation`` wants (numbers as numbers, booleans as booleans,
    dates as text), or None when any value will do here (text, enums, lists, models: their own validation reads
    them). Pydantic's lax mode would read ``true`` as 1, ``"100"`` as 100 and ``0.5`` as a time. Decided once per
    field, not per value: the check runs for every field of every row of a 100,000-row import."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return _PLAIN_CHECKS.get(annotation)
    options = [arg for arg in get_args(annotation) if arg is not type(None)]
    nullable = len(options) < len(get_args(annotation))
    checks = [_json_type_check(option) for option in options]
    if None in checks:  # one option takes any value
        return None
    if len(checks) == 1:  # ``int | None`` and the like
        only = checks[0]
        return (lambda value: None if value is None else only(value)) if nullable else only

    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        problems = [option_check(value) for option_check in checks]
        return None if None in problems else problems[0]

    return check


_NEVER_TEXT = frozenset({int, bool, float, date, type(None)})
_FIELD_CHECKS: dict[type, dict[str, Callable[[Any], str | None]]] = {}


def _field_checks(model: type[BaseModel]) -> dict[str, Callable[[Any], str | None]]:
    """The JSON type checks of ``model``'s fields that have one (built on the model's first validation)."""
    checks = _FIELD_CHECKS.get(model)
    if checks is None:
        found = {name: _json_type_check(info.annotation) for name, info in model.__pydantic_fields__.items()}
        checks = _FIELD_CHECKS[model] = {name: check for name, check in found.items() if check is not None}
    return checks


class StrictInput(NoNulText):
    """Base of every input model: unknown fields are errors, strings are stripped, NUL characters refused, JSON
    types strict (no number read from text or a boolean), dates plausible."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _strict_json_types(cls, value: Any, info: ValidationInfo) -> Any:
        check = (_FIELD_CHECKS.get(cls) or _field_checks(cls)).get(info.field_name)
        if check is not None and (problem := check(value)):
            raise ValueError(problem)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """``NoNulText``'s check (this one takes its place) and plausible dates, in one call per field: both run for
        every field of every row of a 100,000-row import, and a value is either text or a date."""
        kind = value.__class__
        if kind is str and "\x00" not in value:
            return value
        if isinstance(value, date) and not isinstance(value, datetime):
            if not EARLIEST_DATE <= value <= LATEST_DATE:
                raise ValueError(f"must be between {EARLIEST_DATE} and {LATEST_DATE}")
            return value
        if kind in _NEVER_TEXT or not _contains_nul(value):
            return value
        raise ValueError("must not contain NUL (\\u0000) characters")
