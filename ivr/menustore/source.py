"""What the live tree reads: the newest published version, notices and recordings.

With ``versions`` on (``IVR_MENUS_SOURCE=database``, the default), the menu
files are the newest published version; the first start on an empty
database publishes the menus folder as version 1 (when it passes the
checks). With it off (``folder``), the files are the menus folder's, as
deployed. Either way the notices in force and the uploaded recordings come
from the database, so every instance routes alike. A database that cannot
be reached raises ``Unavailable``: the holder keeps serving its last good
tree (or the snapshot) and says so once, not at every look.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ivr.live.sources import FolderSource, Unavailable
from ivr.menustore import notices, recordings, versions
from ivr.menustore.schema import menu_versions
from ivr.menustore.schema import notices as notice_table
from ivr.menustore.schema import recordings as audio
from ivr.phonetree import loader
from ivr.phonetree.bundle import Bundle, scan_placeholders, scan_recordings
from ivr.phonetree.report import LoadError
from ivr.phonetree.tree import frozen_map

log = logging.getLogger(__name__)
SEED_NOTE = "The menus folder, published at the first start"
# Everything that changes what callers hear, in one cheap query.
STAMP = sa.select(
    sa.select(sa.func.max(menu_versions.c.number)).scalar_subquery(),
    sa.select(sa.func.max(notice_table.c.id)).scalar_subquery(),
    sa.select(sa.func.count(notice_table.c.withdrawn_at)).scalar_subquery(),
    sa.select(sa.func.max(audio.c.id)).scalar_subquery(),
    sa.select(sa.func.count()).select_from(audio).scalar_subquery(),
)


class StoreSource:
    """The menus as the database says: published version (or folder), notices, recordings."""

    def __init__(self, engine: Callable[[], Engine], folder: FolderSource, *, versions: bool,
                 clock: Callable[[], datetime]) -> None:
        self.engine, self.folder, self.versions, self.clock = engine, folder, versions, clock
        self._down = False

    def __str__(self) -> str:
        return "the database (published versions)" if self.versions else str(self.folder)

    def stamp(self) -> str:
        with self._reading("look for changes"), self.engine().connect() as connection:
            row = connection.execute(STAMP).one()
        return f"{self.folder.stamp()}|{tuple(row)}"

    def read(self) -> Bundle:
        here = self.folder.read()
        with self._reading("read the menus"):
            if self.versions:
                self._seed(here)
            with self.engine().begin() as connection:
                version = versions.latest(connection) if self.versions else None
                files = version.bundle() if version else here
                return self._with_state(connection, files, here.recordings, here.placeholders)

    def bundle_of(self, connection: sa.Connection, files: Mapping[str, str],
                  root: str) -> Bundle:
        """Other files (a draft, an older version) as calls would hear them now: with the
        recordings and the notices in force, for checking, comparing and trying them."""
        local = scan_recordings(self.folder.audio_dir)
        return self._with_state(connection, Bundle(root, frozen_map(dict(files))), local,
                                scan_placeholders(self.folder.audio_dir, local))

    def _with_state(self, connection: sa.Connection, files: Bundle,
                    local: Mapping[tuple[str, str], str],
                    placeholders: frozenset[tuple[str, str]]) -> Bundle:
        """``files`` with the recordings (the database's before the folder's) and notices;
        a recording uploaded by staff replaces the folder's, placeholder or not."""
        stored = recordings.names(connection)
        in_force = tuple(notices.in_force(connection, self.clock()))
        return Bundle(files.root, files.files, frozen_map({**local, **stored}),
                      files.unreadable, in_force, placeholders - set(stored))

    def _seed(self, folder: Bundle) -> None:
        """On an empty database, publish the menus folder as version 1 if it passes the checks
        (if not, the holder loads the folder itself and reports its problems). Workers
        starting together may all try: only one insert of version 1 can succeed."""
        with self.engine().connect() as connection:
            if versions.latest_number(connection) is not None:
                return
        try:
            loader.load_bundle(folder)
        except LoadError:
            return
        try:
            with self.engine().begin() as connection:
                versions.add(connection, folder.files, folder.root, kind="seed", number=1,
                             note=SEED_NOTE, author="menus folder", now=self.clock())
        except versions.VersionError:  # another worker seeded it a moment ago
            return
        log.info("menus: the menus folder is published as version 1")

    @contextmanager
    def _reading(self, what: str) -> Iterator[None]:
        """Turn database errors into ``Unavailable``, logged once per outage."""
        try:
            yield
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            if not self._down:
                log.error("menus: cannot %s in the database (%s): serving the last good tree",
                          what, type(exc).__name__)
            self._down = True
            raise Unavailable(f"the database cannot be reached to {what} "
                              f"({type(exc).__name__})") from None
        if self._down:
            log.info("menus: the database is back")
        self._down = False
