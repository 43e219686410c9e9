"""Lists on the web: one page at a time (``?page=N``), and the whole list as CSV (``?format=csv``) or, where a
list offers it, as an Excel workbook (``?format=xlsx``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request, url_for

PER_PAGE = 50
CSV_MAX_ROWS = 100_000


@dataclass(frozen=True)
class Page:
    """Where a list stands: this page, how many in all, and the links' query arguments."""

    number: int
    per_page: int
    total: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_row(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last_row(self) -> int:
        return min(self.total, self.offset + self.per_page)


def page_number() -> int:
    """The requested page (1 when missing or not a positive number)."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


def wants_csv() -> bool:
    """Whether the whole list is asked for as CSV."""
    return request.args.get("format") == "csv"


def wants_xlsx() -> bool:
    """Whether the whole list is asked for as an Excel workbook."""
    return request.args.get("format") == "xlsx"


def listed(fetch: Callable[[int, int], tuple[Sequence[Any], int]]) -> tuple[Sequence[Any], Page]:
    """Fetch one page through ``fetch(offset, limit)`` (returns rows and total)."""
    number = page_number()
    rows, total = fetch((number - 1) * PER_PAGE, PER_PAGE)
    return rows, Page(number, PER_PAGE, total)


def csv_download(
    filename: str, header: Sequence[str], fetch: Callable[[int, int], tuple[Sequence[Any], int]],
    line: Callable[[Any], Iterable[Any]],
) -> Response:  # fmt: skip
    """The whole list as a CSV attachment (UTF-8 with a byte-order mark, so spreadsheet programs read Urdu/Arabic)."""
    rows, _ = fetch(0, CSV_MAX_ROWS)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(_cell(value) for value in line(row))
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def xlsx_download(
    filename: str, header: Sequence[str], fetch: Callable[[int, int], tuple[Sequence[Any], int]],
    line: Callable[[Any], Iterable[Any]],
) -> Response:  # fmt: skip
    """The whole list as an .xlsx attachment (one sheet; text cells never read as formulas)."""
    from openpyxl import Workbook

    rows, _ = fetch(0, CSV_MAX_ROWS)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(header))
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in line(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _xlsx_cell(value: Any) -> Any:
    """A cell openpyxl writes as a value: text starting with ``=`` is kept as text, times lose their zone (Excel
    has none; they are UTC), codes stay strings."""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)
    return _cell(value)


def _cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def list_url(**changes: object) -> str:
    """This list's address with some query arguments changed (a value of None drops the argument)."""
    args: dict[str, object] = {**request.args.to_dict(), **changes}
    return url_for(request.endpoint, **(request.view_args or {}), **{k: v for k, v in args.items() if v is not None})


def init_app(app: Flask) -> None:
    """Offer ``list_url`` to the templates."""
    app.add_template_global(list_url)
