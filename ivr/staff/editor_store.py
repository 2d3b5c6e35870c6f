"""What every editor page needs from a request: the menus store, the draft, folder mode.

Editing pages are for admins, and only where the menus come from the
database (``IVR_MENUS_SOURCE=database``): an instance serving the menus
folder as deployed refuses every change with ``FOLDER_MODE`` (409), since a
published version would never reach its calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template
from flask.typing import ResponseReturnValue

from ivr import calllog
from ivr.live import menus as live
from ivr.menustore import drafts, versions
from ivr.menustore.drafts import Draft
from ivr.menustore.source import StoreSource
from ivr.menustore.versions import Version
from ivr.staff import auth
from ivr.staff.editor_check import Checked, check

ROOT = "menus"  # how the files are named in messages when nothing was published yet
FOLDER_MODE = ("This instance serves the menus folder as deployed (IVR_MENUS_SOURCE=folder), "
               "so the menus cannot be edited in the browser here. To edit them in the browser, "
               "set IVR_MENUS_SOURCE=database and restart: the newest published version then "
               "serves every call (on an empty database, the menus folder becomes version 1).")


def source() -> StoreSource:
    return live.of(current_app).source


def editing_on() -> bool:
    return bool(getattr(source(), "versions", False))


def admins_editing() -> ResponseReturnValue | None:
    """Guard of the editing pages: admins only, and only with versions in the database."""
    refused = auth.admins_only()
    if refused is not None:
        return refused
    if not editing_on():
        return render_template("staff/menus_folder.html", message=FOLDER_MODE,
                               active="menus"), 409
    return None


def connection() -> sa.Connection:
    return calllog.connection()


def reload_seconds() -> int:
    return int(float(current_app.config["IVR_MENU_RELOAD_SECONDS"]))


@dataclass(frozen=True)
class State:
    """The published version and the draft, read together."""

    published: Version | None
    draft: Draft | None

    @property
    def root(self) -> str:
        return self.published.root if self.published else ROOT

    @property
    def stale(self) -> bool:
        """Another version was published since the draft started."""
        return bool(self.draft and self.published and self.draft.base != self.published.number)


def state() -> State:
    conn = connection()
    return State(versions.latest(conn), drafts.get(conn))


def checked(files: Mapping[str, str], root: str) -> Checked:
    return check(connection(), source(), files, root)
