"""What the phone's CTI API answers, parsed by plain functions over bytes and dicts.

The guide and real firmware disagree in small ways (three spellings of the remote-number key,
``acct`` as string or integer, ``active`` unreliable), so every reader here is tolerant and
never raises anything but the client's typed errors.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from ctidesk.clients.grandstream.errors import PhoneProtocolError

log = logging.getLogger(__name__)

REMOTE_NUMBER_KEYS = ("remotenumber", "remotenumner", "remotenum")


class PhoneFamily(StrEnum):
    """Model families that differ in the CTI functions they offer."""

    GXP = "gxp"
    GRP = "grp"
    DP = "dp"
    WP = "wp"


@dataclass(frozen=True, slots=True)
class FamilyTraits:
    """What a family offers; entries marked unconfirmed in the contract stay overridable."""

    line_status: bool
    phone_status: bool
    phone_operation: bool
    accounts: bool
    handsets: bool
    make_call_template: str | None
    hash_key: str
    star_key: str
    has_unhold: bool


FAMILY_TRAITS: dict[PhoneFamily, FamilyTraits] = {
    PhoneFamily.GXP: FamilyTraits(True, True, True, True, False, None, "#", "*", False),
    PhoneFamily.GRP: FamilyTraits(
        True, True, True, False, False, "phonenumber={number}", "HASH", "STAR", False
    ),
    PhoneFamily.DP: FamilyTraits(
        False, False, False, False, True, "hs={hs}&phonenumber={number}", "HASH", "STAR", True
    ),
    PhoneFamily.WP: FamilyTraits(True, True, True, False, False, None, "#", "*", False),
}


def family_from_model_name(text: str) -> PhoneFamily | None:
    """Family from a product name such as ``GXP2170`` or ``DP752`` found in any text."""
    upper = text.upper()
    for prefix, family in (
        ("GXP", PhoneFamily.GXP),
        ("GRP", PhoneFamily.GRP),
        ("DP7", PhoneFamily.DP),
        ("WP8", PhoneFamily.WP),
    ):
        if prefix in upper:
            return family
    return None


class LineState(StrEnum):
    """What a line is doing. As in every client: `LineState` is the enum, `LineStatus` the
    reading of one line that holds it."""

    IDLE = "idle"
    RINGING = "ringing"
    CONNECTED = "connected"
    ONHOLD = "onhold"
    CALLING = "calling"
    DIALING = "dialing"
    FAILED = "failed"
    UNKNOWN = "unknown"


def parse_line_state(raw: object) -> LineState:
    text = str(raw or "").strip().lower().replace(" ", "").replace("_", "")
    aliases = {"hold": LineState.ONHOLD, "ringback": LineState.CALLING, "": LineState.UNKNOWN}
    if text in aliases:
        return aliases[text]
    try:
        return LineState(text)
    except ValueError:
        log.info("phone reported an unknown line state %r; treated as busy", raw)
        return LineState.UNKNOWN


class _External(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class LineStatus(_External):
    """One line of `api-get_line_status`."""

    line: int
    state: LineState
    raw_state: str = ""
    account: str = ""
    active: bool = False
    remote_number: str = ""
    remote_name: str = ""

    @property
    def busy(self) -> bool:
        return self.state is not LineState.IDLE


class PhoneState(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    RINGING = "ringing"
    UNKNOWN = "unknown"


class PhoneStatus(_External):
    state: PhoneState
    raw: str = ""
    misc: str = ""


class Account(_External):
    """One entry of `api-get_accounts` (GXP)."""

    id: int
    sip_server: str = ""
    sip_id: str = ""
    name: str = ""
    registered: bool = False


class AccountStatus(_External):
    """`api-get_account_status` (DP75x)."""

    account: int
    registered: bool = False
    profile: str = ""
    active: bool = False
    hs_mode: str = ""


class HandsetStatus(_External):
    """`api-get_hs_status` (DP75x)."""

    hs: int
    initialized: bool = False
    subscribed: bool = False
    status: str = ""


class HandsetLine(_External):
    """One line of `api-get_hs_line_status` (DP75x)."""

    hs: int
    line: int
    state: LineState
    raw_state: str = ""
    account: str = ""
    registered: bool = False
    active: bool = False

    @property
    def busy(self) -> bool:
        return self.state is not LineState.IDLE


def decode_reply(function: str, status_code: int, content: bytes) -> dict[str, Any]:
    """The JSON envelope of a reply, whatever the Content-Type says.

    Raises `PhoneProtocolError` for anything that is not a JSON object; callers decide what
    ``response: error`` means for their function.
    """
    text = content.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        shown = text[:60].replace("\n", " ") or "an empty reply"
        raise PhoneProtocolError(function, f"HTTP {status_code}, not JSON: {shown!r}") from None
    if not isinstance(data, dict):
        raise PhoneProtocolError(function, f"HTTP {status_code}, JSON {type(data).__name__}")
    return data


def is_unauthorized(status_code: int, content: bytes) -> bool:
    """Whether a reply says "Unauthorized" in any of the shapes firmware uses."""
    if status_code == 401:
        return True
    text = content[:400].decode("utf-8", errors="replace").lower()
    return "unauthorized" in text or "unauthorised" in text


def _as_int(value: object, default: int = 0) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return default


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return str(value).strip().lower() in {"1", "true", "yes", "on", "registered"}


def _as_text(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def parse_line_status(body: object) -> list[LineStatus]:
    """Lines of `api-get_line_status`; malformed entries are skipped, never invented."""
    if not isinstance(body, list):
        raise PhoneProtocolError("api-get_line_status", f"body is {type(body).__name__}")
    lines: list[LineStatus] = []
    for index, item in enumerate(body, start=1):
        if not isinstance(item, dict):
            continue
        remote = next((item[k] for k in REMOTE_NUMBER_KEYS if k in item), "")
        raw_state = _as_text(item.get("state"))
        lines.append(
            LineStatus(
                line=_as_int(item.get("line"), index),
                state=parse_line_state(raw_state),
                raw_state=raw_state,
                account=_as_text(item.get("acct")),
                active=_as_bool(item.get("active", 0)),
                remote_number=_as_text(remote),
                remote_name=_as_text(item.get("remotename")),
            )
        )
    return lines


def parse_phone_status(envelope: dict[str, Any]) -> PhoneStatus:
    raw = _as_text(envelope.get("body"))
    try:
        state = PhoneState(raw.lower())
    except ValueError:
        state = PhoneState.UNKNOWN
    return PhoneStatus(state=state, raw=raw, misc=_as_text(envelope.get("misc")))


def parse_accounts(body: object) -> list[Account]:
    if not isinstance(body, list):
        raise PhoneProtocolError("api-get_accounts", f"body is {type(body).__name__}")
    return [
        Account(
            id=_as_int(item.get("id"), index),
            sip_server=_as_text(item.get("sip_server")),
            sip_id=_as_text(item.get("sip_id")),
            name=_as_text(item.get("name")),
            registered=_as_bool(item.get("reg", 0)),
        )
        for index, item in enumerate(body, start=1)
        if isinstance(item, dict)
    ]


def _model_key(envelope: dict[str, Any], prefix: str, number: int, function: str) -> dict[str, Any]:
    """DP functions put their data under ``Account1``/``HS1`` (next to or inside ``body``)."""
    wanted = f"{prefix}{number}".lower()
    for container in (envelope, envelope.get("body")):
        if isinstance(container, dict):
            for key, value in container.items():
                if str(key).lower() == wanted and isinstance(value, dict):
                    return value
    raise PhoneProtocolError(function, f"no {prefix}{number} in the reply")


def _get(data: dict[str, Any], name: str) -> object:
    """A key regardless of its capitalisation (the DP guide capitalises, captures may not)."""
    if name in data:
        return data[name]
    lowered = name.lower()
    return next((v for k, v in data.items() if k.lower() == lowered), None)


def parse_account_status(envelope: dict[str, Any], account: int) -> AccountStatus:
    data = _model_key(envelope, "Account", account, "api-get_account_status")
    return AccountStatus(
        account=account,
        registered=_as_bool(_get(data, "Registered") or 0),
        profile=_as_text(_get(data, "Profile")),
        active=_as_bool(_get(data, "Active") or 0),
        hs_mode=_as_text(_get(data, "HSMode")),
    )


def parse_hs_status(envelope: dict[str, Any], hs: int) -> HandsetStatus:
    data = _model_key(envelope, "HS", hs, "api-get_hs_status")
    return HandsetStatus(
        hs=hs,
        initialized=_as_bool(_get(data, "initialized") or 0),
        subscribed=_as_bool(_get(data, "subscribed") or 0),
        status=_as_text(_get(data, "status")),
    )


def parse_hs_line_status(envelope: dict[str, Any], hs: int) -> list[HandsetLine]:
    data = _model_key(envelope, "HS", hs, "api-get_hs_line_status")
    lines: list[HandsetLine] = []
    for key, value in data.items():
        if not (isinstance(value, dict) and key.lower().startswith("line")):
            continue
        number = _as_int(key[4:], 0)
        if number <= 0:
            continue
        raw_state = _as_text(_get(value, "Status"))
        lines.append(
            HandsetLine(
                hs=hs,
                line=number,
                state=parse_line_state(raw_state),
                raw_state=raw_state,
                account=_as_text(_get(value, "Account")),
                registered=_as_bool(_get(value, "Registered") or 0),
                active=_as_bool(_get(value, "Active") or 0),
            )
        )
    return sorted(lines, key=lambda line: line.line)


def handset_lines_as_line_status(lines: list[HandsetLine]) -> list[LineStatus]:
    """DP handset lines in the common shape (the DP API carries no remote number)."""
    return [
        LineStatus(
            line=line.line,
            state=line.state,
            raw_state=line.raw_state,
            account=line.account,
            active=line.active,
        )
        for line in lines
    ]
