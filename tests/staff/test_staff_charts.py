"""The SVG charts, parsed as XML: exact shapes, labels, tooltips, colours and legends."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ivr.staff import charts
from ivr.staff.charts import Series
from ivr.staff.figures import OUTCOME_SERIES
from ivr.staff.names import COLOURS

A = Series("a", "Apples", "#0072B2")
B = Series("b", "Beans", "#D55E00")


def parsed(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def shapes(svg: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in svg.iter("rect") if e.get("class") == cls]


def texts(svg: ET.Element, cls: str) -> list[str]:
    return [e.text for e in svg.iter("text") if e.get("class") == cls]


def titles(rects: list[ET.Element]) -> list[str]:
    return [rect.find("title").text for rect in rects]


@pytest.mark.parametrize(("top", "scale"), [
    (0, (1, 1)), (1, (1, 1)), (3, (1, 3)), (4, (1, 4)), (5, (2, 6)), (7, (2, 8)),
    (10, (5, 10)), (41, (20, 60)), (100, (50, 100)), (150, (50, 150)), (1234, (500, 1500)),
])
def test_nice_scale(top, scale) -> None:
    assert charts.nice_scale(top) == scale


@pytest.mark.parametrize(("top", "size", "limits"), [
    (0, 5, []), (1, 5, [1]), (3, 5, [1, 2, 3]), (10, 5, [2, 4, 6, 8, 10]),
    (41, 5, [9, 17, 25, 33, 41]),
])
def test_bins(top, size, limits) -> None:
    assert charts.bins(top, size) == limits


def test_columns_stack_each_non_zero_count() -> None:
    values = {(0, "a"): 3, (0, "b"): 1, (2, "b"): 4}
    chart = charts.columns(["1 Nov", "2 Nov", "3 Nov"], [A, B], values, summary="Fruit")
    svg = parsed(chart)
    assert svg.tag == "svg"
    assert (svg.get("role"), svg.get("aria-label")) == ("img", "Fruit")
    assert svg.get("viewBox") == "0 0 1160 280"
    bars = shapes(svg, "bar")
    assert titles(bars) == ["1 Nov: Apples 3", "1 Nov: Beans 1", "3 Nov: Beans 4"]
    assert [bar.get("fill") for bar in bars] == ["#0072B2", "#D55E00", "#D55E00"]
    assert texts(svg, "x-label") == ["1 Nov", "2 Nov", "3 Nov"]
    assert texts(svg, "y-label") == ["0", "1", "2", "3", "4"]
    assert chart.legend == (("Apples", "#0072B2"), ("Beans", "#D55E00"))


def test_columns_heights_are_to_scale() -> None:
    svg = parsed(charts.columns(["x"], [A, B], {(0, "a"): 3, (0, "b"): 1}, summary="s"))
    first, second = shapes(svg, "bar")
    plot = 280 - 12 - 30  # the chart's height without its margins
    assert float(first.get("height")) == pytest.approx(plot * 3 / 4)
    assert float(second.get("height")) == pytest.approx(plot / 4)
    assert float(second.get("y")) + float(second.get("height")) == pytest.approx(
        float(first.get("y")))


def test_many_columns_label_every_few() -> None:
    labels = [f"d{i}" for i in range(90)]
    svg = parsed(charts.columns(labels, [A], {}, summary="s"))
    assert texts(svg, "x-label") == labels[::6]
    assert shapes(svg, "bar") == []


def test_bars_show_totals_and_escape_labels() -> None:
    values = {(0, "a"): 1200, (1, "a"): 5, (1, "b"): 2}
    chart = charts.bars(["<b>menu</b>", "a" * 50], [A, B], values, summary="a < b & c")
    assert "<b>" not in str(chart.svg) and "&lt;b&gt;menu&lt;/b&gt;" in str(chart.svg)
    svg = parsed(chart)
    assert svg.get("aria-label") == "a < b & c"
    assert titles(shapes(svg, "bar")) == ["<b>menu</b>: Apples 1,200", f"{'a' * 50}: Apples 5",
                                          f"{'a' * 50}: Beans 2"]
    assert texts(svg, "y-label") == ["<b>menu</b>", "a" * 35 + "…"]
    assert texts(svg, "value") == ["1,200", "7"]


def test_heatmap_has_a_cell_per_hour_of_the_week() -> None:
    values = {(0, 9): 1, (1, 13): 10, (6, 23): 4}
    chart = charts.heatmap(values, summary="Week")
    svg = parsed(chart)
    cells = shapes(svg, "cell")
    assert len(cells) == 7 * 24
    assert titles(cells)[9] == "Mon 09:00-10:00: 1 call"
    assert titles(cells)[24 + 13] == "Tue 13:00-14:00: 10 calls"
    assert titles(cells)[6 * 24 + 23] == "Sun 23:00-24:00: 4 calls"
    assert titles(cells)[0] == "Mon 00:00-01:00: 0 calls"
    fills = [cell.get("fill") for cell in cells]
    assert fills.count(charts.ZERO) == 165
    assert (fills[9], fills[24 + 13], fills[6 * 24 + 23]) == (
        charts.BLUES[0], charts.BLUES[4], charts.BLUES[1])
    assert texts(svg, "y-label") == list(charts.WEEKDAYS)
    assert texts(svg, "x-label") == ["00:00", "03:00", "06:00", "09:00", "12:00", "15:00",
                                     "18:00", "21:00"]
    assert chart.legend == (("0", charts.ZERO), ("1-2", charts.BLUES[0]),
                            ("3-4", charts.BLUES[1]), ("5-6", charts.BLUES[2]),
                            ("7-8", charts.BLUES[3]), ("9-10", charts.BLUES[4]))


def test_heatmap_of_small_counts_has_fewer_classes() -> None:
    chart = charts.heatmap({(2, 5): 2}, summary="s", palette=charts.PURPLES)
    assert chart.legend == (("0", charts.ZERO), ("1", charts.PURPLES[0]),
                            ("2", charts.PURPLES[1]))


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colour", [*COLOURS.values(), "#0072B2"])
def test_series_colours_stand_out_from_the_white_page(colour) -> None:
    assert contrast(colour, "#FFFFFF") >= 3.0  # WCAG 1.4.11, graphical objects


def test_chart_text_is_readable() -> None:
    assert contrast(charts.MUTED, "#FFFFFF") >= 4.5
    assert contrast(charts.INK, "#FFFFFF") >= 4.5


def test_every_outcome_has_its_own_colour() -> None:
    assert len({s.colour for s in OUTCOME_SERIES}) == len(OUTCOME_SERIES) == 6
