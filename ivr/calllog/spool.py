"""Spool files: where call events wait, one JSON line each, until the database has them.

Each process appends to a file of its own and holds an exclusive ``flock`` on
it for as long as it lives; the kernel drops the lock when the process dies,
so a spool file whose lock can be taken is an orphan that any other process
may drain and delete. Lines are redacted events (see ``privacy``), never raw
caller numbers unless the operator keeps full numbers. The drain reads them
as ``Line``s: an event with the text its time and data are stored as, cut out
of the line rather than made again.
"""

from __future__ import annotations

import fcntl
import json
import json.scanner
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from ivr.call.events import CallEvent, Kind

log = logging.getLogger(__name__)
SUFFIX = ".jsonl"
COMPACT_BYTES = 1024 * 1024  # stored lines kept at most before the file is rewritten


# json.dumps(record, default=str, ensure_ascii=True), without making an encoder per line
_ENCODER = json.JSONEncoder(default=str, ensure_ascii=True)
_KINDS = {str(kind): kind for kind in Kind}


def encode(event: CallEvent) -> bytes:
    """Return the event as one spool line (JSON, newline-terminated)."""
    record = {"uid": event.uid, "call_sid": event.call_sid, "hotline": event.hotline,
              "at": event.at.isoformat(), "seq": event.seq, "kind": str(event.kind),
              "data": dict(event.data)}
    return _ENCODER.encode(record).encode() + b"\n"


def decode(line: bytes) -> CallEvent:
    """Return the event of one spool line; ValueError (or KeyError) when it is damaged."""
    record = json.loads(line)
    return CallEvent(uid=record["uid"], call_sid=record["call_sid"], hotline=record["hotline"],
                     at=datetime.fromisoformat(record["at"]), seq=int(record["seq"]),
                     kind=_KINDS[record["kind"]], data=record["data"])


class Line:
    """An event as the drain stores it: the fields of ``CallEvent`` (read the same way by
    ``summarise``, ``fold`` and ``encode``), and the text of its time and of its data in the
    database: the naive UTC time as SQLAlchemy writes it on SQLite (isoformat, a space, always
    microseconds; PostgreSQL reads the same text) and the data as ``json.dumps`` gives it."""

    __slots__ = ("at", "at_text", "call_sid", "data", "data_text", "hotline", "kind", "seq",
                 "uid")

    def __init__(self, uid: str, call_sid: str, hotline: str, at: datetime, seq: int,
                 kind: Kind, data: dict[str, Any], at_text: str, data_text: str) -> None:
        self.uid, self.call_sid, self.hotline, self.at, self.seq = uid, call_sid, hotline, at, seq
        self.kind, self.data, self.at_text, self.data_text = kind, data, at_text, data_text

    @classmethod
    def of(cls, event: CallEvent | Line) -> Line:
        """The line of an event (itself if it is one already); TypeError or ValueError when
        its data is no mapping of JSON values."""
        if type(event) is Line:
            return event
        at = event.at
        naive = at.replace(tzinfo=None) if at.tzinfo is UTC else at.astimezone(UTC).replace(
            tzinfo=None)
        return cls(event.uid, event.call_sid, event.hotline, at, event.seq, event.kind,
                   event.data, naive.isoformat(" ", "microseconds"), json.dumps(dict(event.data)))


_SCAN = json.scanner.make_scanner(json.JSONDecoder())  # json.loads's own, without its layers
_KEYS = ("uid", "call_sid", "hotline", "at", "seq", "kind", "data")  # in encode's order
_DATA = ', "data": '


def _line(line: bytes) -> Line | CallEvent:
    """The Line of a spool line as ``encode`` writes it, its texts cut out of the line; any
    other line as ``decode`` reads it (a CallEvent if its data is no mapping: the store
    refuses that call). ValueError, KeyError or TypeError when the line is damaged.

    The data's text in the line is what ``json.dumps`` gives for the data decoded: the same
    encoder wrote it (ascii, default separators), and it reads back to the same values. Only
    keys that were not text when encoded (1 and "1" in one dict) could differ: an event's
    data has text keys (keyword arguments, see ``Event.of``)."""
    if line[:1] == b"{" and line.isascii():  # what json.loads reads as UTF-8, and decodes so
        text = line.decode("ascii")
        if text[-1] == "\n":  # as encode ends a line (the spool's reads leave it out)
            text = text[:-1]
        try:
            record, end = _SCAN(text, 0)
        except StopIteration:  # no JSON value: json.loads says so below
            end = 0
        if end == len(text) and text.endswith("}}") and type(record) is dict and tuple(
                record) == _KEYS:
            uid, sid, hotline, at, seq, kind, data = record.values()
            start = text.find(_DATA)  # the first is data's: the values before it are no
            # objects (checked below), and in a string JSON escapes every '"' (none after a space)
            if (start > 0 and type(uid) is type(sid) is type(hotline) is type(at) is str
                    and type(seq) is int and type(data) is dict and at[-6:] == "+00:00"
                    and at[4:19:3] == "--T::"  # the separators of YYYY-MM-DDTHH:MM:SS
                    and (len(at) == 25 or (len(at) == 32 and at[19] == "."))):
                micro = at[19:26] if len(at) == 32 else ".000000"
                return Line(uid, sid, hotline, datetime.fromisoformat(at), seq, _KINDS[kind],
                            data, f"{at[:10]} {at[11:19]}{micro}", text[start + len(_DATA):-1])
    event = decode(line)
    try:
        return Line.of(event)
    except (TypeError, ValueError):
        return event


