"""Phone numbers as staff write them: the number Twilio dials and the number callers hear.

Pure core. A number dialled is written in E.164 (+81335010110); a number
told is written as callers dial it in Japan (03-3501-0110), because it is
read out digit by digit. Each parser raises ``Invalid`` whose message
completes "'<key>' ..." in a report line (see ``fields``).
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType, ValidationResult, shortnumberinfo

from ivr.phonetree.fields import text
from ivr.phonetree.report import Invalid

REGION = "JP"
UNDIALLABLE = {PhoneNumberType.UAN: "a 0570 Navi Dial number",
               PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
               PhoneNumberType.SHARED_COST: "a shared-cost number"}
_SHORT_CODE = re.compile(r"^(\+81)?#?\d{3,4}$")  # 110, 119, #9110, +81110
_AS_DIALLED = re.compile(r"^\d[\d -]*$")  # digits, hyphens and spaces: 03-3501-0110
_HASH_DIAL = re.compile(r"^#\d{4}$")  # #9110, #7119: phonenumbers has no data for these
_TOO = {ValidationResult.TOO_SHORT: "too few digits (write it as callers dial it in Japan, "
        "area code first, e.g. 03-3501-0110)",
        ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "too few digits (write it as callers dial "
        "it in Japan, area code first, e.g. 03-3501-0110)",
        ValidationResult.TOO_LONG: "too many digits"}


def e164(raw: Any) -> str:
    """A number Twilio can use, written +81335010110."""
    value = text(raw)
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise Invalid(f"'{value}' is not a phone number in E.164 form, e.g. +81335010110 "
                      "(a + and the country code, no spaces)") from None
    canonical = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        raise Invalid(f"'{value}' is not a valid phone number")
    if canonical != value:
        raise Invalid(f"'{value}' must be written '{canonical}' (E.164, no spaces)")
    return canonical


def why_undiallable(value: str) -> str | None:
    """Why Twilio cannot dial ``value`` (a short code, a 0570 number...), or None.

    Written as staff know them too (110, #9110, 0570-078377): such a number is
    told, not dialled, so it must not be refused as "not E.164" first.
    """
    compact = re.sub(r"[\s().-]", "", value)
    if _SHORT_CODE.match(compact):
        return "a short code (like 110, 119 or #9110)"
    try:
        number = phonenumbers.parse(compact, REGION)
    except phonenumbers.NumberParseException:
        return None
    return UNDIALLABLE.get(phonenumbers.number_type(number))


def told(raw: Any) -> str:
    """A number read out to callers, kept as written: a valid Japanese number, every digit
    as callers dial it in Japan (or a short number: 110, #9110)."""
    value = text(raw)
    if value.startswith("#"):
        if not _HASH_DIAL.match(value):
            raise Invalid(f"'{value}' is not a short number: # and four digits, e.g. #9110")
        return value
    if value.startswith("+") and (national := _national_of(value)):
        raise Invalid(f"'{value}' is read out digit by digit: write it as callers dial it "
                      f"in Japan, '{national}'")
    number = _parse_as_dialled(value)
    if shortnumberinfo.is_valid_short_number_for_region(number, REGION) \
            and _digits(value) == phonenumbers.national_significant_number(number):
        return value  # 110, 119
    national = _valid_national(value, number)
    if _digits(value) != _digits(national):
        raise Invalid(f"'{value}' is not what callers dial in Japan: write '{national}'")
    return value


def same_number(told_number: str, dialled: str) -> bool:
    """Whether callers who hear ``told_number`` dial ``dialled`` (E.164)."""
    return _digits(told_number) == _digits(as_dialled_in_japan(phonenumbers.parse(dialled)))


def as_dialled_in_japan(number: str | phonenumbers.PhoneNumber) -> str:
    """How a caller in Japan dials ``number`` (an E.164 string or a parsed number)."""
    if isinstance(number, str):
        number = phonenumbers.parse(number)
    return phonenumbers.format_out_of_country_calling_number(number, REGION)


def _parse_as_dialled(value: str) -> phonenumbers.PhoneNumber:
    try:
        if _AS_DIALLED.match(value):
            return phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        pass
    raise Invalid(f"'{value}' is not a phone number written as callers dial it in Japan: "
                  "digits, hyphens and spaces only, e.g. 03-3501-0110")


def _valid_national(value: str, number: phonenumbers.PhoneNumber) -> str:
    """``number`` as dialled in Japan; ``Invalid`` when it is no valid Japanese number."""
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in _TOO or not phonenumbers.is_valid_number(number):
        why = _TOO.get(reason, "no number in Japan has these digits (check them against "
                               "the source)")
        raise Invalid(f"'{value}' is not a valid Japanese phone number: {why}")
    return as_dialled_in_japan(number)


def _national_of(value: str) -> str | None:
    """``value`` as dialled in Japan, when it is a valid Japanese number in E.164 form."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 81 or not phonenumbers.is_valid_number(number):
        return None
    return as_dialled_in_japan(number)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)
