"""What a dial request becomes before it reaches the phone: normalised, and flagged when odd.

Pure functions, no Qt: the bridge asks here whether to dial at once or show a confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ctidesk.core.numbers import NumberKind, PhoneNumber, parse_number
from ctidesk.gui.uri import DialUriError, is_dial_uri, parse_dial_uri

MIN_EXTERNAL_DIGITS = 6
MIN_EXTENSION_DIGITS = 3
EMERGENCY_NUMBERS = frozenset({"110", "112", "911", "999", "000"})
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^0-9\s]")
_LETTERS = re.compile(r"[^\W\d_]")
_NUMBER_RUN = re.compile(r"(?<![\w+])\+?\d[\d \-/().\u00a0]{4,}\d(?!\w)")
_KEYPAD = {
    **dict.fromkeys("ABC", "2"),
    **dict.fromkeys("DEF", "3"),
    **dict.fromkeys("GHI", "4"),
    **dict.fromkeys("JKL", "5"),
    **dict.fromkeys("MNO", "6"),
    **dict.fromkeys("PQRS", "7"),
    **dict.fromkeys("TUV", "8"),
    **dict.fromkeys("WXYZ", "9"),
}


@dataclass(frozen=True)
class DialPlan:
    """A number ready to dial, and why it should be confirmed first (empty: dial at once)."""

    text: str
    number: PhoneNumber
    doubts: tuple[str, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.doubts)


class NothingToDial(ValueError):
    """The text holds no number; the message says what to select or type instead."""


def plan_dial(text: str, default_region: str = "DE") -> DialPlan:
    """Turn selected text, a typed number or a dial link into a `DialPlan`; raises `NothingToDial`.

    Letters are mapped to keypad digits (vanity numbers) but always confirmed; very short numbers
    (other than internal extensions typed on purpose) and unparseable ones are confirmed as well.
    """
    raw = " ".join(text.split())
    if not raw:
        raise NothingToDial("nothing to dial: select or type a phone number first")
    candidate = raw
    if is_dial_uri(raw) or (_URI.match(raw) and " " not in raw):
        try:
            candidate = parse_dial_uri(raw).number
        except DialUriError as exc:
            raise NothingToDial(str(exc)) from exc
    doubts: list[str] = []
    if _LETTERS.search(candidate):
        runs = _NUMBER_RUN.findall(candidate)
        if runs:
            if len(runs) > 1:
                doubts.append(f"the text holds {len(runs)} numbers; this is the first")
            candidate = runs[0]
        elif re.search(r"\d", candidate):
            doubts.append("it contains letters, dialled as keypad digits")
            candidate = "".join(_KEYPAD.get(ch.upper(), ch) for ch in candidate)
    if not re.search(r"\d", candidate):
        raise NothingToDial(f"{raw[:40]!r} holds no digits to dial")
    number = parse_number(candidate, default_region)
    digits = re.sub(r"\D", "", candidate)
    if number.kind is NumberKind.UNPARSEABLE:
        doubts.append("it is not a valid phone number")
    elif digits in EMERGENCY_NUMBERS:
        doubts.append("it is an emergency number")
    elif number.kind is NumberKind.EXTENSION and len(digits) < MIN_EXTENSION_DIGITS:
        doubts.append("it is too short")
    elif number.kind is NumberKind.SERVICE and len(digits) < MIN_EXTERNAL_DIGITS:
        doubts.append("it is too short for an outside number")
    return DialPlan(text=raw, number=number, doubts=tuple(doubts))
