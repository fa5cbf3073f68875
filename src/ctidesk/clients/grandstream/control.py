"""`PhoneControl` for a Grandstream phone: the agent's buttons mapped onto each model family.

GXP/GRP/WP use ``api-phone_operation`` (hold is a toggle there, so resume re-reads the line
first); DP75x uses ``api-device_operation`` with handset and line. After every command the line
status is read again, because the phone's reply only says that it accepted the command.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from ctidesk.clients.grandstream.client import (
    DeviceOperation,
    GrandstreamClient,
    PhoneOperation,
    digits_to_keys,
)
from ctidesk.clients.grandstream.errors import (
    AllLinesBusy,
    DndStateUnknown,
    GrandstreamError,
    NoMatchingLine,
    PhoneFunctionMissing,
    PhoneNotConfigured,
    PhoneProtocolError,
    PhoneRefused,
)
from ctidesk.clients.grandstream.models import LineState, LineStatus
from ctidesk.core.calls import Call
from ctidesk.core.numbers import PhoneNumber, dial_string, parse_number

if TYPE_CHECKING:
    from ctidesk.core.ports import PhoneControl

log = logging.getLogger(__name__)

LinesListener = Callable[[list[LineStatus]], None]
MAX_LINE_KEY = 8  # api-send_key knows LINE1 to LINE8


def _free_line_key(lines: list[LineStatus], preferred: int) -> int:
    """The line key to dial on: ``preferred`` when its line is idle (or the lines are unknown),
    else the next idle line after it, wrapping round; `AllLinesBusy` when none is idle."""
    if not lines:
        return preferred
    idle = sorted(
        line.line
        for line in lines
        if line.state is LineState.IDLE and 1 <= line.line <= MAX_LINE_KEY
    )
    if preferred in idle:
        return preferred
    if not idle:
        raise AllLinesBusy(len(lines))
    later = [number for number in idle if number > preferred]
    return later[0] if later else idle[0]


class GrandstreamPhoneControl:
    """Answer, reject, hold, resume, end, dial and DND on the agent's Grandstream phone."""

    def __init__(
        self,
        client: GrandstreamClient,
        *,
        default_region: str = "DE",
        outside_line_prefix: str = "",
        default_account: int = 1,
        on_lines: LinesListener | None = None,
        dnd: bool | None = None,
    ) -> None:
        self.client = client
        self._region = default_region
        self._prefix = outside_line_prefix
        self._account = default_account
        self._on_lines = on_lines
        self._dnd = dnd

    @property
    def dnd(self) -> bool | None:
        """Do Not Disturb as last seen (Action URL, session read or own command); None: unknown."""
        return self._dnd

    def note_dnd(self, enabled: bool) -> None:
        """Feed from the Action URL listener's ``on_dnd``."""
        self._dnd = enabled

    async def lines(self) -> list[LineStatus]:
        return await self.client.read_lines()

    async def _pick(self, call: Call | None, states: set[LineState], what: str) -> LineStatus:
        """The line a command is meant for: the call's own line, else the caller's number,
        else the first line in a fitting state."""
        lines = [line for line in await self.lines() if line.state in states]
        if not lines:
            raise NoMatchingLine(what)
        if call is not None:
            if call.line is not None:
                for line in lines:
                    if line.line == call.line:
                        return line
            for line in lines:
                if line.remote_number and parse_number(line.remote_number, self._region).key == (
                    call.remote.key
                ):
                    return line
        return lines[0]

    async def _after(self) -> list[LineStatus]:
        try:
            lines = await self.lines()
        except GrandstreamError as exc:
            log.info("re-reading the line status after a command failed: %s", exc)
            return []
        if self._on_lines is not None:
            try:
                self._on_lines(lines)
            except Exception:
                log.exception("line status listener failed")
        return lines

    async def _is_dp(self) -> bool:
        return (await self.client.traits()).handsets

    async def answer(self, call: Call) -> None:
        line = await self._pick(call, {LineState.RINGING}, "answer")
        if await self._is_dp():
            await self.client.device_operation(DeviceOperation.ACCEPT, line=line.line)
        else:
            await self.client.phone_operation(PhoneOperation.ACCEPT)
        await self._after()

    async def reject(self, call: Call) -> None:
        line = await self._pick(call, {LineState.RINGING}, "reject")
        if await self._is_dp():
            await self.client.device_operation(DeviceOperation.REJECT, line=line.line)
        else:
            await self.client.phone_operation(PhoneOperation.REJECT)
        await self._after()

    async def hold(self, call: Call) -> None:
        line = await self._pick(call, {LineState.CONNECTED}, "put on hold")
        if await self._is_dp():
            await self.client.device_operation(DeviceOperation.HOLD, line=line.line)
        else:
            await self.client.phone_operation(PhoneOperation.HOLD)
        await self._after()

    async def resume(self, call: Call) -> None:
        line = await self._pick(call, {LineState.ONHOLD}, "resume")
        if await self._is_dp():
            await self.client.device_operation(DeviceOperation.UNHOLD, line=line.line)
        else:
            # GXP/GRP have no documented unhold: holdcall on a held line toggles it back.
            await self.client.phone_operation(PhoneOperation.HOLD)
        await self._after()

    async def end(self, call: Call) -> None:
        busy = {
            LineState.RINGING,
            LineState.CONNECTED,
            LineState.ONHOLD,
            LineState.CALLING,
            LineState.DIALING,
            LineState.FAILED,
            LineState.UNKNOWN,
        }
        line = await self._pick(call, busy, "end")
        dp = await self._is_dp()
        if line.state is LineState.RINGING:
            if dp:
                await self.client.device_operation(DeviceOperation.REJECT, line=line.line)
            else:
                await self.client.phone_operation(PhoneOperation.REJECT)
        elif line.state in (LineState.CALLING, LineState.DIALING, LineState.FAILED):
            if dp:
                await self.client.device_operation(DeviceOperation.CANCEL, line=line.line)
            else:
                await self.client.phone_operation(PhoneOperation.CANCEL)
        elif dp:
            await self.client.device_operation(DeviceOperation.END, line=line.line)
        else:
            await self.client.phone_operation(PhoneOperation.END)
        await self._after()

    async def dial(self, number: PhoneNumber, account: int | None = None) -> None:
        """Dial via ``api-make_call`` where the family has it (or a template is configured),
        else with keys: ``LINE<n>``, the digits, ``SEND``.

        The line is read first. With ``api-make_call`` the phone picks a line itself; with keys
        the account's own line key is used when that line is idle, else the next free line
        (pressing the key of a ringing line would answer that call, of a held line resume it).
        When no line is free the phone is not touched and `AllLinesBusy` says so.
        """
        digits = dial_string(number, self._prefix, self._region)
        if not digits:
            raise PhoneNotConfigured(f"{number.raw!r} has no digits to dial")
        chosen = account or self._account
        traits = await self.client.traits()
        lines = await self._lines_before_dial()
        try:
            if self.client.make_call_template or traits.make_call_template:
                if lines and not any(line.state is LineState.IDLE for line in lines):
                    raise AllLinesBusy(len(lines))
                await self.client.make_call(digits, account=chosen)
            else:
                line_key = _free_line_key(lines, chosen)
                await self.client.send_keys([f"LINE{line_key}", *digits_to_keys(digits), "SEND"])
        except PhoneRefused:
            # The lines may have filled up between reading and dialling: say so if they did.
            after = await self._lines_before_dial()
            if after and not any(line.state is LineState.IDLE for line in after):
                raise AllLinesBusy(len(after)) from None
            raise
        await self._after()

    async def _lines_before_dial(self) -> list[LineStatus]:
        """The line status, or ``[]`` when this phone cannot tell (dialling goes ahead then)."""
        try:
            return await self.lines()
        except (PhoneProtocolError, PhoneFunctionMissing, PhoneRefused) as exc:
            log.info("line status unknown before dialling: %s", exc)
            return []

    async def set_dnd(self, enabled: bool) -> None:
        if await self._is_dp():
            cmd = DeviceOperation.SET_DND if enabled else DeviceOperation.UNSET_DND
            await self.client.device_operation(cmd)
            self._dnd = enabled
            return
        current = await self._read_dnd()
        if current is None:
            raise DndStateUnknown()
        if current != enabled:
            await self.client.send_keys(["DND"])
        self._dnd = enabled
        if self.client.auth == "session":
            confirmed = await self._read_dnd()
            if confirmed is not None and confirmed != enabled:
                raise DndStateUnknown()

    async def _read_dnd(self) -> bool | None:
        if self.client.auth == "session":
            values = await self.client.config_get([":dnd"])
            raw = values.get(":dnd", "")
            if raw in ("0", "1"):
                self._dnd = raw == "1"
        return self._dnd


if TYPE_CHECKING:

    def _implements_the_port(control: GrandstreamPhoneControl) -> PhoneControl:
        return control
