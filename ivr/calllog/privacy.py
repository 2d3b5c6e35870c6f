"""Caller numbers as the call log may keep them: a keyed hash and a masked form.

Staff see repeat callers (same hash) without seeing numbers. The hash is an
HMAC-SHA256 of the number in E.164 form under a secret key from the
environment, so it cannot be reversed by hashing every possible number
without the key. The full number is kept only when an operator turns it on.
Nothing here logs.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, replace

import phonenumbers

from ivr.call.events import CallEvent, Kind

# Twilio's stand-ins for a hidden caller ID: ANONYMOUS, RESTRICTED, UNAVAILABLE
# and BLOCKED spelled on a keypad, and the words some carriers send instead.
HIDDEN = frozenset({
    "+266696687", "+7378742833", "+86282452253", "+2562533",
    "anonymous", "restricted", "unavailable", "unknown", "blocked", "private",
})
ANONYMOUS = "anonymous"
UNKNOWN = "unknown"
_LONGEST = 64  # longer input is not a phone number, and not worth parsing


def normalise(raw: str | None) -> str | None:
    """Return the number in E.164 form, or None when it is not a usable phone number."""
    return _e164(_parse(raw))


def caller_hash(raw: str | None, key: bytes | None) -> str | None:
    """Return the hex HMAC-SHA256 of the caller's number, or None (hidden caller, no key)."""
    return _hash(raw, _parse(raw), key)


def mask(raw: str | None) -> str:
    """Return the number with its middle digits hidden ("+81 90-****-**78").

    The country code, the first group of the national number (a mobile prefix
    or an area code) and the last two digits stay visible; a hidden caller is
    "anonymous" and anything that is not a phone number is "unknown", never
    echoed (it might contain a number in another form).
    """
    return _masked(raw, _parse(raw))


def _parse(raw: str | None) -> phonenumbers.PhoneNumber | None:
    """The possible phone number ``raw`` is (read as from Japan), else None. Parsed once
    per event: the hash, the masked form and the full number all start from it."""
    text = (raw or "").strip()
    if not text or text.lower() in HIDDEN or len(text) > _LONGEST:
        return None
    try:
        number = phonenumbers.parse(text, "JP")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def _e164(number: phonenumbers.PhoneNumber | None) -> str | None:
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _hash(raw: str | None, number: phonenumbers.PhoneNumber | None,
          key: bytes | None) -> str | None:
    text = (raw or "").strip()
    if key is None or not text or text.lower() in HIDDEN:
        return None
    message = _e164(number) or text[:_LONGEST]
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _masked(raw: str | None, number: phonenumbers.PhoneNumber | None) -> str:
    text = (raw or "").strip()
    if not text or text.lower() in HIDDEN:
        return ANONYMOUS
    if number is None:
        return UNKNOWN
    bare = phonenumbers.PhoneNumber(  # the number as its E.164 form reads: no extension
        country_code=number.country_code, national_number=number.national_number,
        italian_leading_zero=number.italian_leading_zero,
        number_of_leading_zeros=number.number_of_leading_zeros)
    shown = phonenumbers.format_number(bare, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    country, _, national = shown.partition(" ")
    return f"{country} {_mask_national(national)}"


def _mask_national(national: str) -> str:
    """Hide every digit after the first group except the last two."""
    first = re.match(r"\d+[^\d]", national)
    keep_head = first.end() if first else 0
    digits_after = sum(c.isdigit() for c in national[keep_head:])
    out, seen = list(national), 0
    for i in range(keep_head, len(national)):
        if out[i].isdigit():
            seen += 1
            if seen <= digits_after - 2:
                out[i] = "*"
    return "".join(out)


@dataclass(frozen=True)
class CallerPrivacy:
    """How the log keeps caller numbers: the HMAC key, and whether full numbers are kept."""

    key: bytes | None
    keep_numbers: bool = False

    @classmethod
    def from_settings(cls, key: str | None, keep_numbers: bool) -> CallerPrivacy:
        return cls(key.encode() if key else None, keep_numbers)

    def redact(self, event: CallEvent) -> CallEvent:
        """Replace the raw caller of a CALL_STARTED event by its hash and masked form."""
        if event.kind != Kind.CALL_STARTED:
            return event
        data = {k: v for k, v in event.data.items() if k != "caller"}
        raw = event.data.get("caller")
        raw = raw if isinstance(raw, str) else None
        number = _parse(raw)
        data["caller_hash"] = _hash(raw, number, self.key)
        data["caller_masked"] = _masked(raw, number)
        if self.keep_numbers:
            data["caller_number"] = _e164(number) or (raw or "")[:_LONGEST] or None
        return replace(event, data=data)
