"""Notices: staff close (or open) services for a while, with a reason callers hear.

Pure core. A notice is kept in the database, not in the menu files; the live
tree gets the notices that have not yet expired and each becomes a temporary
override of the services it names (all services when it names none), after
the overrides written in the files, so the newest word wins. It expires by
itself: ``hours`` ignores an override outside its window. A notice naming a
service the tree no longer has is reported as a warning and skipped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ivr.phonetree.hours import Override
from ivr.phonetree.report import Report
from ivr.phonetree.tree import Tree, frozen_map

KEY = "notice.{id}"  # the cause key callers' events carry, and the recording name of its reason


@dataclass(frozen=True)
class Notice:
    """Close (``open=False``) or open ``services`` from ``start`` until ``end`` (aware times)."""

    id: int
    services: tuple[str, ...]  # empty: every service
    open: bool
    start: datetime
    end: datetime
    reason: Mapping[str, str]  # language code -> what callers hear

    @property
    def key(self) -> str:
        return KEY.format(id=self.id)

    def override(self) -> Override:
        return Override(self.start, self.end, self.open, frozen_map(self.reason), self.key)

    def to_data(self) -> dict[str, Any]:
        return {"id": self.id, "services": list(self.services), "open": self.open,
                "start": self.start.isoformat(), "end": self.end.isoformat(),
                "reason": dict(self.reason)}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Notice:
        return cls(int(data["id"]), tuple(str(s) for s in data["services"]), bool(data["open"]),
                   datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"]),
                   frozen_map({str(k): str(v) for k, v in data["reason"].items()}))


def apply(tree: Tree, notices: Iterable[Notice], report: Report) -> Tree:
    """``tree`` with each notice added as an override of the services it names."""
    services = dict(tree.services)
    for notice in notices:
        unknown = [sid for sid in notice.services if sid not in services]
        for sid in unknown:
            report.warning("notices", 0, f"notice {notice.id} names the service "
                           f"'{sid}', which the menus no longer have: it is skipped there")
        for sid in notice.services or tuple(services):
            if sid in unknown:
                continue
            service = services[sid]
            schedule = dataclasses.replace(
                service.schedule, overrides=(*service.schedule.overrides, notice.override()))
            services[sid] = dataclasses.replace(service, schedule=schedule)
    return dataclasses.replace(tree, services=frozen_map(services))
