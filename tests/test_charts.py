"""The SVG charts: well-formed XML that names itself for screen readers, labels written as text (never markup),
values written on the chart, right to left mirrored, a plain "no data" picture for nothing to show, no script and
no reference outside the picture."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ElementTree

import pytest
from markupsafe import Markup

from recruitment_watch.charts import bar_chart, line_chart, plain_number, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart: Markup) -> ElementTree.Element:
    assert isinstance(chart, Markup)
    return ElementTree.fromstring(str(chart))


def texts(root: ElementTree.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


EVERY_KIND = [
    lambda **kw: bar_chart("Findings", [("high", 3), ("low", 1)], **kw),
    lambda **kw: stacked_bar_chart("Contracts", [("NP → QA", [2, 1]), ("BD → SA", [1, 0])], ["construction", "care"],
                                   **kw),  # fmt: skip
    lambda **kw: line_chart("Complaints", [("Jan", 1), ("Feb", 4), ("Mar", 2)], **kw),
]


@pytest.mark.parametrize("draw", EVERY_KIND)
@pytest.mark.parametrize("rtl", [False, True])
def test_every_chart_is_an_accessible_self_contained_svg(draw, rtl):
    chart = draw(rtl=rtl)
    root = parsed(chart)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}desc").get("id") == desc_id
    assert root.get("direction") == ("rtl" if rtl else "ltr")
    assert "<script" not in chart and "href" not in chart and "http" not in chart.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")  # fmt: skip
    assert " style=" not in chart  # the Content-Security-Policy allows no inline style
    assert all(element.get("font-family") is None for element in root.iter())  # the page's font


def test_labels_are_text_never_markup():
    chart = bar_chart('<script>alert("x")</script> & co', [("<script>", 2), ("Al-Noor & Sons", 1)])
    root = parsed(chart)
    assert root.find(f"{SVG}script") is None and "<script>" not in chart
    assert "<script>" in texts(root) and "Al-Noor & Sons" in texts(root)
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script> & co'


def test_values_are_written_on_the_chart_and_in_its_description():
    root = parsed(bar_chart("Fees", [("medical", 1234.5), ("insurance", 2000)]))
    assert "1,234.50" in texts(root) and "2,000" in texts(root)
    assert root.find(f"{SVG}desc").text == "medical: 1,234.50; insurance: 2,000"

    stacked = parsed(stacked_bar_chart("Contracts", [("NP → QA", [20, 10])], ["construction", "care"]))
    assert {"20", "10", "30", "construction", "care"} <= set(texts(stacked))  # segments, total, legend
    assert stacked.find(f"{SVG}desc").text == "NP → QA: construction 20, care 10"

    line = parsed(line_chart("Complaints", [("Jan", 1), ("Feb", 4)], value_format=lambda v: f"{v:.0f} cases"))
    assert {"1 cases", "4 cases", "Jan", "Feb"} <= set(texts(line))


def test_series_differ_by_pattern_not_by_colour_alone():
    root = parsed(stacked_bar_chart("Contracts", [("NP → QA", [1, 1, 1])], ["a", "b", "c"]))
    patterns = root.findall(f"{SVG}defs/{SVG}pattern")
    assert len(patterns) == 3
    overlays = [[child.tag for child in pattern][1:] for pattern in patterns]
    assert overlays[0] == [] and overlays[1] != overlays[2] and all(overlays[1:])
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("fill", "").startswith("url(#")}
    assert fills == {f"url(#{pattern.get('id')})" for pattern in patterns}  # bars and legend swatches share them


def test_right_to_left_mirrors_the_axis():
    bars = [("high", 3), ("low", 1)]
    ltr, rtl = parsed(bar_chart("F", bars, width=600)), parsed(bar_chart("F", bars, width=600, rtl=True))
    width = 600
    ltr_rects = [(float(r.get("x")), float(r.get("width"))) for r in ltr.iter(f"{SVG}rect")]
    rtl_rects = [(float(r.get("x")), float(r.get("width"))) for r in rtl.iter(f"{SVG}rect")]
    mirrored = [edge for x, w in ltr_rects for edge in (width - x - w, w)]
    assert mirrored == pytest.approx([edge for rect in rtl_rects for edge in rect], abs=0.1)
    ltr_axis, rtl_axis = ltr.find(f"{SVG}line"), rtl.find(f"{SVG}line")
    assert float(rtl_axis.get("x1")) == pytest.approx(width - float(ltr_axis.get("x1")))
    assert float(ltr_axis.get("x1")) < width / 2 < float(rtl_axis.get("x1"))  # the axis moved to the right side
    assert {t.get("direction") for t in rtl.iter(f"{SVG}text")} == {"rtl"}

    months = [("Jan", 1), ("Feb", 2), ("Mar", 3)]
    ltr_line = parsed(line_chart("C", months, width=600)).find(f"{SVG}polyline").get("points").split()
    rtl_line = parsed(line_chart("C", months, width=600, rtl=True)).find(f"{SVG}polyline").get("points").split()
    first_ltr, first_rtl = (float(p.split(",")[0]) for p in (ltr_line[0], rtl_line[0]))
    assert first_ltr < width / 2 < first_rtl  # January starts at the right for a right-to-left reader


@pytest.mark.parametrize(
    "chart",
    [
        bar_chart("Findings", []),
        bar_chart("Findings", [("high", 0), ("low", 0)]),
        stacked_bar_chart("Contracts", [], ["construction"]),
        stacked_bar_chart("Contracts", [("NP → QA", [0, 0])], ["a", "b"]),
        line_chart("Complaints", [("Jan", 0), ("Feb", 0)]),
        line_chart("Complaints", [], no_data="لا توجد بيانات", rtl=True),
    ],
)
def test_nothing_to_show_draws_a_clear_no_data_picture(chart):
    root = parsed(chart)
    message = root.find(f"{SVG}desc").text
    assert message in ("No data", "لا توجد بيانات")
    assert texts(root) == [message]
    assert root.find(f"{SVG}polyline") is None and root.find(f"{SVG}defs") is None


def test_two_charts_on_one_page_never_share_an_id():
    first, second = (parsed(stacked_bar_chart("C", [("x", [1, 2])], ["a", "b"])) for _ in range(2))
    ids = [element.get("id") for root in (first, second) for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))


def test_impossible_values_are_refused():
    with pytest.raises(ValueError):
        bar_chart("F", [("x", math.nan)])
    with pytest.raises(ValueError):
        stacked_bar_chart("C", [("x", [1])], ["a", "b"])
    with pytest.raises(ValueError):
        stacked_bar_chart("C", [("x", [-1, 2])], ["a", "b"])


def test_numbers_read_as_counts_or_amounts():
    assert plain_number(1234) == "1,234" and plain_number(1234.0) == "1,234" and plain_number(0.5) == "0.50"


def test_long_labels_are_shortened_on_the_chart_but_kept_whole_for_screen_readers():
    label = "Internationally recruited workers' recruitment fee cap (origin PH) " * 2
    root = parsed(bar_chart("F", [(label, 1)]))
    shown = texts(root)[0]
    assert shown.endswith("…") and len(shown) < len(label)
    assert label in root.find(f"{SVG}desc").text and label in root.find(f"{SVG}g/{SVG}title").text
