"""The last tree that passed the checks, kept on disk where a starting process finds it.

After every successful load the holder writes the tree's files here (one
JSON file, written to a temporary name, flushed and renamed over the old
one, so a reader never sees half of it). A worker that starts, or recycles,
while the menu files hold a rejected edit serves this snapshot instead of
the fallback; workers whose own last good tree is older adopt it, so all of
them serve the same version.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from ivr.phonetree.bundle import Bundle

log = logging.getLogger(__name__)


class Snapshot:
    """One snapshot file (in the instance folder)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def save(self, bundle: Bundle) -> bool:
        """Replace the snapshot with ``bundle``, atomically; False (logged) when it cannot."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, draft = tempfile.mkstemp(prefix=".menus-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(bundle.to_data(), handle, ensure_ascii=False)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(draft, self.path)
            except BaseException:
                os.unlink(draft)
                raise
        except OSError as exc:
            log.error("menus: cannot keep the last good tree in %s (%s)", self.path, exc)
            return False
        return True

    def read(self) -> Bundle | None:
        """The snapshot's bundle; None when there is none or it is damaged (logged)."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                return Bundle.from_data(json.load(handle))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.error("menus: the last good tree in %s cannot be read (%s)", self.path,
                      type(exc).__name__)
            return None
