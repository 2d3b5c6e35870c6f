"""Which tree a staff page looks at (the published version, the draft, an older version),
and the Japan moment staff choose to look at it.

Each is loaded as calls would hear it now: the version's files with today's
recordings and the notices in force (``StoreSource.bundle_of``), checked by
the loader itself. With ``IVR_MENUS_SOURCE=folder`` there are no versions:
the pages look at the tree this process serves. Loaded trees are kept by
their content hash (a few of them), so pressing keys in the simulator does
not parse the YAML again at every key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy.engine import Connection

from ivr.calllog.outcome import JAPAN
from ivr.live import menus
from ivr.menustore import drafts, versions
from ivr.phonetree import loader
from ivr.phonetree.report import LoadError, Problem
from ivr.phonetree.tree import Tree

PUBLISHED, DRAFT, LIVE = "published", "draft", "live"
KEPT = 8  # loaded trees kept per app
EDITOR = "/staff/menus/draft"  # the editor's page (another blueprint)


class NotFound(LookupError):
    """A version or draft that does not exist; the message says so in staff's words."""


@dataclass(frozen=True)
class Choice:
    value: str  # "published", "draft", "3", "live"
    text: str   # "published (version 3)"


@dataclass(frozen=True)
class Chosen:
    """A tree staff chose, or the loader's problems with it (then ``tree`` is None)."""

    value: str
    name: str  # "the draft", "version 3", "the published version (3)"
    tree: Tree | None
    problems: tuple[Problem, ...] = ()


def versions_on() -> bool:
    """Whether the menus come from published versions (IVR_MENUS_SOURCE=database)."""
    return bool(getattr(menus.of(current_app).source, "versions", False))


def asked(value: str | None) -> str:
    """The version a page's query asks for: the published one unless it names another
    (the menus folder's tree, without versions)."""
    if not versions_on():
        return LIVE
    return (value or "").strip()[:12] or PUBLISHED


def choices(connection: Connection, admin: bool) -> list[Choice]:
    """What staff may choose: published, the draft (admins), older versions, newest first."""
    if not versions_on():
        return [Choice(LIVE, "the menus folder, as calls hear it")]
    found = versions.history(connection)
    listed = [Choice(PUBLISHED, f"published (version {found[0].number})")] if found else []
    if admin and drafts.get(connection) is not None:
        listed.insert(0, Choice(DRAFT, "the draft"))
    return listed + [Choice(str(v.number), f"version {v.number} ({v.created_at:%Y-%m-%d}): "
                            f"{_short(v.note)}") for v in found[1:]]


def load(connection: Connection, value: str, admin: bool) -> Chosen:
    """The tree of ``value``; NotFound when there is none (or the draft, for a viewer)."""
    if not versions_on() or value == LIVE:
        loaded = menus.of(current_app).get()
        if loaded is None:
            raise NotFound("No menus could be loaded: calls get the fallback answer.")
        return Chosen(LIVE, "the menus as calls hear them", loaded.tree)
    name, files, root = _files(connection, value, admin)
    bundle = menus.of(current_app).source.bundle_of(connection, files, root)
    try:
        return Chosen(value, name, _tree(bundle))
    except LoadError as exc:
        return Chosen(value, name, None, tuple(p for p in exc.problems if p.level == "error"))


def _files(connection: Connection, value: str, admin: bool) -> tuple[str, object, str]:
    if value == DRAFT:
        draft = drafts.get(connection) if admin else None
        if draft is None:
            raise NotFound("There is no draft." if admin else "Only admins may see the draft.")
        base = versions.get(connection, draft.base)
        return "the draft", draft.files, base.root if base else "menus"
    if value == PUBLISHED:
        version = versions.latest(connection)
        if version is None:
            raise NotFound("No version has been published yet.")
        return f"the published version ({version.number})", version.files, version.root
    version = versions.get(connection, int(value)) if value.isdigit() and len(value) < 10 \
        else None
    if version is None:
        raise NotFound(f"There is no version {value}.")
    return f"version {version.number}", version.files, version.root


def _tree(bundle) -> Tree:
    """The tree of ``bundle``, from the kept ones when it was loaded before."""
    kept = current_app.extensions.setdefault("ivr.staff.trees", _Kept())
    live = menus.of(current_app).get()
    if live is not None and live.tree.version == bundle.version:
        return live.tree  # the tree calls hear: already loaded
    return kept.get(bundle.version) or kept.put(bundle.version,
                                                loader.load_bundle(bundle).tree)


class _Kept:
    """The last few trees loaded, by content hash."""

    def __init__(self) -> None:
        self._trees: OrderedDict[str, Tree] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: str) -> Tree | None:
        with self._lock:
            tree = self._trees.get(version)
            if tree is not None:
                self._trees.move_to_end(version)
            return tree

    def put(self, version: str, tree: Tree) -> Tree:
        with self._lock:
            self._trees[version] = tree
            while len(self._trees) > KEPT:
                self._trees.popitem(last=False)
        return tree


def _short(note: str, limit: int = 50) -> str:
    return note if len(note) <= limit else note[:limit - 1] + "…"


def japan_moment(day: str, clock: str) -> tuple[datetime | None, str | None]:
    """The Japan moment of a date field and a time field (the time defaults to 10:00), or
    the problem with them; (None, None) when no date is given."""
    day, clock = (day or "").strip(), (clock or "").strip() or "10:00"
    if not day:
        return None, None
    try:
        moment = datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M")
    except ValueError:
        return None, "Write the date as YYYY-MM-DD and the time as HH:MM (Japan time)."
    if not 2000 <= moment.year <= 2999:
        return None, "Choose a date between the years 2000 and 2999."
    return moment.replace(tzinfo=JAPAN), None
