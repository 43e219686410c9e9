"""Server-side SVG charts, shared by the web pages and the PDF reports.

Hand-written SVG rather than a plotting library: three chart kinds are needed, the output must pass the site's
Content-Security-Policy (no scripts, no inline ``style``: presentation attributes only), must carry no external
reference (WeasyPrint's URL fetcher serves only the app's own files) and must mirror for right-to-left pages. A
library would bring a dependency for less control over exactly those points.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and summarised by its ``<desc>`` (screen readers
read the numbers from there); text inherits the page's font; each bar carries its value as text and the series of
a stacked bar differ by pattern as well as colour, so nothing depends on colour alone. Pages still show the numbers
as a table: the chart is never their only carrier. This module imports nothing of the application.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

FONT_SIZE = 13
CHAR_WIDTH = 7.5  # average advance of a 13 px sans-serif character, for laying out labels without a font engine
ROW_HEIGHT = 28
BAR_HEIGHT = 18
GAP = 6
INK = "#1b1b1b"
MUTED = "#555555"
AXIS = "#767676"
# Okabe–Ito: told apart by the common colour-vision deficiencies; patterns below tell them apart without colour.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
PATTERNS = (
    "",  # solid
    '<path d="M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6" stroke="#fff" stroke-width="2"/>',  # diagonal hatch
    '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',  # dots
    '<path d="M0,4 H8" stroke="#fff" stroke-width="2"/>',  # horizontal lines
    '<path d="M4,0 V8" stroke="#fff" stroke-width="2"/>',  # vertical lines
    '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#fff" stroke-width="1.5"/>',  # cross-hatch
)
NO_DATA = "No data"


def plain_number(value: float) -> str:
    """``value`` with thousands separators, without decimals when it is whole (counts), else two."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    value_format: Callable[[float], str] = plain_number,
    width: int = 640,
    rtl: bool = False,
    no_data: str = NO_DATA,
) -> Markup:
    """Horizontal bars, one per ``(label, value)``, each with its value written after it."""
    values = [_finite(value) for _, value in bars]
    if not any(values):
        return _empty(title, no_data, width, rtl)
    frame = _Frame(width, rtl)
    label_width = _label_column(width, [label for label, _ in bars])
    value_width = _text_width(max((value_format(value) for value in values), key=len)) + GAP * 2
    plot = max(width - label_width - value_width - GAP * 2, 40)
    top = max(values)
    parts = []
    for index, ((label, _), value) in enumerate(zip(bars, values, strict=True)):
        y = GAP + index * ROW_HEIGHT
        parts.append(
            _bar_row(
                frame,
                label,
                value,
                value_format(value),
                y=y,
                start=label_width + GAP,
                length=_scaled(value, top, plot),
                label_width=label_width,
                fill=PALETTE[0],
            )
        )
    height = GAP * 2 + len(bars) * ROW_HEIGHT
    parts.append(frame.line(label_width + GAP, GAP, label_width + GAP, height - GAP))
    summary = "; ".join(f"{label}: {value_format(value)}" for (label, _), value in zip(bars, values, strict=True))
    return _svg(title, summary, width, height, rtl, parts)


