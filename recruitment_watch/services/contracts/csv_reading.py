"""Reading an uploaded CSV file: refuse what is not a CSV file of the documented columns, then hand out its rows.

A whole file is refused (``FileRefused``, nothing stored) when it is too large, empty, binary (a spreadsheet
workbook, an image), not UTF-8 (the message names the line and the byte), separated by something other than
commas, or when its header misses a required column or names an unknown one. A byte-order mark is tolerated (the
"CSV UTF-8" spreadsheet programs save). Cells are read by the ``csv`` module only; nothing in a cell is evaluated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from recruitment_watch.services.contracts.csv_columns import Column
from recruitment_watch.services.errors import N_, ServiceError

BOM = b"\xef\xbb\xbf"
# Signatures of the files people upload by mistake: a workbook (zip or the old OLE format), PDF, images.
_BINARY_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


class FileRefused(ServiceError):
    """The whole file is refused (nothing is read from it); the message says why and what to do."""


@dataclass(frozen=True)
class CsvRow:
    """One record of the file: the line it starts on (the header is line 1) and its cells by column name. ``extra``
    counts cells beyond the header's columns (a row error)."""

    line: int
    cells: dict[str, str]
    extra: int = 0


def _utf8_text(data: bytes) -> str:
    body = data[len(BOM) :] if data.startswith(BOM) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(BOM) if body is not data else 0)
        line = data.count(b"\n", 0, offset) + 1
        raise FileRefused(
            N_("The file is not UTF-8 text (line %(line)s, byte %(byte)s). Save it as “CSV UTF-8” and upload it "
               "again."), params={"line": line, "byte": offset + 1},
        ) from None  # fmt: skip


def check_bytes(data: bytes, *, max_bytes: int) -> str:
    """The file's text, or ``FileRefused`` when it is too large, empty, binary or not UTF-8."""
    if len(data) > max_bytes:
        raise FileRefused(N_("The file is %(size)s bytes; files of at most %(limit)s bytes are accepted. Split it "
                             "into smaller files."), params={"size": len(data), "limit": max_bytes})  # fmt: skip
    if not data.strip(BOM + b" \r\n\t"):
        raise FileRefused(N_("The file is empty."))
    if data.startswith(_BINARY_STARTS) or b"\x00" in data[:65536]:
        raise FileRefused(N_("This is not a CSV file (it holds binary data, such as a spreadsheet workbook). Save "
                             "it as “CSV UTF-8” and upload that."))  # fmt: skip
    return _utf8_text(data)


def _check_header(header: list[str], columns: Sequence[Column]) -> None:
    known = {column.name for column in columns}
    if len(header) == 1 and any(mark in header[0] for mark in (";", "\t", "|")):
        raise FileRefused(N_("The columns are not separated by commas. Save the file as “CSV UTF-8 (comma "
                             "delimited)”."))  # fmt: skip
    twice = sorted({name for name in header if header.count(name) > 1 and name})
    if twice:
        raise FileRefused(N_("The header names a column twice: %(columns)s."), params={"columns": ", ".join(twice)})
    unknown = [name or "(empty)" for name in header if name not in known]
    if unknown:
        raise FileRefused(N_("The header names unknown columns: %(columns)s. Use the template's column names."),
                          params={"columns": ", ".join(unknown[:20])})  # fmt: skip
    missing = [column.name for column in columns if column.required and column.name not in header]
    if missing:
        raise FileRefused(N_("Required columns are missing: %(columns)s."), params={"columns": ", ".join(missing)})


def _blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


@dataclass
class CsvFile:
    """A checked file: its header and its text, read row by row as often as needed (each pass re-parses, so a
    100,000-row file is never held as 100,000 dictionaries)."""

    header: list[str]
    text: str
    rows_total: int

    def rows(self) -> Iterator[CsvRow]:
        """Every non-blank record after the header, with the line it starts on."""
        reader = csv.reader(io.StringIO(self.text, newline=""), strict=True)
        next(reader)
        width = len(self.header)
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if _blank(cells):
                continue
            extra = max(0, len(cells) - width)
            yield CsvRow(line, dict(zip(self.header, cells, strict=False)), extra)


def open_csv(data: bytes, columns: Sequence[Column], *, max_bytes: int) -> CsvFile:
    """Check ``data`` as a CSV file of ``columns`` and count its rows; ``FileRefused`` says why it cannot be read."""
    text = check_bytes(data, max_bytes=max_bytes)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:  # a cell over the csv module's limit (128 KiB) is a csv.Error too; the models bound every text field
        header = [name.strip() for name in next(reader, [])]
        _check_header(header, columns)
        total = sum(1 for cells in reader if not _blank(cells))
    except csv.Error as exc:
        raise FileRefused(N_("The file cannot be read as CSV at line %(line)s (%(reason)s)."),
                          params={"line": reader.line_num, "reason": str(exc)}) from None  # fmt: skip
    return CsvFile(header, text, total)
