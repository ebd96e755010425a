"""Phone numbers: read what a rep types in the team's region, store E.164, show masked or in full.

Full numbers appear only on the owner's card; lists show them masked and logs never see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

MAX_INPUT = 40
MIN_FOREIGN_DIGITS = 8


class PhoneProblem(StrEnum):
    INVALID = "invalid"
    NEEDS_COUNTRY_CODE = "needs_country_code"


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """Either `e164` or the reason it could not be read."""

    e164: str | None = None
    problem: PhoneProblem | None = None


def parse(text: str, *, region: str) -> PhoneResult:
    """A valid number in E.164; without a leading + it is read as a number of `region`.

    A long enough number that is not valid in `region` and has no + may well be foreign: the
    rep is asked for the country code rather than the number guessed.
    """
    raw = text.strip()
    if not raw or len(raw) > MAX_INPUT:
        return PhoneResult(problem=PhoneProblem.INVALID)
    try:
        number = phonenumbers.parse(raw, region.upper())
    except NumberParseException:
        return PhoneResult(problem=PhoneProblem.INVALID)
    if phonenumbers.is_valid_number(number):
        return PhoneResult(e164=phonenumbers.format_number(number, PhoneNumberFormat.E164))
    if not raw.startswith("+") and sum(ch.isdigit() for ch in raw) >= MIN_FOREIGN_DIGITS:
        return PhoneResult(problem=PhoneProblem.NEEDS_COUNTRY_CODE)
    return PhoneResult(problem=PhoneProblem.INVALID)


def _parsed(e164: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(e164, None)
    except NumberParseException:
        return None


def national_digits(e164: str) -> str:
    number = _parsed(e164)
    if number is None:
        return "".join(ch for ch in e164 if ch.isdigit())
    return phonenumbers.national_significant_number(number)


def last4(e164: str) -> str:
    """The last four digits, as reps quote a number ("the one ending 5678")."""
    return national_digits(e164)[-4:]


def mask(e164: str) -> str:
    """+86 138****5678: enough to tell numbers apart, not enough to call."""
    number = _parsed(e164)
    digits = national_digits(e164)
    if len(digits) >= 8:
        hidden = digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    else:
        hidden = "*" * max(len(digits) - 2, 1) + digits[-2:]
    if number is None:
        return hidden
    return f"+{number.country_code} {hidden}"


def display(e164: str) -> str:
    """The full number in international format: +86 138 1234 5678."""
    number = _parsed(e164)
    if number is None:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def query_digits(text: str) -> str | None:
    """The digits of a search that looks like a phone number ("5678", "138 1234 5678", "+86-138…")."""
    stripped = text.strip()
    if not stripped:
        return None
    if any(not (ch.isdigit() or ch in " +-()") for ch in stripped):
        return None
    digits = "".join(ch for ch in stripped if ch.isdigit())
    return digits if len(digits) >= 3 else None


def search_prefix(digits: str, *, region: str, international: bool) -> str:
    """The start of the E.164 numbers a typed run of digits may begin: "+44 20…" stays as typed,
    "138 1234" in CN becomes "+86138 1234" without spaces, a trunk 0 dropped."""
    if international:
        return "+" + digits
    return f"+{phonenumbers.country_code_for_region(region.upper())}{digits.lstrip('0')}"