def decode_lines(lines: list[bytes]) -> list[Line | CallEvent]:
    """Return the events of spool lines (as Lines, see ``_line``), skipping (and counting in
    the log) damaged ones."""
    events = []
    for line in lines:
        try:
            events.append(_line(line))
        except (ValueError, KeyError, TypeError):
            log.warning("call log: skipped a damaged spool line (%d bytes)", len(line))
    return events


def _complete_lines(chunk: bytes) -> list[bytes]:
    """Return the newline-terminated lines of ``chunk`` (a torn last line waits)."""
    end = chunk.rfind(b"\n")
    return chunk[:end].split(b"\n") if end >= 0 else []


def _locked_file(path: Path, content: bytes = b"") -> BinaryIO:
    """Create ``path`` holding ``content``, locked by this process before anyone can see it."""
    draft = path.with_name(path.name + ".new")
    fd = os.open(draft, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    file = os.fdopen(fd, "a+b", buffering=0)
    file.write(content)
    os.rename(draft, path)  # atomic: the old file, or the new one, never neither
    return file


class Spool:
    """This process's spool file: request threads append, the drain thread reads and commits."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = directory / (f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
                                 + SUFFIX)
        self._file = _locked_file(self.path)
        self._lock = threading.Lock()
        self._offset = 0  # bytes already in the database

    def append(self, lines: list[bytes]) -> None:
        """Add lines at the end, in one write so a crash tears at most the last line."""
        with self._lock:
            self._file.write(b"".join(lines))

    def read(self, max_bytes: int = 256 * 1024) -> tuple[list[bytes], int]:
        """Return the complete lines not yet committed (up to about ``max_bytes``) and their end.

        Nothing once the file is closed: what it holds is another process's now.
        """
        with self._lock:
            if self._file.closed:
                return [], self._offset
            self._file.seek(self._offset)
            chunk = tail = self._file.read(max_bytes)
            while tail and b"\n" not in tail:  # a line longer than max_bytes
                tail = self._file.read(4096)
                chunk += tail
            lines = _complete_lines(chunk)
            return lines, self._offset + sum(len(line) + 1 for line in lines)

    def commit(self, offset: int) -> None:
        """Mark everything before ``offset`` as stored; drop it from the file now and then.

        Under steady traffic the file is never empty when the drain catches
        up, so once ``COMPACT_BYTES`` are stored the lines still waiting move
        to a fresh file: what this process leaves behind when it stops (an
        orphan, drained again from its start) stays small.
        """
        with self._lock:
            if self._file.closed:
                return
            self._offset = offset
            if offset >= os.fstat(self._file.fileno()).st_size:
                self._file.truncate(0)
                self._offset = 0
            elif offset >= COMPACT_BYTES:
                self._compact()

    def _compact(self) -> None:
        """Replace the file by one holding only the lines not stored yet (lock held)."""
        self._file.seek(self._offset)
        waiting = self._file.read()
        fresh = _locked_file(self.path, waiting)  # renamed over the old one, locked
        self._file.close()  # a drain that opened the old file sees it is gone (inode)
        self._file, self._offset = fresh, 0

    def pending(self) -> int:
        """Return how many bytes wait for the database (none once closed: they are released)."""
        with self._lock:
            if self._file.closed:
                return 0
            return os.fstat(self._file.fileno()).st_size - self._offset

    def abandon(self) -> None:
        """Close this (forked) process's copy of the file; the parent keeps file and lock."""
        self._file.close()

    def close(self) -> None:
        """Close the file (releasing its lock); what it still holds becomes an orphan."""
        with self._lock:
            if self._file.closed:
                return
            if os.fstat(self._file.fileno()).st_size == 0:
                self.path.unlink(missing_ok=True)  # while still locked: nobody drains it
            self._file.close()


class Orphan:
    """A spool file left by a dead process, locked by us while we drain it."""

    def __init__(self, path: Path, file: BinaryIO) -> None:
        self.path = path
        self._file = file

    def lines(self) -> list[bytes]:
        self._file.seek(0)
        return _complete_lines(self._file.read())

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self._file.close()

    def release(self) -> None:
        self._file.close()


def orphans(directory: Path, own: Path | None) -> Iterator[Orphan]:
    """Yield the spool files in ``directory`` whose process is gone, each locked for us."""
    for path in sorted(directory.glob("*" + SUFFIX)):
        if path == own:
            continue
        try:
            file = open(path, "r+b")  # noqa: SIM115 (handed to Orphan, closed there)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(file.fileno()).st_ino != path.stat().st_ino:
                raise FileNotFoundError(path)  # drained and removed by another process
        except (BlockingIOError, FileNotFoundError):
            file.close()
            continue
        yield Orphan(path, file)
