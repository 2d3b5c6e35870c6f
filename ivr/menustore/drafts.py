"""The draft: the one set of menu files staff are editing, shared, surviving a logout.

A draft starts from a published version and keeps its number (``base``) so
the editor can show what changed. Every save must name the revision it was
made from: when another admin saved in between, the save is refused with
who and when (``Conflict``), never silently overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ivr.db.database import aware, naive
from ivr.menustore import audit
from ivr.menustore.schema import menu_drafts
from ivr.menustore.versions import Version
from ivr.phonetree.tree import frozen_map

NAME = "menus"  # one draft for the whole tree


@dataclass(frozen=True)
class Draft:
    files: Mapping[str, str]
    base: int  # the published version it started from
    revision: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class Conflict(Exception):
    """The draft changed since the editor loaded it."""

    def __init__(self, current: Draft | None) -> None:
        if current is None:
            message = "the draft was published or discarded meanwhile: start again from the " \
                      "published version"
        else:
            message = (f"{current.updated_by} saved the draft at "
                       f"{current.updated_at:%Y-%m-%d %H:%M} UTC after you opened it "
                       f"(revision {current.revision}): your change was not saved")
        super().__init__(message)
        self.current = current


def get(connection: Connection) -> Draft | None:
    row = connection.execute(sa.select(menu_drafts).where(menu_drafts.c.name == NAME)).first()
    if row is None:
        return None
    return Draft(frozen_map(dict(row.files)), row.base_number, row.revision, row.created_by,
                 aware(row.created_at), row.updated_by, aware(row.updated_at))


def start(connection: Connection, version: Version, author: str, now: datetime) -> Draft:
    """Start the draft from ``version`` (Conflict when a draft exists already)."""
    if get(connection) is not None:
        raise Conflict(get(connection))
    connection.execute(menu_drafts.insert().values(
        name=NAME, files=dict(version.files), base_number=version.number, revision=1,
        created_by=author, created_at=naive(now), updated_by=author, updated_at=naive(now)))
    return get(connection)


def save(connection: Connection, files: Mapping[str, str], revision: int, author: str,
         now: datetime, base: int | None = None) -> Draft:
    """Store ``files`` if the draft is still at ``revision``; Conflict otherwise."""
    values = {"files": dict(files), "revision": revision + 1, "updated_by": author,
              "updated_at": naive(now)}
    if base is not None:
        values["base_number"] = base
    done = connection.execute(menu_drafts.update().where(
        menu_drafts.c.name == NAME, menu_drafts.c.revision == revision).values(values))
    if done.rowcount != 1:
        raise Conflict(get(connection))
    return get(connection)


def remove(connection: Connection, revision: int, author: str, now: datetime, *,
           published: int | None = None) -> None:
    """Delete the draft at ``revision`` (published as version ``published``, or discarded)."""
    done = connection.execute(menu_drafts.delete().where(menu_drafts.c.name == NAME,
                                                         menu_drafts.c.revision == revision))
    if done.rowcount != 1:
        raise Conflict(get(connection))
    if published is None:
        audit.record(connection, author, "draft.discard", "draft", now, revision=revision)
