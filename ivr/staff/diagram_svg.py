"""The menus diagram drawn as SVG: boxes in columns, left to right, arrows from keys.

Pure: boxes in, markup out (no Flask, no database). Built with ElementTree,
so every label is escaped. Each box is a ``<g class="node">`` naming what it
shows (``data-id``: "languages", "menu:main", "service:iom@main:4": a service
is drawn beside each key that leads to it) and its state
(``data-state``: menu, open, closed, unknown); each arrow a ``<path
class="edge">`` naming the key it starts from (``data-from``: "menu:main:4")
and the box it goes to (``data-to``). Text that does not fit a box wraps on
two lines, then is cut with an ellipsis; the box's ``<title>`` has it whole.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from markupsafe import Markup

WIDTH, LANGUAGES_WIDTH, GAP_X, GAP_Y, LINE, PAD, TOP = 276, 150, 48, 16, 18, 10, 44
TITLE = 14  # from a box's top to the middle of its title: where arrows come in
UNIT = 6.6  # pixels of a text unit at 13px (a wide character counts two units)
KEY_UNITS = 4  # the room a key takes at the start of a row
INK, MUTED = "#1B1B1B", "#595959"
STATES = {"open": ("#E6F4EA", "#1E6B34"), "closed": ("#FBEAEA", "#A3191F"),
          "unknown": ("#EEEEEE", "#3D3D3D"), "menu": ("#F3F5F7", "#0B3D6B")}


@dataclass
class Node:
    """A box: a title, a line under it, rows (key, text, the box its arrow goes to)."""

    id: str  # "languages", "menu:main", "service:iom"
    title: str
    subtitle: str
    rows: list[tuple[str, str, str | None]] = field(default_factory=list)
    state: str = "menu"  # menu, open, closed, unknown
    width: int = WIDTH
    x: int = 0
    y: int = 0

    @property
    def units(self) -> int:
        """Text units that fit the box."""
        return int((self.width - 2 * PAD) / UNIT)

    def lines(self, index: int) -> list[str]:
        key, text, _ = self.rows[index]
        units = self.units if self.state == "menu" else self.units * 17 // 20  # bold: wider
        return wrap(text, units - (KEY_UNITS if key else 0))

    def title_lines(self) -> list[str]:
        return wrap(self.title, self.units * 17 // 20)  # bold: wider

    def subtitle_lines(self) -> list[str]:
        return wrap(self.subtitle, self.units)

    @property
    def head(self) -> int:
        """The height of the title and the subtitle, above the rows."""
        return 10 + LINE * (len(self.title_lines()) + len(self.subtitle_lines())) + 2

    def row_top(self, index: int) -> int:
        return self.y + self.head + sum(len(self.lines(n)) * LINE + 4 for n in range(index))

    @property
    def height(self) -> int:
        return self.row_top(len(self.rows)) - self.y + PAD


@dataclass
class Column:
    heading: str
    nodes: list[Node]


def draw(columns: list[Column], hotline: str, language: str) -> Markup:
    """The diagram as inline SVG: column headings, the arrows, then the boxes over them."""
    lefts = _place(columns)
    nodes = {node.id: node for column in columns for node in column.nodes}
    width = lefts[-1] + max(n.width for n in columns[-1].nodes) + PAD
    height = max(n.y + n.height for n in nodes.values()) + PAD
    root = ET.Element("svg", {"viewBox": f"0 0 {width} {height}", "width": str(width),
                              "height": str(height), "class": "diagram", "role": "img",
                              "aria-labelledby": "diagram-title diagram-desc"})
    ET.SubElement(root, "title", id="diagram-title").text = \
        f"The phone tree of {hotline}, in {language}"
    ET.SubElement(root, "desc", id="diagram-desc").text = _summary(columns)
    _arrow(root)
    for left, column in zip(lefts, columns, strict=True):
        _text(root, column.heading, left, 24, "heading")
    edges = ET.SubElement(root, "g", {"class": "edges"})
    for node in nodes.values():
        for index, (key, _, target) in enumerate(node.rows):
            if target in nodes:
                _edge(edges, node, index, key, nodes[target])
    for node in nodes.values():
        _node(root, node)
    return Markup(ET.tostring(root, encoding="unicode"))


def _summary(columns: list[Column]) -> str:
    ids = [node.id for column in columns for node in column.nodes]
    menus = sum(i.startswith("menu:") for i in ids)
    services = len({i.split("@")[0] for i in ids if i.startswith("service:")})
    return (f"From left to right: {'the language choice, ' if 'languages' in ids else ''}"
            f"{menus} menu{'s' if menus != 1 else ''} and {services} "
            f"service{'s' if services != 1 else ''}, each after the key that leads to it, "
            "with each service's state now. The list below the drawing says the same.")


def _place(columns: list[Column]) -> list[int]:
    """Put each box beside the row that leads to it, below the box before it; return the
    columns' left sides."""
    lefts, left, rows = [], PAD, {}
    for column in columns:
        lefts.append(left)
        free = TOP
        for node in column.nodes:
            beside = rows.get(node.id)
            node.x, node.y = left, max(free, beside - TITLE if beside else TOP)
            free = node.y + node.height + GAP_Y
        for node in column.nodes:
            for index, (_, _, target) in enumerate(node.rows):
                rows.setdefault(target, node.row_top(index) + LINE // 2 + 2)
        left += max(node.width for node in column.nodes) + GAP_X
    return lefts


def _arrow(root: ET.Element) -> None:
    marker = ET.SubElement(ET.SubElement(root, "defs"), "marker", {
        "id": "diagram-arrow", "viewBox": "0 0 10 10", "refX": "9", "refY": "5",
        "markerWidth": "7", "markerHeight": "7", "orient": "auto"})
    ET.SubElement(marker, "path", {"d": "M0,0 L10,5 L0,10 z", "fill": MUTED})


def _edge(parent: ET.Element, node: Node, index: int, key: str, target: Node) -> None:
    sx, sy = node.x + node.width, node.row_top(index) + LINE // 2 + 2
    ex, ey = target.x, target.y + TITLE
    out, back = GAP_X // 2, GAP_X // 2
    if ex <= sx:  # back towards the first menu: into the right side of the box
        ex, back = target.x + target.width, -GAP_X
    ET.SubElement(parent, "path", {
        "class": "edge", "data-from": f"{node.id}:{key}", "data-to": target.id,
        "d": f"M{sx},{sy} C{sx + out},{sy} {ex - back},{ey} {ex},{ey}", "fill": "none",
        "stroke": MUTED, "stroke-width": "1.5", "marker-end": "url(#diagram-arrow)"})


def _node(parent: ET.Element, node: Node) -> None:
    fill, stroke = STATES[node.state]
    group = ET.SubElement(parent, "g", {"class": f"node node-{node.id.split(':')[0]}",
                                        "data-id": node.id, "data-state": node.state})
    ET.SubElement(group, "title").text = "\n".join(
        [node.title, node.subtitle] + [f"{k} {t}".strip() for k, t, _ in node.rows])
    ET.SubElement(group, "rect", {"x": str(node.x), "y": str(node.y), "width": str(node.width),
                                  "height": str(node.height), "rx": "6", "fill": fill,
                                  "stroke": stroke, "stroke-width": "2"})
    lines = [(line, "title", INK) for line in node.title_lines()] + \
        [(line, "subtitle", MUTED) for line in node.subtitle_lines()]
    for n, (line, cls, colour) in enumerate(lines):
        _text(group, line, node.x + PAD, node.y + 18 + n * LINE, cls, colour)
    colour = None if node.state == "menu" else stroke
    for index, (key, _, _) in enumerate(node.rows):
        top = node.row_top(index) + 14
        row = ET.SubElement(group, "g", {"class": "row", "data-key": key})
        if key:
            _text(row, key, node.x + PAD, top, "key")
        for n, line in enumerate(node.lines(index)):
            _text(row, line, node.x + PAD + (26 if key else 0), top + n * LINE,
                  "option" if colour is None else "state", colour)


def _text(parent: ET.Element, text: str, x: int, y: int, cls: str,
          colour: str | None = None) -> None:
    attributes = {"x": str(x), "y": str(y), "class": cls, "fill": colour or INK}
    ET.SubElement(parent, "text", attributes).text = text


def width_of(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def cut(text: str, units: int) -> str:
    """``text`` cut to ``units``, with an ellipsis when it is cut."""
    if sum(map(width_of, text)) <= units:
        return text
    kept, used = "", 1  # the ellipsis takes one
    for char in text:
        used += width_of(char)
        if used > units:
            break
        kept += char
    return kept.rstrip() + "…"


def wrap(text: str, units: int, most: int = 2) -> list[str]:
    """``text`` on lines of ``units`` at most, broken at spaces where it can be (Japanese
    anywhere), ``most`` lines at most, the last cut with an ellipsis."""
    lines: list[str] = []
    rest = text.strip()
    while rest and len(lines) < most - 1:
        used, end = 0, len(rest)
        for index, char in enumerate(rest):
            used += width_of(char)
            if used > units:
                space = rest.rfind(" ", 0, index + 1)
                end = space if space > units // 3 else index
                break
        lines.append(rest[:end].rstrip())
        rest = rest[end:].strip()
    if rest:
        lines.append(cut(rest, units))
    return lines or [""]