def stacked_bar_chart(
    title: str,
    rows: Sequence[tuple[str, Sequence[float]]],
    series: Sequence[str],
    *,
    value_format: Callable[[float], str] = plain_number,
    width: int = 640,
    rtl: bool = False,
    no_data: str = NO_DATA,
) -> Markup:
    """One horizontal bar per row split into a segment per series, a legend naming the series, the total after it.

    Segments wide enough for their number carry it; the others are in the ``<desc>`` and the page's table.
    """
    matrix = [[_finite(value) for value in values] for _, values in rows]
    if any(len(values) != len(series) for values in matrix):
        raise ValueError("every row needs one value per series")
    if any(value < 0 for values in matrix for value in values):
        raise ValueError("stacked bars cannot show negative values")
    if not any(any(values) for values in matrix):
        return _empty(title, no_data, width, rtl)
    chart_id = _new_id()
    frame = _Frame(width, rtl)
    legend, legend_height = _legend(frame, chart_id, series)
    label_width = _label_column(width, [label for label, _ in rows])
    totals = [sum(values) for values in matrix]
    value_width = _text_width(max((value_format(total) for total in totals), key=len)) + GAP * 2
    plot = max(width - label_width - value_width - GAP * 2, 40)
    top = max(totals)
    parts = [_pattern_defs(chart_id, len(series)), *legend]
    for index, ((label, _), values, total) in enumerate(zip(rows, matrix, totals, strict=True)):
        y = legend_height + GAP + index * ROW_HEIGHT
        parts.append(
            _stacked_row(
                frame,
                chart_id,
                label,
                values,
                value_format,
                y=y,
                start=label_width + GAP,
                plot=plot,
                top=top,
                label_width=label_width,
                total=value_format(total),
            )
        )
    height = legend_height + GAP * 2 + len(rows) * ROW_HEIGHT
    parts.append(frame.line(label_width + GAP, legend_height + GAP, label_width + GAP, height - GAP))
    summary = "; ".join(
        f"{label}: " + ", ".join(f"{name} {value_format(value)}" for name, value in zip(series, values, strict=True))
        for (label, _), values in zip(rows, matrix, strict=True))  # fmt: skip
    return _svg(title, summary, width, height, rtl, parts)


def line_chart(
    title: str,
    points: Sequence[tuple[str, float]],
    *,
    value_format: Callable[[float], str] = plain_number,
    width: int = 640,
    rtl: bool = False,
    no_data: str = NO_DATA,
) -> Markup:
    """A line through ``(label, value)`` points in order (months, say), with a value axis and the values written.

    Right to left, the first point is at the right and the value axis on the right, as a reader of Urdu expects.
    """
    values = [_finite(value) for _, value in points]
    if not any(values):
        return _empty(title, no_data, width, rtl)
    frame = _Frame(width, rtl)
    ticks = _nice_ticks(min(0.0, min(values)), max(values), whole=all(value.is_integer() for value in values))
    axis_width = _text_width(max((value_format(tick) for tick in ticks), key=len)) + GAP * 2
    height, top, bottom = 260, FONT_SIZE + GAP * 2, FONT_SIZE * 2 + GAP * 2
    left, right = axis_width + GAP, width - GAP * 3
    low, high = ticks[0], ticks[-1]

    def y_of(value: float) -> float:
        return top + (high - value) / (high - low) * (height - top - bottom)

    step = (right - left) / max(len(points) - 1, 1)
    xs = [left + step * index if len(points) > 1 else (left + right) / 2 for index in range(len(points))]
    parts = [_value_axis(frame, ticks, value_format, y_of, left, right, axis_width)]
    parts.append(frame.polyline([(x, y_of(value)) for x, value in zip(xs, values, strict=True)]))
    every_value = step >= _text_width(max((value_format(v) for v in values), key=len)) + GAP
    label_every = max(1, math.ceil((_text_width(max((label for label, _ in points), key=len)) + GAP) / max(step, 1)))
    for index, ((label, _), value, x) in enumerate(zip(points, values, xs, strict=True)):
        y = y_of(value)
        parts.append(frame.dot(x, y))
        if every_value or value in (max(values), min(values)) or index in (0, len(points) - 1):
            parts.append(frame.text(x, y - GAP, value_format(value), anchor="middle", weight="600"))
        if index % label_every == 0:
            parts.append(frame.text(x, height - bottom + FONT_SIZE + GAP, label, anchor="middle", fill=MUTED))
    summary = "; ".join(f"{label}: {value_format(value)}" for (label, _), value in zip(points, values, strict=True))
    return _svg(title, summary, width, height, rtl, parts)


