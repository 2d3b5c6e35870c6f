"""A call's place, written into and read back from the webhook URL.

Pure core. The URL carries all the state of a call (no server session), so
any worker of any instance can answer any step. URLs stay ASCII, because
Twilio signs the URL as it sent it. Reading is forgiving: anything missing,
too long or malformed becomes a default, and the engine mends the rest.

Besides the place, every URL carries the call's turn (``n``): how many
answers the call has had. Each answer's URLs name the next turn, so no two
requests Twilio makes for one call are alike, even when the caller does the
same thing at the same place twice, and a replayed or retried request is
recognised as the one it repeats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from ivr.call.steps import Kind, Place

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TURN = re.compile(r"^[0-9]{1,6}$")
MAX_COUNT = 99
MAX_ALTS = 5
PLACE_KEYS = ("h", "l", "t", "o", "w", "a", "s", "i")  # the query keys ``from_url`` reads
KEYS = (*PLACE_KEYS, "n")  # every query key the app writes


def to_url(place: Place, root: str = "", turn: int = 0) -> str:
    """The webhook URL of ``place`` at the call's ``turn``, under the app's ``root`` path."""
    query = [("h", place.hotline)]
    for name, value in (("l", place.lang), ("t", place.target), ("o", place.origin),
                        ("w", place.why)):
        if value:
            query.append((name, value))
    if place.alts:
        query.append(("a", ".".join(place.alts)))
    if place.silence:
        query.append(("s", str(place.silence)))
    if place.invalid:
        query.append(("i", str(place.invalid)))
    if turn:
        query.append(("n", str(turn)))
    return f"{root}/voice/{place.kind.value}?{urlencode(query)}"


def from_url(kind: str, args: Mapping[str, str]) -> Place:
    """The place a webhook URL names; unknown kinds become the language choice."""
    try:
        place_kind = Kind(kind)
    except ValueError:
        place_kind = Kind.LANGUAGE
    alts = tuple(a for a in (args.get("a") or "").split(".")[:MAX_ALTS] if _NAME.match(a))
    return Place(place_kind, _name(args.get("h")) or "", _name(args.get("l")),
                 _name(args.get("t")), _name(args.get("o")), _name(args.get("w")), alts,
                 _count(args.get("s")), _count(args.get("i")))


def turn_of(args: Mapping[str, str]) -> int:
    """The call's turn a webhook URL names (0: the first request, or an older URL)."""
    value = args.get("n") or ""
    return int(value) if _TURN.match(value) else 0


def _name(value: str | None) -> str | None:
    return value if value and _NAME.match(value) else None


def _count(value: str | None) -> int:
    if not value or not value.isdigit():
        return 0
    return min(int(value), MAX_COUNT)
