"""The few places where SQLite and PostgreSQL differ: date arithmetic, list fields, string order, rounding.

Every function returns an expression that is NULL when an input is NULL (callers guard), and exact: day counts
and ages are integers, elapsed time is integer microseconds, so comparisons match Python's bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import ColumnElement, case, cast, func, literal, select

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DIALECTS = (SQLITE, POSTGRESQL)


class Dialect:
    """Expression builders for one dialect name (``sqlite`` or ``postgresql``)."""

    def __init__(self, name: str) -> None:
        if name not in DIALECTS:
            raise ValueError(f"unsupported dialect {name!r}; expected one of {DIALECTS}")
        self.name = name
        self.sqlite = name == SQLITE

    def utc_date(self, moment: ColumnElement) -> ColumnElement:
        """The UTC calendar date of an aware datetime (SQLite stores naive UTC text)."""
        if self.sqlite:
            return func.date(moment, type_=sa.Date)
        return cast(func.timezone("UTC", moment), sa.Date)

    def days_between(self, earlier: ColumnElement, later: ColumnElement) -> ColumnElement:
        """Whole days from ``earlier`` to ``later`` (both dates)."""
        if self.sqlite:
            return cast(func.julianday(later) - func.julianday(earlier), sa.Integer)
        return cast(later - earlier, sa.Integer)

    def _year(self, day: ColumnElement) -> ColumnElement:
        if self.sqlite:
            return cast(func.strftime("%Y", day), sa.Integer)
        return cast(func.extract("year", day), sa.Integer)

    def _month_day(self, day: ColumnElement) -> ColumnElement:
        if self.sqlite:
            return cast(func.strftime("%m%d", day), sa.Integer)
        return cast(func.extract("month", day) * 100 + func.extract("day", day), sa.Integer)

    def age_years(self, birth: ColumnElement, on: ColumnElement) -> ColumnElement:
        """Completed years from ``birth`` to ``on`` (``checks.types_basic.age_on``)."""
        before_birthday = case((self._month_day(on) < self._month_day(birth), 1), else_=0)
        return self._year(on) - self._year(birth) - before_birthday

    def micros_between(self, start: ColumnElement, end: ColumnElement) -> ColumnElement:
        """Exact microseconds from ``start`` to ``end`` (aware datetimes)."""
        if self.sqlite:
            # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's format): whole seconds via julianday, rounded
            # (exact), plus the microsecond digits.
            seconds = func.round(
                (func.julianday(func.substr(end, 1, 19)) - func.julianday(func.substr(start, 1, 19))) * 86400
            )
            micros = cast(func.substr(end, 21, 6), sa.Integer) - cast(func.substr(start, 21, 6), sa.Integer)
            return cast(seconds, sa.BigInteger) * literal(1_000_000, sa.BigInteger) + micros
        return cast(func.extract("epoch", end - start) * literal(1_000_000, sa.BigInteger), sa.BigInteger)

    def floor(self, value: ColumnElement) -> ColumnElement:
        """Largest integer not above ``value`` (a double); SQLite builds may lack math functions."""
        if self.sqlite:
            truncated = cast(value, sa.BigInteger)
            return truncated - case((value < truncated, 1), else_=0)
        return cast(func.floor(value), sa.BigInteger)

    def round_half_even(self, value: ColumnElement) -> ColumnElement:
        """Python's ``round(x)`` of a double: to the nearest integer, ties to even."""
        low = self.floor(value)
        rest = value - low
        odd = low - 2 * self.floor(low / 2.0)
        return case((rest > 0.5, low + 1), (rest < 0.5, low), else_=low + odd)

    def text_order(self, value: ColumnElement) -> ColumnElement:
        """A text expression ordered by code point, as Python orders str (SQLite's BINARY already is)."""
        return value if self.sqlite else value.collate("C")

    def list_has(self, encoded: ColumnElement, element: ColumnElement | str) -> ColumnElement:
        """True when the ``,a,b,`` list holds ``element`` (exact, case-sensitive; no LIKE wildcards)."""
        if isinstance(element, ColumnElement):
            needle: ColumnElement | str = literal(",", sa.Text) + cast(element, sa.Text) + literal(",", sa.Text)
        else:
            needle = f",{element},"
        if self.sqlite:
            return func.instr(encoded, needle) > 0
        return func.strpos(encoded, needle) > 0

    def list_length(self, encoded: ColumnElement) -> ColumnElement:
        """Number of elements of a ``,a,b,`` list."""
        commas = func.length(encoded) - func.length(func.replace(encoded, ",", ""))
        return case((encoded == "", 0), else_=commas - 1)

    def any_element(self, encoded: ColumnElement, test: Callable[[ColumnElement], ColumnElement]) -> ColumnElement:
        """EXISTS an element of the (non-null) ``,a,b,`` list for which ``test(element)`` holds."""
        if self.sqlite:
            body = func.substr(encoded, 2, func.length(encoded) - 2, type_=sa.Text)
            escaped = func.replace(func.replace(body, "\\", "\\\\"), '"', '\\"', type_=sa.Text)
            as_json = literal('["', sa.Text) + func.replace(escaped, ",", '","', type_=sa.Text) + literal('"]', sa.Text)
            elements = func.json_each(as_json).table_valued("value")
        else:
            body = func.substr(encoded, 2, func.greatest(func.length(encoded) - 2, 0), type_=sa.Text)
            elements = func.regexp_split_to_table(body, ",").table_valued("value").render_derived()
        found = select(literal(1)).select_from(elements).where(test(elements.c.value)).exists()
        return sa.and_(encoded != "", found)
