"""Charts as inline SVG drawn on the server: stacked columns, stacked bars, a week heatmap.

Pure: numbers and labels in, markup out (no Flask, no database). The SVG is
built with ElementTree, so every label is escaped. Each chart is one
``role="img"`` with an ``aria-label`` summary; every shape has a ``<title>``
(a tooltip); colours are given by the caller, with a legend, and the pages
show the same numbers as a table beside it. Sizes are in viewBox units: the
stylesheet scales a chart to its container's width.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ZERO = "#FFFFFF"
GRID = "#D0D0D0"
INK = "#1B1B1B"
MUTED = "#595959"  # 7:1 on white
# Sequential, light to dark, colour-blind-safe single hues (ColorBrewer Blues, Purples).
BLUES = ("#DEEBF7", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C")
PURPLES = ("#EFEDF5", "#BCBDDC", "#9E9AC8", "#756BB1", "#54278F")


@dataclass(frozen=True)
class Series:
    """One stacked part of each column or bar: its key in the values, label and colour."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its legend, as (label, colour) pairs."""

    svg: Markup
    legend: tuple[tuple[str, str], ...]


def nice_scale(top: int) -> tuple[int, int]:
    """Return (step, maximum) of an axis from 0 reaching ``top`` in at most 5 round steps."""
    raw = max(top, 1) / 4
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step, max(step, math.ceil(max(top, 1) / step) * step)


def columns(labels: Sequence[str], series: Sequence[Series],
            values: Mapping[tuple[int, str], int], *, summary: str) -> Chart:
    """Return stacked columns, one per label (``values[(column, series key)]``), left to right."""
    width, height, left, top, bottom = 1160, 280, 48, 12, 30
    plot = height - top - bottom
    step, maximum = nice_scale(max(_totals(labels, series, values), default=0))
    svg = _svg(width, height, summary, "columns")
    _y_axis(svg, step, maximum, left=left, right=width - 8, bottom=top + plot, plot=plot)
    band = (width - 8 - left) / max(len(labels), 1)
    every = math.ceil(len(labels) / 16) if labels else 1
    for i, label in enumerate(labels):
        y = float(top + plot)
        for part, count in _parts(i, series, values):
            tall = plot * count / maximum
            y -= tall
            bar = _rect(svg, left + (i + 0.1) * band, y, max(band * 0.8, 1), tall, part.colour,
                        f"{label}: {part.label} {count:,}")
            if band >= 6:  # a white edge between stacked parts, unless bars are hairlines
                bar.set("stroke", ZERO)
        if i % every == 0:
            _text(svg, label, x=left + (i + 0.5) * band, y=height - 10, anchor="middle",
                  cls="x-label")
    return Chart(_markup(svg), tuple((s.label, s.colour) for s in series))


def bars(labels: Sequence[str], series: Sequence[Series],
         values: Mapping[tuple[int, str], int], *, summary: str) -> Chart:
    """Return stacked horizontal bars, one per label, top to bottom, totals at their ends."""
    row, label_width, width = 28, _label_width(labels), 560
    totals = _totals(labels, series, values)
    scale = (width - label_width - 64) / (max(totals, default=0) or 1)
    svg = _svg(width, 8 + row * len(labels), summary, "bars")
    for i, label in enumerate(labels):
        y = 4 + i * row
        _text(svg, _shortened(label), x=label_width - 8, y=y + 18, anchor="end", cls="y-label")
        x = float(label_width)
        for part, count in _parts(i, series, values):
            wide = max(scale * count, 1)
            _rect(svg, x, y + 4, wide, row - 8, part.colour,
                  f"{label}: {part.label} {count:,}").set("stroke", ZERO)
            x += wide
        _text(svg, f"{totals[i]:,}", x=x + 6, y=y + 18, anchor="start", cls="value")
    return Chart(_markup(svg), tuple((s.label, s.colour) for s in series))


def _totals(labels: Sequence[str], series: Sequence[Series],
            values: Mapping[tuple[int, str], int]) -> list[int]:
    return [sum(values.get((i, s.key), 0) for s in series) for i in range(len(labels))]


def _parts(i: int, series: Sequence[Series],
           values: Mapping[tuple[int, str], int]) -> Iterator[tuple[Series, int]]:
    """Yield the series with a count in column or bar ``i``, in stacking order."""
    for part in series:
        if values.get((i, part.key), 0):
            yield part, values[(i, part.key)]


