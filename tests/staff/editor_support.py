"""What the menu editor's tests share: apps serving published versions, pages parsed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from ivr.menustore import drafts, versions

from .staff_support import engine, text, token

REVISION = re.compile(r'name="revision" value="(\d+)"')


def latest(app: Flask) -> versions.Version | None:
    with engine(app).connect() as connection:
        return versions.latest(connection)


def history(app: Flask) -> list[tuple[int, str, str, str]]:
    with engine(app).connect() as connection:
        return [(v.number, v.kind, v.author, v.note) for v in versions.history(connection)]


def draft(app: Flask) -> drafts.Draft | None:
    with engine(app).connect() as connection:
        return drafts.get(connection)


def revision_on(page: str) -> int:
    found = REVISION.search(page)
    assert found, "no draft revision on the page"
    return int(found.group(1))


def form(client: FlaskClient, url: str, page: str = "/staff/menus", **fields: Any) -> Any:
    """Post ``fields`` to ``url`` with the session's CSRF token."""
    return client.post(url, data={"csrf_token": token(client, page), **fields})


def start(client: FlaskClient) -> Any:
    return form(client, "/staff/menus/draft/start")


def save(client: FlaskClient, path: str, body: str, revision: int, action: str = "save",
         **more: str) -> Any:
    return form(client, "/staff/menus/draft/save", file=path, text=body,
                revision=str(revision), action=action, **more)


def element(html: str, tag: str, element_id: str) -> ET.Element:
    """The element ``<tag id="element_id">`` of a page, parsed as XML (it is well-formed)."""
    opening = re.search(rf'<{tag}\b[^>]*\bid="{re.escape(element_id)}"', html)
    assert opening, f"no <{tag} id={element_id!r}> on the page"
    begin = at = opening.start()
    depth = 0
    pattern = re.compile(rf"<(/?){tag}\b")
    for match in pattern.finditer(html, begin):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            at = html.index(">", match.end()) + 1
            break
    return ET.fromstring(html[begin:at])


def line_problems(html: str) -> dict[int, list[str]]:
    """Line number -> the problems shown under that line of the code view."""
    view = element(html, "ol", "code-view")
    found = {}
    for item in view.findall("li[@id]"):
        number = int(item.get("id").removeprefix("line-"))
        messages = ["".join(p.itertext()) for p in item.findall("ul/li")]
        if messages:
            found[number] = messages
    return found


def page_text(response: Any) -> str:
    return text(response)
