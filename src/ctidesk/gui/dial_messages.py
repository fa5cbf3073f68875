"""The sentences of `dialing` and `uri` in the user's language.

Those modules are pure (no Qt) and say what is odd or wrong in plain English; this is where the
GUI translates them before showing them. Each English sentence is matched exactly, so a sentence
added there without a pattern here is shown as it is (in English), never garbled.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "DialMessages"
FIXED = (
    QT_TRANSLATE_NOOP("DialMessages", "it contains letters, dialled as keypad digits"),
    QT_TRANSLATE_NOOP("DialMessages", "it is not a valid phone number"),
    QT_TRANSLATE_NOOP("DialMessages", "it is an emergency number"),
    QT_TRANSLATE_NOOP("DialMessages", "it is too short"),
    QT_TRANSLATE_NOOP("DialMessages", "it is too short for an outside number"),
    QT_TRANSLATE_NOOP("DialMessages", "nothing to dial: select or type a phone number first"),
    QT_TRANSLATE_NOOP(
        "DialMessages", "the link's number is not valid text; copy the number instead"
    ),
    QT_TRANSLATE_NOOP("DialMessages", "the link holds no number to dial"),
)


def _patterns() -> list[tuple[re.Pattern[str], str]]:
    translate = QCoreApplication.translate
    return [
        (
            re.compile(r"^the text holds (\d+) numbers; this is the first$"),
            translate("DialMessages", "the text holds %1 numbers; this is the first"),
        ),
        (
            re.compile(r"^(.+) holds no digits to dial$"),
            translate("DialMessages", "%1 holds no digits to dial"),
        ),
        (
            re.compile(
                r"^(.+): links cannot be dialled; use a tel: or callto: link or a plain number$"
            ),
            translate(
                "DialMessages",
                "%1: links cannot be dialled; use a tel: or callto: link or a plain number",
            ),
        ),
        (
            re.compile(
                r"^(.+) is not a phone number \(only digits, letters, \+, \* and # are allowed\)$"
            ),
            translate(
                "DialMessages",
                "%1 is not a phone number (only digits, letters, +, * and # are allowed)",
            ),
        ),
        (
            re.compile(r"^the number in the link is longer than (\d+) digits$"),
            translate("DialMessages", "the number in the link is longer than %1 digits"),
        ),
    ]


def translated(sentence: str) -> str:
    """``sentence`` from `plan_dial` or `parse_dial_uri`, in the language installed now."""
    for pattern, text in _patterns():
        found = pattern.match(sentence)
        if found:
            return text.replace("%1", found.group(1))
    return QCoreApplication.translate(CONTEXT, sentence)