def _y_axis(svg: ET.Element, step: int, maximum: int, *, left: float, right: float,
            bottom: float, plot: float) -> None:
    """Draw the horizontal grid lines and their counts, from 0 up to ``maximum``."""
    for tick in range(0, maximum + 1, step):
        y = bottom - plot * tick / maximum
        _add(svg, "line", x1=left, x2=right, y1=y, y2=y, stroke=GRID)
        _text(svg, f"{tick:,}", x=left - 6, y=y + 4, anchor="end", cls="y-label")


def heatmap(values: Mapping[tuple[int, int], int], *, summary: str,
            palette: Sequence[str] = BLUES) -> Chart:
    """Return a weekday (rows, Monday first) by hour (columns, 0-23) grid of counts."""
    cell_w, cell_h, left, top = 22, 22, 40, 22
    svg = _svg(left + 24 * cell_w + 4, top + 7 * cell_h + 4, summary, "heatmap")
    limits = bins(max(values.values(), default=0), len(palette))
    for hour in range(0, 24, 3):
        _text(svg, f"{hour:02d}:00", x=left + hour * cell_w, y=14, anchor="start",
              cls="x-label")
    for day, name in enumerate(WEEKDAYS):
        _text(svg, name, x=left - 6, y=top + day * cell_h + 15, anchor="end", cls="y-label")
        for hour in range(24):
            count = values.get((day, hour), 0)
            colour = ZERO if count == 0 else palette[_bin(count, limits)]
            cell = _rect(svg, left + hour * cell_w, top + day * cell_h, cell_w, cell_h, colour,
                         f"{name} {hour:02d}:00-{hour + 1:02d}:00: {_calls(count)}", "cell")
            cell.set("stroke", GRID if count == 0 else ZERO)
    return Chart(_markup(svg), _bin_legend(limits, palette))


def bins(top: int, size: int) -> list[int]:
    """Return the upper limits of up to ``size`` equal classes of counts from 1 to ``top``."""
    return sorted({math.ceil(top * (i + 1) / size) for i in range(size)} - {0})


def _bin(count: int, limits: Sequence[int]) -> int:
    return next(i for i, limit in enumerate(limits) if count <= limit)


def _bin_legend(limits: Sequence[int], palette: Sequence[str]) -> tuple[tuple[str, str], ...]:
    legend, low = [("0", ZERO)], 1
    for i, high in enumerate(limits):
        legend.append((f"{low:,}" if low == high else f"{low:,}-{high:,}", palette[i]))
        low = high + 1
    return tuple(legend)


def _calls(count: int) -> str:
    return "1 call" if count == 1 else f"{count:,} calls"


def _label_width(labels: Sequence[str]) -> int:
    longest = max((len(_shortened(label)) for label in labels), default=0)
    return min(max(longest * 7 + 16, 80), 270)


def _shortened(label: str, most: int = 36) -> str:
    return label if len(label) <= most else label[:most - 1] + "…"


def _svg(width: int, height: int, summary: str, kind: str) -> ET.Element:
    """Return the root: drawn at its natural size, scaled down (by CSS) to narrow screens."""
    return ET.Element("svg", {"viewBox": f"0 0 {width} {height}", "width": str(width),
                              "height": str(height), "role": "img", "aria-label": summary,
                              "class": f"chart chart-{kind}", "focusable": "false"})


def _add(parent: ET.Element, tag: str, **attributes: float | str) -> ET.Element:
    return ET.SubElement(parent, tag, {k: _number(v) for k, v in attributes.items()})


def _rect(parent: ET.Element, x: float, y: float, w: float, h: float, colour: str,
          title: str, cls: str = "bar") -> ET.Element:
    rect = _add(parent, "rect", x=x, y=y, width=w, height=h, fill=colour)
    rect.set("class", cls)
    ET.SubElement(rect, "title").text = title
    return rect


def _text(parent: ET.Element, text: str, *, x: float, y: float, anchor: str,
          cls: str) -> None:
    element = _add(parent, "text", x=x, y=y)
    element.set("text-anchor", anchor)
    element.set("class", cls)
    element.set("fill", INK if cls == "value" else MUTED)
    element.text = text


def _number(value: float | str) -> str:
    """Return a coordinate with at most two decimals (short, stable markup)."""
    if isinstance(value, str):
        return value
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _markup(svg: ET.Element) -> Markup:
    return Markup(ET.tostring(svg, encoding="unicode"))
