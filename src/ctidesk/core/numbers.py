"""Phone numbers, parsed once at the edge into one shape every layer can rely on.

Sources disagree about formats (the phone sends what the PBX gave it, NFON sends E.164 digits
without ``+``, Zammad wants digits without ``+``), so every number is kept raw *and* classified.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

import phonenumbers
from pydantic import BaseModel, ConfigDict

ANONYMOUS_WORDS = frozenset(
    {
        "",
        "anonymous",
        "unknown",
        "private",
        "restricted",
        "unavailable",
        "withheld",
        "clip_no_screening",
    }
)
EXTENSION_MAX_DIGITS = 5
_DIAL_CHARS = re.compile(r"[^0-9+*#]")


class NumberKind(StrEnum):
    """What kind of party a number stands for."""

    E164 = "e164"
    EXTENSION = "extension"
    ANONYMOUS = "anonymous"
    SERVICE = "service"
    UNPARSEABLE = "unparseable"


class PhoneNumber(BaseModel):
    """A number as received (``raw``) and, where possible, as E.164 (``+4930123456``)."""

    model_config = ConfigDict(frozen=True)

    raw: str
    kind: NumberKind
    e164: str | None = None

    @property
    def digits(self) -> str:
        """E.164 without ``+`` (what Zammad and NFON want), else the dialable raw digits."""
        if self.e164:
            return self.e164.lstrip("+")
        if self.kind is NumberKind.ANONYMOUS:
            return "anonymous"
        return _DIAL_CHARS.sub("", self.raw)

    @property
    def key(self) -> str:
        """A stable identity for matching the same party across sources."""
        if self.e164:
            return self.e164
        if self.kind is NumberKind.ANONYMOUS:
            return "anonymous"
        return self.digits

    @property
    def is_anonymous(self) -> bool:
        return self.kind is NumberKind.ANONYMOUS

    def display(self) -> str:
        """International format for people (``+49 30 123456``), raw otherwise."""
        if self.e164:
            return _international(self.e164)
        if self.kind is NumberKind.ANONYMOUS:
            return "Anonymous"
        return self.raw

    def country(self) -> str | None:
        """ISO region code of the number (``DE``), when known."""
        return _region(self.e164) if self.e164 else None


# A ringing call's number is shown in the pop-up, the tray and the lists many times over; parsing
# it again each time cost a pop-up about 0.8 ms. Small on purpose: the live and recent calls'
# numbers. 4,096 entries, spread over the heap among short-lived objects, kept ~25 MB of Python
# arenas from being returned during 10,000 calls.
NUMBERS_CACHED = 128


@lru_cache(maxsize=NUMBERS_CACHED)
def _international(e164: str) -> str:
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


@lru_cache(maxsize=NUMBERS_CACHED)
def _region(e164: str) -> str | None:
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None
    return str(region) if region and region != "ZZ" else None


def parse_number(raw: str | None, default_region: str = "DE") -> PhoneNumber:
    """Classify and normalise a number from any source; never raises.

    Short digit strings are internal extensions and stay as they are. ``$remote`` style unfilled
    placeholders count as anonymous. NFON's ``global`` context numbers come without ``+`` or
    ``00``; pass ``assume_international`` digits through :func:`parse_global_number` instead.
    """
    text = (raw or "").strip()
    if text.lower() in ANONYMOUS_WORDS or text.startswith("$"):
        return PhoneNumber(raw=text, kind=NumberKind.ANONYMOUS)
    compact = re.sub(r"[\s\-()/.]", "", text)
    if compact.startswith("sip:"):
        compact = compact[4:].split("@", 1)[0]
    if compact.isdigit() and len(compact) <= EXTENSION_MAX_DIGITS:
        return PhoneNumber(raw=text, kind=NumberKind.EXTENSION)
    if compact.startswith("00") and compact[2:].isdigit():
        compact = "+" + compact[2:]
    if any(ch in compact for ch in "*#"):
        return PhoneNumber(raw=text, kind=NumberKind.SERVICE)
    try:
        parsed = phonenumbers.parse(compact, default_region.upper() or None)
    except phonenumbers.NumberParseException:
        return PhoneNumber(raw=text, kind=NumberKind.UNPARSEABLE)
    if not phonenumbers.is_possible_number(parsed):
        if compact.isdigit():
            return PhoneNumber(raw=text, kind=NumberKind.SERVICE)
        return PhoneNumber(raw=text, kind=NumberKind.UNPARSEABLE)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return PhoneNumber(raw=text, kind=NumberKind.E164, e164=str(e164))


def parse_global_number(digits: str | None, default_region: str = "DE") -> PhoneNumber:
    """Parse a number that a source states is international but sends without ``+`` (NFON)."""
    text = (digits or "").strip()
    if text.isdigit() and len(text) > EXTENSION_MAX_DIGITS and not text.startswith("0"):
        candidate = parse_number("+" + text, default_region)
        if candidate.kind is NumberKind.E164:
            return PhoneNumber(raw=text, kind=NumberKind.E164, e164=candidate.e164)
    return parse_number(text, default_region)


def dial_string(
    number: PhoneNumber, outside_line_prefix: str = "", default_region: str = "DE"
) -> str:
    """The digits a desk phone should dial for ``number``.

    National numbers are dialled in national format with the outside-line prefix; foreign numbers
    as ``00`` + E.164 digits; extensions and service codes unchanged.
    """
    if number.kind is not NumberKind.E164 or not number.e164:
        return _DIAL_CHARS.sub("", number.raw)
    parsed = phonenumbers.parse(number.e164, None)
    region = phonenumbers.region_code_for_number(parsed)
    if region == default_region.upper():
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        body = re.sub(r"\D", "", str(national))
    else:
        body = "00" + number.e164.lstrip("+")
    return outside_line_prefix + body
