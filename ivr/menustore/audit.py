"""The audit log: who changed what and when; written with each change, never edited.

Every change to the menus (publish, rollback, import, draft discarded),
every notice, recording and staff account change adds one row in the same
transaction as the change itself, so a change and its record stand or fall
together. The web app has no way to alter or delete a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ivr.db.database import aware, naive
from ivr.menustore.schema import audit_log


@dataclass(frozen=True)
class Entry:
    """One audited change."""

    id: int
    at: datetime  # aware UTC
    actor: str
    action: str
    target: str
    detail: Mapping[str, Any]


def record(connection: Connection, actor: str, action: str, target: str, now: datetime,
           **detail: Any) -> None:
    """Add a row (in the caller's transaction): ``actor`` did ``action`` to ``target``."""
    connection.execute(audit_log.insert().values(at=naive(now), actor=actor[:64],
                                                 action=action[:32], target=target[:128],
                                                 detail=detail))


def entries(connection: Connection, limit: int = 100, before: int | None = None) -> list[Entry]:
    """The newest entries first, ``limit`` of them, older than entry ``before`` if given."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if before is not None:
        query = query.where(audit_log.c.id < before)
    return [Entry(row.id, aware(row.at), row.actor, row.action, row.target, dict(row.detail))
            for row in connection.execute(query)]
