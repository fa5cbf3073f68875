"""`tel:` and `callto:` links as browsers and mail programs hand them over.

Pure functions over strings, so they can be fuzzed. RFC 3966 `tel:` URIs carry visual separators
and parameters (`;phone-context=`, `;ext=`); `callto:` (Skype heritage) may have `//` in front.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

DIAL_SCHEMES = ("tel", "callto", "sip", "sips")
_VISUAL_SEPARATORS = re.compile(r"[\s\-.()/\u00a0]")
_DIALABLE = re.compile(r"^\+?[0-9A-Za-z*#]+$")
MAX_NUMBER_LENGTH = 32


class DialUriError(ValueError):
    """The link does not hold a number to dial; the message says why."""


@dataclass(frozen=True)
class DialTarget:
    """What a dial link asks for: the number text (``+4930123``) and an optional extension.

    The extension is kept apart: it is reached after the call connects, never dialled with it.
    """

    number: str
    extension: str = ""


def is_dial_uri(text: str) -> bool:
    """Whether a command-line argument is a dial link rather than a plain number."""
    scheme, sep, _ = text.strip().partition(":")
    return bool(sep) and scheme.lower() in DIAL_SCHEMES


def parse_dial_uri(uri: str) -> DialTarget:
    """Extract the number from a `tel:`/`callto:`/`sip:` link; raises `DialUriError`.

    A plain number (no scheme) is accepted too, so `ctidesk dial` treats both alike.
    """
    text = uri.strip()
    scheme, sep, rest = text.partition(":")
    if sep and scheme.lower() in DIAL_SCHEMES:
        body = rest
        if scheme.lower() in ("sip", "sips"):
            body = body.split("@", 1)[0]
    elif sep and not scheme.replace("+", "").isdigit():
        raise DialUriError(
            f"{scheme}: links cannot be dialled; use a tel: or callto: link or a plain number"
        )
    else:
        body = text
    body = body.lstrip("/")
    body = body.split("?", 1)[0]
    try:
        body = unquote(body, errors="strict")
    except UnicodeDecodeError as exc:
        raise DialUriError("the link's number is not valid text; copy the number instead") from exc
    main, *params = body.split(";")
    extension = ""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() in ("ext", "postd", "extension"):
            extension = _VISUAL_SEPARATORS.sub("", value)
    number = _VISUAL_SEPARATORS.sub("", main)
    if not number:
        raise DialUriError("the link holds no number to dial")
    if not _DIALABLE.match(number) or (extension and not extension.isdigit()):
        raise DialUriError(
            f"{number!r} is not a phone number (only digits, letters, +, * and # are allowed)"
        )
    if len(number) + len(extension) > MAX_NUMBER_LENGTH:
        raise DialUriError(f"the number in the link is longer than {MAX_NUMBER_LENGTH} digits")
    return DialTarget(number=number, extension=extension)