class _Frame:
    """Draws in left-to-right coordinates and mirrors every x for right-to-left charts.

    Text anchors stay logical (start, end) and each text carries its ``direction``, which browsers and WeasyPrint
    both read, so a label that ends at the axis in English also ends at the (mirrored) axis in Urdu.
    """

    def __init__(self, width: int, rtl: bool):
        self.width, self.rtl = width, rtl
        self.direction = "rtl" if rtl else "ltr"

    def x(self, x: float, extent: float = 0) -> float:
        return self.width - x - extent if self.rtl else x

    def rect(self, x: float, y: float, width: float, height: float, fill: str) -> str:
        return (f'<rect x="{_n(self.x(x, width))}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
                f'fill="{fill}" stroke="#fff" stroke-width="1"/>')  # fmt: skip

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = AXIS) -> str:
        return (f'<line x1="{_n(self.x(x1))}" y1="{_n(y1)}" x2="{_n(self.x(x2))}" y2="{_n(y2)}" '
                f'stroke="{stroke}" stroke-width="1"/>')  # fmt: skip

    def polyline(self, points: Sequence[tuple[float, float]]) -> str:
        coordinates = " ".join(f"{_n(self.x(x))},{_n(y)}" for x, y in points)
        return f'<polyline points="{coordinates}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>'

    def dot(self, x: float, y: float) -> str:
        return f'<circle cx="{_n(self.x(x))}" cy="{_n(y)}" r="3.5" fill="{PALETTE[0]}"/>'

    def text(
        self, x: float, y: float, content: str, *, anchor: str = "start", fill: str = INK, weight: str = "400"
    ) -> str:
        return (f'<text x="{_n(self.x(x))}" y="{_n(y)}" text-anchor="{anchor}" direction="{self.direction}" '
                f'font-size="{FONT_SIZE}" font-weight="{weight}" fill="{fill}">{escape(content)}</text>')  # fmt: skip


def _bar_row(
    frame: _Frame,
    label: str,
    value: float,
    shown: str,
    *,
    y: float,
    start: float,
    length: float,
    label_width: float,
    fill: str,
) -> str:
    baseline = y + BAR_HEIGHT / 2 + FONT_SIZE * 0.35
    return "".join([
        f"<g><title>{escape(label)}: {escape(shown)}</title>",
        frame.text(label_width, baseline, _fit(label, label_width - GAP), anchor="end"),
        frame.rect(start, y, length, BAR_HEIGHT, fill) if length else "",
        frame.text(start + length + GAP, baseline, shown, weight="600"),
        "</g>",
    ])  # fmt: skip


def _stacked_row(
    frame: _Frame,
    chart_id: str,
    label: str,
    values: Sequence[float],
    value_format: Callable[[float], str],
    *,
    y: float,
    start: float,
    plot: float,
    top: float,
    label_width: float,
    total: str,
) -> str:
    baseline = y + BAR_HEIGHT / 2 + FONT_SIZE * 0.35
    parts = [f"<g><title>{escape(label)}: {escape(total)}</title>",
             frame.text(label_width, baseline, _fit(label, label_width - GAP), anchor="end")]  # fmt: skip
    offset, several = start, sum(1 for value in values if value) > 1  # a lone segment's number is the total
    for index, value in enumerate(values):
        length = _scaled(value, top, plot)
        if not length:
            continue
        parts.append(frame.rect(offset, y, length, BAR_HEIGHT, f"url(#{chart_id}-s{index})"))
        shown = value_format(value)
        if several and length >= _text_width(shown) + GAP * 2:
            parts.append(_boxed_text(frame, offset + length / 2, y, baseline, shown))
        offset += length
    parts.append(frame.text(offset + GAP, baseline, total, weight="600"))
    parts.append("</g>")
    return "".join(parts)


def _boxed_text(frame: _Frame, middle: float, top: float, baseline: float, content: str) -> str:
    """Ink on a white box inside a segment: readable on every palette colour and over the pattern strokes."""
    extent = _text_width(content) + 4
    return (f'<rect x="{_n(frame.x(middle - extent / 2, extent))}" y="{_n(top + 2)}" width="{_n(extent)}" '
            f'height="{BAR_HEIGHT - 4}" rx="2" fill="#fff" fill-opacity="0.9"/>'
            + frame.text(middle, baseline, content, anchor="middle"))  # fmt: skip


