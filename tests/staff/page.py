"""Staff pages parsed into an element tree (stdlib only), to assert on structure, not text.

``parse(html)`` gives an ``xml.etree.ElementTree.Element`` of the whole page;
``by_id``, ``texts`` and ``words`` find what a test asserts on. Void elements
(input, br...) are closed as they come; stray end tags are ignored.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse(html: str) -> ET.Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def by_id(root: ET.Element, ident: str) -> ET.Element:
    found = root.find(f".//*[@id='{ident}']")
    assert found is not None, f"no element with id {ident!r}"
    return found


def words(element: ET.Element | None) -> str:
    """The element's text as read: whitespace collapsed."""
    return "" if element is None else re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def texts(root: ET.Element, path: str) -> list[str]:
    """The words of every element ``path`` (ElementPath) finds."""
    return [words(element) for element in root.iterfind(path)]
