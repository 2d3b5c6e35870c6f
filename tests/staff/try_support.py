"""What the tests of the menus pages (path diff, simulator, diagram) share: a small HTML
reader, a draft made as the editor would make it, a recording, and the call log's rows."""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import sqlalchemy as sa
from flask import Flask

from ivr.calllog.schema import call_events, calls
from ivr.live import menus
from ivr.menustore import drafts, recordings, versions

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, whitespace collapsed."""
        words = "".join(c if isinstance(c, str) else c.text for c in self.children)
        return re.sub(r"\s+", " ", words).strip()

    def all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Every element inside with ``tag`` and the ``attrs`` (class_ for class), in order."""
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            wanted = {k.rstrip("_"): v for k, v in attrs.items()}
            if (tag is None or child.tag == tag) and all(
                    v in child.attrs.get(k, "").split() if k == "class" else
                    child.attrs.get(k) == v for k, v in wanted.items()):
                found.append(child)
            found += child.all(tag, **attrs)
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} {tag} {attrs}"
        return found[0]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


def menus_app(staff_app: Callable[..., Flask], **config: object) -> Flask:
    """An app whose menus are published versions in its database (the fixture menus are
    version 1), as the editor's apps are."""
    app = staff_app(IVR_MENUS_SOURCE="database", **config)
    holder = menus.of(app)
    holder.load()  # PostgreSQL got its tables after the app started: publish version 1 now
    assert holder.current is not None and not holder.errors
    with app.extensions["calllog"].engine.connect() as connection:
        assert versions.latest_number(connection) == 1
    return app


def page(html: str) -> Element:
    reader = _Reader()
    reader.feed(html)
    return reader.root


def draft_with(app: Flask, *edits: tuple[str, str, str], author: str = "alice") -> None:
    """Start the draft from the published version and save it with each (file, old, new)."""
    now = app.extensions["ivr.clock"]()
    with app.extensions["calllog"].engine.begin() as connection:
        draft = drafts.start(connection, versions.latest(connection), author, now)
        files = dict(draft.files)
        for file, old, new in edits:
            assert files[file].count(old) == 1, old
            files[file] = files[file].replace(old, new)
        drafts.save(connection, files, draft.revision, author, now)


def publish(app: Flask, *edits: tuple[str, str, str], note: str = "a change") -> int:
    """Publish the latest version with each (file, old, new) made: the new number."""
    now = app.extensions["ivr.clock"]()
    with app.extensions["calllog"].engine.begin() as connection:
        latest = versions.latest(connection)
        files = dict(latest.files)
        for file, old, new in edits:
            files[file] = files[file].replace(old, new)
        return versions.add(connection, files, latest.root, kind="publish", note=note,
                            author="alice", now=now, based_on=latest.number).number


def wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(b"\0\0" * int(rate * seconds))
    return out.getvalue()


def record(app: Flask, lang: str, name: str) -> None:
    with app.extensions["calllog"].engine.begin() as connection:
        recordings.put(connection, lang, name, wav(), "alice", app.extensions["ivr.clock"]())


def call_log_rows(app: Flask) -> tuple[int, int]:
    """How many calls and call events the log holds (after the writer has flushed)."""
    assert app.extensions["calllog"].flush(timeout=10)
    with app.extensions["calllog"].engine.connect() as connection:
        return (connection.execute(sa.select(sa.func.count()).select_from(calls)).scalar(),
                connection.execute(sa.select(sa.func.count()).select_from(call_events))
                .scalar())


CLOSURE = ("calendars.yaml", "    closures: []\n",
           "    closures:\n      - date: 2026-11-25\n        reason:\n"
           "          en: an office move\n          ja: 事務所の移転\n"
           "          tl: paglipat ng opisina\n")