def _legend(frame: _Frame, chart_id: str, series: Sequence[str]) -> tuple[list[str], float]:
    """Swatches with the series' names, wrapping onto further lines; returns the parts and the height used."""
    parts, x, y = [], GAP, GAP
    for index, name in enumerate(series):
        extent = 14 + GAP + _text_width(name) + GAP * 3
        if x > GAP and x + extent > frame.width - GAP:
            x, y = GAP, y + ROW_HEIGHT - 6
        parts.append(frame.rect(x, y + 2, 14, 14, f"url(#{chart_id}-s{index})"))
        parts.append(frame.text(x + 14 + GAP, y + 13, name))
        x += extent
    return parts, y + ROW_HEIGHT - 6


def _pattern_defs(chart_id: str, count: int) -> str:
    patterns = []
    for index in range(count):
        colour, overlay = PALETTE[index % len(PALETTE)], PATTERNS[index % len(PATTERNS)]
        patterns.append(f'<pattern id="{chart_id}-s{index}" patternUnits="userSpaceOnUse" width="8" height="8">'
                        f'<rect width="8" height="8" fill="{colour}"/>{overlay}</pattern>')  # fmt: skip
    return "<defs>" + "".join(patterns) + "</defs>"


def _value_axis(
    frame: _Frame,
    ticks: Sequence[float],
    value_format: Callable[[float], str],
    y_of,
    left: float,
    right: float,
    axis_width: float,
) -> str:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(frame.line(left, y, right, y, stroke="#e0e0e0" if tick else AXIS))
        parts.append(frame.text(axis_width, y + FONT_SIZE * 0.35, value_format(tick), anchor="end", fill=MUTED))
    parts.append(frame.line(left, y_of(ticks[-1]), left, y_of(ticks[0])))
    return "".join(parts)


def _nice_ticks(low: float, high: float, *, whole: bool, count: int = 4) -> list[float]:
    """Round axis values (steps of 1, 2 or 5 times a power of ten; whole steps for counts) covering low..high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= raw)
    step = max(step, 1) if whole else step
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return [round(tick, 10) for tick in ticks]


def _empty(title: str, no_data: str, width: int, rtl: bool) -> Markup:
    frame, height = _Frame(width, rtl), 64
    parts = [
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#f7f7f7" stroke="#d0d0d0"/>',
        frame.text(width / 2, height / 2 + FONT_SIZE * 0.35, no_data, anchor="middle", fill=MUTED),
    ]
    return _svg(title, no_data, width, height, rtl, parts)


def _svg(title: str, summary: str, width: int, height: float, rtl: bool, parts: Sequence[str]) -> Markup:
    chart_id = _new_id()
    height = math.ceil(height)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" direction="{"rtl" if rtl else "ltr"}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(summary)}</desc>'
        + "".join(parts) + "</svg>"
    )  # fmt: skip


def _new_id() -> str:
    """An id unique on the page: several charts (and their patterns) sit side by side."""
    return "chart-" + uuid.uuid4().hex[:10]


def _finite(value: float) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"a chart cannot show {value!r}")
    return number


def _scaled(value: float, top: float, plot: float) -> float:
    """Bar length of ``value`` on a scale from zero to ``top``; a non-zero value stays visible (one pixel)."""
    if value <= 0 or top <= 0:
        return 0
    return max(value / top * plot, 1)


def _label_column(width: int, labels: Sequence[str]) -> float:
    """Room for the longest label, but never more than two fifths of the chart."""
    return min(max((_text_width(label) for label in labels), default=0) + GAP * 2, width * 0.4)


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _fit(label: str, room: float) -> str:
    """``label`` shortened with an ellipsis to fit ``room``; the full label is in the bar's tooltip and the table."""
    most = max(int(room / CHAR_WIDTH), 2)
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def _n(number: float) -> str:
    return f"{number:.1f}".removesuffix(".0")
