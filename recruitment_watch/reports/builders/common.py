"""Small pieces the report builders share: money in minor units as text, shares, and the corridor × sector table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from recruitment_watch import money


@dataclass(frozen=True)
class Count:
    """A labelled number (a row of a small table, a bar of a chart)."""

    label: str
    value: int


def amount(minor: int | None, currency: str = "USD") -> str:
    """``1,234.50 USD`` from minor units (``—`` when unknown)."""
    if minor is None:
        return "—"
    units = Decimal(int(minor)).scaleb(-money.exponent(currency))
    return f"{units:,.{money.exponent(currency)}f} {currency}"


def share(part: int, whole: int) -> str:
    """``42.5 %`` (``—`` when there is no whole)."""
    return f"{100 * part / whole:.1f} %" if whole else "—"


@dataclass(frozen=True)
class CorridorMatrix:
    """Contracts by corridor (rows, most contracts first) and sector (columns): one short row per corridor instead
    of a row per corridor and sector, which is easier to read and much cheaper to lay out."""

    sectors: list[str]
    rows: list[tuple[str, list[int], int]]  # corridor, contracts per sector (in ``sectors`` order), row total
    sector_totals: list[int]


def corridor_matrix(counts: list[tuple[str, str, int]]) -> CorridorMatrix:
    """Pivot ``(corridor, sector, contracts)`` counts into a corridor × sector table."""
    sectors = sorted({sector for _corridor, sector, _count in counts})
    cells: dict[str, dict[str, int]] = {}
    for corridor, sector, count in counts:
        cells.setdefault(corridor, {})[sector] = cells.get(corridor, {}).get(sector, 0) + int(count)
    rows = [(corridor, [row.get(s, 0) for s in sectors], sum(row.values())) for corridor, row in cells.items()]
    rows.sort(key=lambda item: (-item[2], item[0]))
    return CorridorMatrix(sectors, rows, [sum(row[1][i] for row in rows) for i in range(len(sectors))])
