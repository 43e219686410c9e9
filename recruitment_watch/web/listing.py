"""Lists on the web: one page at a time (``?page=N``), and the whole list as CSV (``?format=csv``) or, where a
list offers it, as an Excel workbook (``?format=xlsx``). Every export of the app goes through ``csv_download`` and
``xlsx_download``: they stream whatever rows they are given and neutralise formula cells in one place."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request, stream_with_context, url_for

PER_PAGE = 50
CSV_MAX_ROWS = 100_000  # a paged list's export (``whole_list``); streamed exports read every row
XLSX_CHUNK = 64 * 1024  # bytes of a built workbook sent at a time


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


def whole_list(fetch: Callable[[int, int], tuple[Sequence[Any], int]]) -> Sequence[Any]:
    """Every row of a paged list (up to ``CSV_MAX_ROWS``) through its ``fetch(offset, limit)``, for an export."""
    rows, _ = fetch(0, CSV_MAX_ROWS)
    return rows


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Any], line: Callable[[Any], Iterable[Any]]
) -> Response:
    """``rows`` as a CSV attachment, written a line at a time while they are read, so a long export never sits in
    memory (UTF-8 with a byte-order mark, so spreadsheet programs read Urdu/Arabic; no cell runs as a formula)."""

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        yield "\ufeff" + _taken(buffer)
        for row in rows:
            writer.writerow(_cell(value) for value in line(row))
            yield _taken(buffer)

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})  # fmt: skip


def xlsx_download(
    filename: str, header: Sequence[str], rows: Iterable[Any], line: Callable[[Any], Iterable[Any]]
) -> Response:
    """``rows`` as an .xlsx attachment (one sheet; text cells never read as formulas). openpyxl's write-only sheet
    keeps one row in memory; the workbook is built in a temporary file and sent from it in chunks."""
    from openpyxl import Workbook

    def chunks() -> Iterator[bytes]:
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(list(header))
        for row in rows:
            sheet.append([_xlsx_cell(value) for value in line(row)])
        with tempfile.TemporaryFile() as spool:
            book.save(spool)
            spool.seek(0)
            while chunk := spool.read(XLSX_CHUNK):
                yield chunk

    return Response(stream_with_context(chunks()),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})  # fmt: skip


def _taken(buffer: io.StringIO) -> str:
    """What ``buffer`` holds, leaving it empty for the next line."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _xlsx_cell(value: Any) -> Any:
    """A cell openpyxl writes as a value: text starting with ``=`` is kept as text, times lose their zone (Excel
    has none; they are UTC), codes stay strings."""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)
    return _cell(value)


def _cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (CSV injection: OWASP's leading =, +, -, @, tab and carriage
    return)."""
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
