"""Field types shared by the input models."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from recruitment_watch.money import SUPPORTED_CURRENCIES

# Row ids and money are 32-bit integer columns: larger values are refused at the edge, never sent to the database.
MAX_ID = 2_147_483_647
# Amounts in minor units, with head-room for the US-dollar equivalent computed from them (about 5 million units).
MAX_AMOUNT_MINOR = 500_000_000
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
# A currency the reference-rate table knows (every amount gets a US-dollar equivalent when stored).
CurrencyCode = Literal[tuple(sorted(SUPPORTED_CURRENCIES))]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
IscoCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Reference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


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
        if _contains_nul(value):
            raise ValueError("must not contain NUL (\\u0000) characters")
        return value


class StrictInput(NoNulText):
    """Base of every input model: unknown fields are errors, strings are stripped, NUL characters refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
