"""Caller numbers: keyed hash, masked form, and what a CALL_STARTED event keeps of them."""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
import pytest

from ivr.call.events import Kind
from ivr.calllog.privacy import CallerPrivacy, _mask_national, caller_hash, mask, normalise


def test_hash_is_the_hmac_of_the_e164_number() -> None:
    expected = hmac.new(b"k1", b"+819012345678", hashlib.sha256).hexdigest()
    assert caller_hash("+819012345678", b"k1") == expected
    assert caller_hash(" +81 90-1234-5678 ", b"k1") == expected  # same number, same hash
    assert caller_hash("09012345678", b"k1") == expected  # a national form is read as Japan's


def test_hash_differs_across_keys_and_numbers() -> None:
    assert caller_hash("+819012345678", b"k1") != caller_hash("+819012345678", b"k2")
    assert caller_hash("+819012345678", b"k1") != caller_hash("+819012345679", b"k1")


@pytest.mark.parametrize("raw", [None, "", "  ", "anonymous", "Restricted", "+266696687",
                                 "+7378742833", "+86282452253", "+2562533"])
def test_hidden_callers_have_no_hash(raw) -> None:
    assert caller_hash(raw, b"k1") is None


def test_no_key_no_hash() -> None:
    assert caller_hash("+819012345678", None) is None


def test_garbage_is_hashed_as_it_is() -> None:
    expected = hmac.new(b"k1", b"client:alice", hashlib.sha256).hexdigest()
    assert caller_hash("client:alice", b"k1") == expected


@pytest.mark.parametrize(("raw", "masked"), [
    ("+819012345678", "+81 90-****-**78"),
    ("+81335010110", "+81 3-****-**10"),
    ("+14155552671", "+1 415-***-**71"),
    ("+442079460958", "+44 20 **** **58"),
    ("+639171234567", "+63 917 *** **67"),
    ("09012345678", "+81 90-****-**78"),
    ("+1234", "unknown"),  # too short to be a number
    (None, "anonymous"),
    ("", "anonymous"),
    ("anonymous", "anonymous"),
    ("+266696687", "anonymous"),
    ("client:alice", "unknown"),
    ("+81", "unknown"),
    ("+81 90 1234 5678 9999 0000 1111 2222 3333 4444 5555 6666 7777 8888 9999", "unknown"),
])
def test_mask(raw, masked) -> None:
    assert mask(raw) == masked


def test_normalise() -> None:
    assert normalise("+81 90-1234-5678") == "+819012345678"
    assert normalise("sip:bob@example.com") is None


def test_redact_replaces_the_caller_by_hash_and_mask(script) -> None:
    event = script().started("+819012345678").events[0]
    redacted = CallerPrivacy(b"k1").redact(event)
    assert dict(redacted.data) == {
        "to": "+815017654321", "hotline": "main",
        "caller_hash": caller_hash("+819012345678", b"k1"),
        "caller_masked": "+81 90-****-**78",
    }
    assert (redacted.uid, redacted.at, redacted.kind) == (event.uid, event.at, Kind.CALL_STARTED)


def test_redact_keeps_the_full_number_only_when_told(script) -> None:
    event = script().started("+81 90-1234-5678").events[0]
    kept = CallerPrivacy(b"k1", keep_numbers=True).redact(event)
    assert kept.data["caller_number"] == "+819012345678"
    assert "caller_number" not in CallerPrivacy(b"k1").redact(event).data


def test_redact_leaves_other_events_alone(script) -> None:
    call = script().started()
    menu = call.add(Kind.MENU_ENTERED, menu="main")
    assert CallerPrivacy(b"k1").redact(menu) is menu


def _two_parses(raw: str | None) -> str:
    """The masked form as it was made before (parse, format E.164, parse that again)."""
    e164 = normalise(raw)
    if e164 is None:
        return mask(raw)  # anonymous or unknown: no number to format
    number = phonenumbers.parse(e164)
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    country, _, national = shown.partition(" ")
    return f"{country} {_mask_national(national)}"


@pytest.mark.parametrize("raw", [
    "+819012345678", "09012345678", "+81 90 1234 5678 ext. 12", "+81-3-5501-0110 x99",
    "+390612345678", "+39 0612345678", "+3903123456", "+442079460958", "+14155552671;ext=7",
    "+639171234567", "+5511987654321", "+977 1 4412345", "+82 2 312 3456", "0120-123-456",
])
def test_one_parse_masks_as_two_did(raw) -> None:
    """A caller's number is parsed once per event now (hash, mask and full number from one
    parse); the masked form stays what parsing its E.164 form again gave, extensions and
    Italian leading zeros included."""
    assert mask(raw) == _two_parses(raw)


def test_redact_parses_the_number_once(script, monkeypatch) -> None:
    parses = []
    real = phonenumbers.parse
    monkeypatch.setattr(phonenumbers, "parse", lambda *a, **k: parses.append(a) or real(*a, **k))
    privacy = CallerPrivacy.from_settings("key", keep_numbers=True)
    event = script().started(caller="+819012345678").events[0]
    assert privacy.redact(event).data["caller_masked"] == "+81 90-****-**78"
    assert len(parses) == 1
