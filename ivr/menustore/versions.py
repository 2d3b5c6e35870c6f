"""Published versions of the menus: the newest serves every call; each one stays in history.

A version is the menu files' texts, a number (1, 2, 3...), who made it, when
and why. Publishing, importing the menus folder and rolling back all add a
new version; none is ever changed or deleted, so any of them can be looked
at, compared and rolled back to. Two publishers at the same moment cannot
both take the same number (a unique constraint); the loser is told to retry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ivr.db.database import aware, naive
from ivr.menustore import audit
from ivr.menustore.schema import menu_versions
from ivr.phonetree.bundle import Bundle
from ivr.phonetree.tree import frozen_map

KINDS = ("seed", "import", "publish", "rollback")


class VersionError(ValueError):
    """A version that cannot be made, with a message staff can act on."""


@dataclass(frozen=True)
class Version:
    """One published version; ``files`` is empty when only its summary was read."""

    number: int
    kind: str
    root: str
    digest: str
    note: str
    author: str
    based_on: int | None
    created_at: datetime  # aware UTC
    files: Mapping[str, str]

    def bundle(self) -> Bundle:
        return Bundle(self.root, frozen_map(self.files))


def digest(root: str, files: Mapping[str, str]) -> str:
    """The content hash of a set of files (the same as their bundle's, without recordings)."""
    return Bundle(root, frozen_map(dict(files))).version


def _version(row: sa.Row, with_files: bool = True) -> Version:
    return Version(row.number, row.kind, row.root, row.digest, row.note, row.author,
                   row.based_on, aware(row.created_at),
                   frozen_map(dict(row.files)) if with_files else frozen_map())


SUMMARY = [c for c in menu_versions.c if c.name != "files"]


def latest(connection: Connection) -> Version | None:
    """The newest version (the one calls hear), None before the first."""
    row = connection.execute(sa.select(menu_versions).order_by(menu_versions.c.number.desc())
                             .limit(1)).first()
    return _version(row) if row else None


def latest_number(connection: Connection) -> int | None:
    return connection.execute(sa.select(sa.func.max(menu_versions.c.number))).scalar()


def get(connection: Connection, number: int) -> Version | None:
    row = connection.execute(sa.select(menu_versions)
                             .where(menu_versions.c.number == number)).first()
    return _version(row) if row else None


def history(connection: Connection, limit: int = 200) -> list[Version]:
    """Versions newest first, without their files."""
    rows = connection.execute(sa.select(*SUMMARY, sa.literal(None).label("files"))
                              .order_by(menu_versions.c.number.desc()).limit(limit))
    return [_version(row, with_files=False) for row in rows]


def add(connection: Connection, files: Mapping[str, str], root: str, *, kind: str, note: str,
        author: str, now: datetime, based_on: int | None = None,
        number: int | None = None) -> Version:
    """Add the next version (or version ``number``, which must not exist yet) in the caller's
    transaction, and audit it."""
    if kind not in KINDS:
        raise VersionError(f"unknown kind of version '{kind}'")
    if not note.strip():
        raise VersionError("say in a few words what changed and why: the note is required")
    number = number or (latest_number(connection) or 0) + 1
    values = {"number": number, "kind": kind, "root": root, "files": dict(files),
              "digest": digest(root, files), "note": note.strip(), "author": author,
              "based_on": based_on, "created_at": naive(now)}
    try:  # the caller's transaction is rolled back with the error
        connection.execute(menu_versions.insert().values(values))
    except sa.exc.IntegrityError:
        raise VersionError(f"version {number} was published by someone else a moment ago: "
                           "look at it, then try again") from None
    audit.record(connection, author, kind, f"version {number}", now, note=values["note"],
                 based_on=based_on, digest=values["digest"][:12])
    return get(connection, number)


def rollback(connection: Connection, number: int, *, note: str, author: str,
             now: datetime) -> Version:
    """A new version with the files of version ``number``."""
    old = get(connection, number)
    if old is None:
        raise VersionError(f"there is no version {number}")
    return add(connection, old.files, old.root, kind="rollback", note=note, author=author,
               now=now, based_on=number)
