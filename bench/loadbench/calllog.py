"""The call log under load: a fresh database per run, and how far the log lags behind.

SQLite: a file in the run's temporary instance folder. PostgreSQL: a schema
of its own on the local server (``postgres@127.0.0.1:5432/test``, trust
auth), migrated before the server starts and dropped afterwards.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ivr.calllog.schema import call_events, calls
from ivr.db import database

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def fresh_database(kind: str, folder: Path, server: str = POSTGRES) -> Iterator[str]:
    """Yield the URL of an empty, migrated call log; a PostgreSQL schema is dropped after."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'ivr.sqlite3'}"
        _migrate(url)
        yield url
        return
    schema = f"bench_load_{uuid.uuid4().hex[:10]}"
    _admin(server, f"CREATE SCHEMA {schema}")
    try:
        url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"}) \
            .render_as_string(hide_password=False)
        _migrate(url)
        yield url
    finally:
        _admin(server, f"DROP SCHEMA {schema} CASCADE")


def _migrate(url: str) -> None:
    engine = database.create_engine(url)
    try:
        database.upgrade(engine)
    finally:
        engine.dispose()


def _admin(url: str, statement: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()


class Log:
    """Read-only looks at the call log of a run."""

    def __init__(self, url: str) -> None:
        self.engine = database.create_engine(url)

    def close(self) -> None:
        self.engine.dispose()

    def counts(self) -> tuple[int, int]:
        """Return (calls, events) stored so far."""
        with self.engine.connect() as connection:
            return (connection.execute(sa.select(sa.func.count()).select_from(calls))
                    .scalar_one(),
                    connection.execute(sa.select(sa.func.count()).select_from(call_events))
                    .scalar_one())

    def events_per_request(self, sid: str, steps: int, timeout: float = 30.0) -> list[int]:
        """Return how many events each of the ``steps`` webhooks of call ``sid`` stored.

        The events of one request share their time, so grouping by it, in
        order, gives the requests. Waits for the writer to store them.
        """
        deadline = time.monotonic() + timeout
        query = (sa.select(call_events.c.at).join(calls, calls.c.id == call_events.c.call_id)
                 .where(calls.c.call_sid == sid))
        while time.monotonic() < deadline:
            with self.engine.connect() as connection:
                times = Counter(connection.execute(query).scalars())
            if len(times) >= steps:
                return [times[at] for at in sorted(times)]
            time.sleep(0.1)
        raise RuntimeError(f"the template call's {steps} requests were not all logged in time")

    def wait_for(self, events: int, since: float, timeout: float) -> float | None:
        """Wait until at least ``events`` events are stored; seconds after ``since``, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.counts()[1] >= events:
                return time.monotonic() - since
            time.sleep(0.05)
        return None
