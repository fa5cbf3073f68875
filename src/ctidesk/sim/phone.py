"""Grandstream phone simulator: the CTI API, the web-UI session and Action URLs, with the quirks.

Faithful to `contracts/grandstream.md` section 7: per-model profiles (remote-number key spelling,
line count, ``acct`` type, key set, ``api-make_call`` variants), a per-line call state machine,
DND, the "pop-up window support on" mode that answers "Unauthorized", the SHA-256 web login with
lockout, and an Action URL emitter that sends requests the way a real phone does (raw spaces,
unencoded ``+``, literal ``$name`` for what it cannot fill). Binds 127.0.0.1 only. Python
control methods drive it from tests and the demo; ``/sim/...`` does the same over HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
import secrets
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal
from urllib.parse import unquote

from aiohttp import web

log = logging.getLogger(__name__)

Family = Literal["gxp", "grp", "dp", "wp"]
LoginFamily = Literal["A", "C"]
UnreachableMode = Literal["off", "stall", "drop"]
WEB_PAGE = (
    "<!DOCTYPE html><html><head><title>Login</title></head>"
    "<body><form action='/login'><input name='password'></form></body></html>"
)
MAX_ACTION_URL_LENGTH = 256
MAX_LOGIN_FAILURES = 5

_BASE_KEYS = frozenset(
    {"SPEAKER", "XFER", "VUP", "VDOWN", "MUTE", "HOLD", "CONF", "VM", "HEADSET", "DND", "SEND"}
    | {str(d) for d in range(10)}
    | {f"LINE{n}" for n in range(1, 9)}
    | {f"SOFT{n}" for n in range(1, 5)}
    | {f"MPK{n}" for n in range(1, 25)}
)
_DP_GRP_KEYS = frozenset(
    {"LEFT_SOFT_KEY", "RIGHT_SOFT_KEY", "STAR", "HASH", "ONHOOK", "OFFHOOK", "OK", "LOCK"}
    | {"UNLOCK", "UP", "DOWN", "LEFT", "RIGHT"}
)

DESK_EVENTS = frozenset(
    {
        "setup_completed",
        "registered",
        "unregistered",
        "off_hook",
        "on_hook",
        "incoming_call",
        "outgoing_call",
        "missed_call",
        "established_call",
        "terminated_call",
        "open_dnd",
        "close_dnd",
        "open_forward",
        "close_forward",
        "blind_transfer",
        "attended_transfer",
        "hold_call",
        "unhold_call",
    }
)
WP_EVENTS = DESK_EVENTS | {"rejected_call", "busy", "idle", "answered_call"}

ACTION_URL_PVALUES = {
    "8304": "setup_completed",
    "8305": "registered",
    "8306": "unregistered",
    "8308": "off_hook",
    "8309": "on_hook",
    "8310": "incoming_call",
    "8311": "outgoing_call",
    "8312": "missed_call",
    "8313": "established_call",
    "8314": "terminated_call",
    "8315": "rejected_call",
    "8316": "open_dnd",
    "8317": "close_dnd",
    "8318": "open_forward",
    "8319": "close_forward",
    "8320": "blind_transfer",
    "8321": "attended_transfer",
    "8324": "hold_call",
    "8325": "unhold_call",
    "8328": "busy",
    "8329": "idle",
    "22171": "answered_call",
}
EVENT_PVALUES = {event: pvalue for pvalue, event in ACTION_URL_PVALUES.items()}

_VARIABLE = re.compile(r"\$([A-Za-z_]+(?:-id)?)")


@dataclass(frozen=True)
class PhoneProfile:
    """How one model family answers; every difference the contract lists is a field here."""

    product: str
    family: Family
    lines: int
    remote_key: Literal["remotenumber", "remotenumner", "remotenum"]
    acct_as_int: bool
    active_reliable: bool
    keys: frozenset[str]
    make_call_variants: tuple[frozenset[str], ...]
    functions: frozenset[str]
    events: frozenset[str]
    login_family: LoginFamily
    fills_call_id: bool = False
    has_unhold: bool = False
    ringing_phone_status: bool = False
    handsets: int = 0
    firmware: str = "1.0.11.10"


_COMMON = frozenset({"api-send_key", "api-sys_operation"})
_LINE_FUNCS = frozenset({"api-get_line_status", "api-get_phone_status", "api-phone_operation"})
_DP_FUNCS = frozenset(
    {
        "api-get_account_status",
        "api-get_hs_status",
        "api-get_hs_line_status",
        "api-device_operation",
        "api-make_call",
    }
)
_GXP_MAKE_CALL = (
    frozenset({"phonenumber", "account", "password"}),
    frozenset({"username", "password", "phonenumber", "account"}),
    frozenset({"phonenumber", "account", "login", "password"}),
)

PROFILES: dict[str, PhoneProfile] = {
    "gxp": PhoneProfile(
        product="GXP2170",
        family="gxp",
        lines=4,
        remote_key="remotenumner",
        acct_as_int=True,
        active_reliable=True,
        keys=_BASE_KEYS | {"*", "#"},
        make_call_variants=_GXP_MAKE_CALL,
        functions=_COMMON | _LINE_FUNCS | {"api-get_accounts", "api-make_call"},
        events=DESK_EVENTS,
        login_family="C",
    ),
    "gxp16": PhoneProfile(
        product="GXP1625",
        family="gxp",
        lines=3,
        remote_key="remotenum",
        acct_as_int=False,
        active_reliable=True,
        keys=_BASE_KEYS | {"*", "#"},
        make_call_variants=(),
        functions=_COMMON | _LINE_FUNCS | {"api-get_accounts"},
        events=DESK_EVENTS,
        login_family="A",
    ),
    "grp": PhoneProfile(
        product="GRP2614",
        family="grp",
        lines=4,
        remote_key="remotenumber",
        acct_as_int=False,
        active_reliable=True,
        keys=_BASE_KEYS | _DP_GRP_KEYS | {"*", "#"},
        make_call_variants=(frozenset({"passcode", "phonenumber"}),),
        functions=_COMMON | _LINE_FUNCS | {"api-make_call"},
        events=DESK_EVENTS,
        login_family="C",
    ),
    "dp": PhoneProfile(
        product="DP752",
        family="dp",
        lines=10,
        remote_key="remotenumber",
        acct_as_int=False,
        active_reliable=True,
        keys=_BASE_KEYS | _DP_GRP_KEYS,
        make_call_variants=(frozenset({"passcode", "hs", "phonenumber"}),),
        functions=_COMMON | _DP_FUNCS,
        events=DESK_EVENTS,
        login_family="C",
        has_unhold=True,
        handsets=2,
    ),
    "wp": PhoneProfile(
        product="WP826",
        family="wp",
        lines=8,
        remote_key="remotenumber",
        acct_as_int=True,
        active_reliable=False,
        keys=_BASE_KEYS | _DP_GRP_KEYS | {"*", "#"},
        make_call_variants=(),
        functions=_COMMON | _LINE_FUNCS,
        events=WP_EVENTS,
        login_family="C",
        fills_call_id=True,
        ringing_phone_status=True,
        firmware="1.0.3.35",
    ),
}


@dataclass
class SimLine:
    number: int
    state: str = "idle"
    remote_number: str = ""
    remote_name: str = ""
    account: int = 1
    call_id: str = ""
    direction: str = ""
    handset: int = 1
    started: float = 0.0
    digits: str = ""

    def clear(self) -> None:
        self.state, self.remote_number, self.remote_name = "idle", "", ""
        self.call_id, self.direction, self.started, self.digits = "", "", 0.0, ""


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    raw_query: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class Dialed:
    number: str
    via: str
    line: int
    account: int


@dataclass
class FiredActionUrl:
    event: str
    url: str
    request_line: str = ""
    status: int | None = None
    error: str = ""


@dataclass
class _WebSession:
    user: str
    role: str
    last_seen: float


@dataclass
class _LoginState:
    failures: int = 0
    locked_until: float = 0.0
    nonce: str = ""


class SimStateError(Exception):
    """A control method was used in a state where the real phone could not do it."""


class PhoneSimulator:
    """One Grandstream phone on 127.0.0.1. ``profile`` is a key of `PROFILES` or a profile."""

    def __init__(
        self,
        *,
        profile: str | PhoneProfile = "gxp",
        passcode: str = "admin-pass",
        username: str = "admin",
        mac: str = "000b82a1b2c3",
        local_number: str = "1001",
        local_name: str = "Agent",
        popup_window_support: bool = False,
        unauthorized_status: int = 200,
        action_url_delay: float = 0.0,
        auto_answer_outgoing: float | None = 0.05,
        session_idle_seconds: float = 60.0,
        ignore_config_writes: bool = False,
        odd_headers: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.profile = PROFILES[profile] if isinstance(profile, str) else profile
        self.passcode = passcode
        self.username = username
        self.mac = mac
        self.local_number = local_number
        self.local_name = local_name
        self.popup_window_support = popup_window_support
        self.unauthorized_status = unauthorized_status
        self.action_url_delay = action_url_delay
        self.auto_answer_outgoing = auto_answer_outgoing
        self.session_idle_seconds = session_idle_seconds
        self.ignore_config_writes = ignore_config_writes
        self.odd_headers = odd_headers
        self._ssl = ssl_context
        self._host = host
        self._port = port
        self.base_url = ""
        self.lines = [SimLine(n) for n in range(1, self.profile.lines + 1)]
        self.dnd = False
        self.muted = False
        self.requests: list[RecordedRequest] = []
        self.dialed: list[Dialed] = []
        self.pressed: list[str] = []
        self.fired: list[FiredActionUrl] = []
        self.system_requests: list[str] = []
        self.action_urls: dict[str, str] = {}
        self.config: dict[str, str] = {"P2": self.passcode}
        self.unreachable: UnreachableMode = "off"
        self.answer_html = False
        """Every request gets a web page instead of the API (another device at the address,
        a captive portal, or a firmware with the API switched off)."""
        self._sessions: dict[str, _WebSession] = {}
        self._logins: dict[str, _LoginState] = {}
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._call_counter = 0
        self._last_send: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def address(self) -> str:
        """``host:port`` as the agent types it into [phone] address."""
        return self.base_url.split("://", 1)[1] if self.base_url else ""

    async def start(self) -> str:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_route("*", "/cgi-bin/access", self._access)
        app.router.add_route("*", "/cgi-bin/dologin", self._dologin)
        app.router.add_route("*", "/cgi-bin/dorefresh", self._dorefresh)
        app.router.add_route("*", "/cgi-bin/dologout", self._dologout)
        app.router.add_get("/cgi-bin/config_get", self._config_get)
        app.router.add_route("*", "/cgi-bin/config_update", self._config_update)
        app.router.add_route("*", "/cgi-bin/{function}", self._cti)
        app.router.add_get("/json/configs/model.define.js", self._model_define)
        app.router.add_post("/sim/ring", self._sim_ring)
        app.router.add_post("/sim/hangup", self._sim_hangup)
        app.router.add_post("/sim/remote_answer", self._sim_remote_answer)
        app.router.add_post("/sim/dnd", self._sim_dnd)
        app.router.add_post("/sim/action_urls", self._sim_action_urls)
        app.router.add_post("/sim/unreachable", self._sim_unreachable)
        app.router.add_get("/sim/state", self._sim_state)
        app.router.add_get("/sim/requests", self._sim_requests)
        app.router.add_get("/sim/fired", self._sim_fired)
        self._wake = asyncio.Event()
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port, ssl_context=self._ssl)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self._port = port
        scheme = "https" if self._ssl else "http"
        self.base_url = f"{scheme}://{self._host}:{port}"
        return self.base_url

    async def stop(self) -> None:
        self._wake.set()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def drain(self, within: float = 2.0) -> None:
        """Wait until every Action URL request and scripted step in flight has finished."""
        deadline = time.monotonic() + within
        while self._tasks and time.monotonic() < deadline:
            await asyncio.wait(set(self._tasks), timeout=max(0.0, deadline - time.monotonic()))

    def _spawn(self, coroutine: Awaitable[None]) -> asyncio.Task[None]:
        async def run() -> None:
            await coroutine

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path.startswith("/sim/"):
            return await handler(request)
        body = await request.text() if request.can_read_body else ""
        self.requests.append(
            RecordedRequest(
                request.method,
                request.path,
                request.rel_url.raw_query_string,
                list(request.query.items()),
                dict(request.headers),
                body,
            )
        )
        if self.unreachable == "stall":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 30.0)
            raise web.HTTPServiceUnavailable()
        if self.unreachable == "drop":
            if request.transport is not None:
                request.transport.abort()
            raise web.HTTPServiceUnavailable()
        if self.answer_html:
            return web.Response(text=WEB_PAGE, content_type="text/html")
        response = await handler(request)
        if self.odd_headers:
            response.headers.add("Set-Cookie", "HttpOnly")
        return response

    def requests_to(self, function: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/" + function)]

    # ------------------------------------------------------------------ control (Python)

    def line(self, number: int) -> SimLine:
        return self.lines[number - 1]

    def busy_lines(self) -> list[SimLine]:
        return [line for line in self.lines if line.state != "idle"]

    def _free_line(self, wanted: int | None = None) -> SimLine:
        if wanted is not None:
            line = self.line(wanted)
            if line.state != "idle":
                raise SimStateError(f"line {wanted} is {line.state}")
            return line
        for line in self.lines:
            if line.state == "idle":
                return line
        raise SimStateError("all lines are busy")

    def _find(self, *states: str, line: int | None = None, handset: int | None = None) -> SimLine:
        if line is not None:
            chosen = self.line(line)
            if chosen.state in states and (handset is None or chosen.handset == handset):
                return chosen
            raise SimStateError(f"line {line} is {chosen.state}, not {'/'.join(states)}")
        for candidate in self.lines:
            if candidate.state in states and (handset is None or candidate.handset == handset):
                return candidate
        raise SimStateError(f"no line is {'/'.join(states)}")

    def _new_call_id(self) -> str:
        self._call_counter += 1
        return f"{secrets.token_hex(6)}-{self._call_counter}@127.0.0.1"

    def ring(
        self,
        number: str,
        name: str = "",
        line: int | None = None,
        *,
        account: int = 1,
        handset: int = 1,
    ) -> int | None:
        """An incoming call; returns the line, or None when DND turned it away."""
        if self.dnd:
            log.info("sim phone: DND on, call from %s not presented", number)
            return None
        chosen = self._free_line(line)
        chosen.state = "ringing"
        chosen.remote_number = number
        chosen.remote_name = name
        chosen.account = account
        chosen.handset = handset
        chosen.direction = "in"
        chosen.call_id = self._new_call_id()
        chosen.started = time.monotonic()
        self._fire("incoming_call", chosen)
        return chosen.number

    def caller_hangs_up(self, line: int | None = None) -> int:
        """The other party hangs up: a ringing call becomes missed, a call in progress ends."""
        chosen = self._find("ringing", "connected", "onhold", "calling", line=line)
        event = "missed_call" if chosen.state == "ringing" else "terminated_call"
        self._fire(event, chosen)
        if event == "missed_call":
            self._fire("idle", chosen)
        chosen.clear()
        return chosen.number

    def remote_answers(self, line: int | None = None) -> int:
        chosen = self._find("calling", line=line)
        chosen.state = "connected"
        self._fire("established_call", chosen)
        return chosen.number

    def answer(self, line: int | None = None, handset: int | None = None) -> int:
        chosen = self._find("ringing", line=line, handset=handset)
        chosen.state = "connected"
        self._fire("off_hook", chosen)
        self._fire("established_call", chosen)
        self._fire("answered_call", chosen)
        return chosen.number

    def reject(self, line: int | None = None, handset: int | None = None) -> int:
        chosen = self._find("ringing", line=line, handset=handset)
        self._fire("rejected_call", chosen)
        self._fire("terminated_call", chosen)
        chosen.clear()
        return chosen.number

    def end(self, line: int | None = None, handset: int | None = None) -> int:
        chosen = self._find("connected", "onhold", "calling", "dialing", line=line, handset=handset)
        if chosen.state != "dialing":
            self._fire("terminated_call", chosen)
        self._fire("on_hook", chosen)
        chosen.clear()
        return chosen.number

    def toggle_hold(self, line: int | None = None, handset: int | None = None) -> int:
        chosen = self._find("connected", "onhold", line=line, handset=handset)
        if chosen.state == "connected":
            chosen.state = "onhold"
            self._fire("hold_call", chosen)
        else:
            chosen.state = "connected"
            self._fire("unhold_call", chosen)
        return chosen.number

    def set_dnd(self, enabled: bool) -> None:
        if self.dnd == enabled:
            return
        self.dnd = enabled
        self._fire("open_dnd" if enabled else "close_dnd", None)

    def dial(
        self, number: str, *, line: int | None = None, account: int = 1, via: str = "sim"
    ) -> int:
        """An outgoing call: ``calling``, then ``connected`` after `auto_answer_outgoing` s."""
        chosen = (
            self._free_line(line)
            if line is None or self.line(line).state == "idle"
            else (self._find("dialing", line=line))
        )
        chosen.state = "calling"
        chosen.remote_number = number
        chosen.remote_name = ""
        chosen.account = account
        chosen.direction = "out"
        chosen.call_id = self._new_call_id()
        chosen.started = time.monotonic()
        chosen.digits = ""
        self.dialed.append(Dialed(number, via, chosen.number, account))
        self._fire("outgoing_call", chosen)
        if self.auto_answer_outgoing is not None:
            self._spawn(self._answer_later(chosen.number, chosen.call_id))
        return chosen.number

    async def _answer_later(self, line: int, call_id: str) -> None:
        await asyncio.sleep(self.auto_answer_outgoing or 0.0)
        target = self.line(line)
        if target.state == "calling" and target.call_id == call_id:
            self.remote_answers(line)

    def configure_action_urls(self, urls: dict[str, str]) -> dict[str, str]:
        """Store Action URLs by event name; like the WP826, silently drops values over 256
        characters and events this model does not have. Returns what was stored."""
        stored = {}
        for event, url in urls.items():
            if event not in self.profile.events:
                continue
            if len(url) > MAX_ACTION_URL_LENGTH:
                self.action_urls.pop(event, None)
                continue
            if url:
                self.action_urls[event] = url
                stored[event] = url
            else:
                self.action_urls.pop(event, None)
        return stored

    def set_unreachable(self, mode: UnreachableMode | bool = "stall") -> None:
        """``stall``: accept and never answer (a sleeping handset); ``drop``: cut the
        connection; ``off`` (or False): answer again."""
        if mode is True:
            mode = "stall"
        elif mode is False:
            mode = "off"
        self.unreachable = mode
        if mode == "off":
            self._wake.set()
            self._wake = asyncio.Event()

    def expire_sessions(self) -> None:
        """Every web session dies, as after a minute without ``dorefresh``."""
        self._sessions.clear()

    def state(self) -> dict[str, Any]:
        return {
            "profile": self.profile.product,
            "family": self.profile.family,
            "dnd": self.dnd,
            "muted": self.muted,
            "unreachable": self.unreachable,
            "lines": [asdict(line) for line in self.lines],
            "dialed": [asdict(d) for d in self.dialed],
            "action_urls": dict(self.action_urls),
        }

    # ------------------------------------------------------------------ Action URL emitter

    def _variables(self, line: SimLine | None) -> dict[str, str]:
        values = {
            "phone_ip": self._host,
            "mac": self.mac,
            "product": self.profile.product,
            "program_version": self.profile.firmware,
            "hardware_version": "V1.0A",
            "language": "en",
            "local": self.local_number,
            "display_local": self.local_name,
        }
        if line is not None:
            if line.remote_number:
                values["remote"] = line.remote_number
                values["display_remote"] = line.remote_name or line.remote_number
            values["active_user"] = str(line.account)
            if self.profile.fills_call_id and line.call_id:
                values["call-id"] = line.call_id
            if line.started:
                values["duration"] = str(int(time.monotonic() - line.started))
        return values

    def render_action_url(self, template: str, line: SimLine | None) -> str:
        """Substitute like the phone: values verbatim (no encoding), unknown names literal."""
        values = self._variables(line)
        return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), template)

    def _fire(self, event: str, line: SimLine | None) -> None:
        template = self.action_urls.get(event)
        if not template or event not in self.profile.events:
            return
        record = FiredActionUrl(event, self.render_action_url(template, line))
        self.fired.append(record)
        previous = self._last_send

        async def in_order() -> None:
            # A phone sends its notifications one after the other, in the order of the events.
            if previous is not None:
                with contextlib.suppress(Exception):
                    await asyncio.shield(previous)
            await self._send_action_url(record)

        self._last_send = self._spawn(in_order())

    async def _send_action_url(self, record: FiredActionUrl) -> None:
        if self.action_url_delay:
            await asyncio.sleep(self.action_url_delay)
        url = record.url
        for prefix in ("http://", "HTTP://"):
            url = url.removeprefix(prefix)
        hostport, slash, rest = url.partition("/")
        target = "/" + rest if slash else "/"
        host, _, port_text = hostport.rpartition(":")
        if not host:
            host, port_text = hostport, "80"
        record.request_line = f"GET {target} HTTP/1.1"
        writer = None
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host.strip("[]"), int(port_text)), 3.0
            )
            writer.write(
                f"{record.request_line}\r\nHost: {hostport}\r\n"
                f"User-Agent: Grandstream {self.profile.product} {self.profile.firmware}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            await writer.drain()
            head = await asyncio.wait_for(reader.read(200), 3.0)
            parts = head.split(b" ", 2)
            record.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        except (OSError, TimeoutError, ValueError) as exc:
            record.error = f"{type(exc).__name__}: {exc}"
        finally:
            if writer is not None:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()

    # ------------------------------------------------------------------ CTI API

    @staticmethod
    def _json(payload: dict[str, Any], status: int = 200) -> web.Response:
        # Real phones answer text/html for JSON; the client must decode whatever the header says.
        return web.Response(text=json.dumps(payload), status=status, content_type="text/html")

    def _unauthorized(self) -> web.Response:
        if self.unauthorized_status == 401:
            return web.Response(text="Unauthorized", status=401, content_type="text/plain")
        return self._json({"response": "error", "body": "Unauthorized"})

    def _session_for(self, request: web.Request, form: dict[str, str]) -> _WebSession | None:
        sid = (
            request.cookies.get("sid")
            or request.cookies.get("session-identity")
            or form.get("sid", "")
        )
        session = self._sessions.get(sid)
        if session is None:
            return None
        now = time.monotonic()
        if now - session.last_seen > self.session_idle_seconds:
            del self._sessions[sid]
            return None
        if form.get("update_session", request.query.get("update_session")) != "false":
            session.last_seen = now
        return session

    async def _model_define(self, request: web.Request) -> web.Response:
        product = self.profile.product
        text = f'var model_name = "{product}";\nvar model_id = "{product}";\n'
        return web.Response(text=text, content_type="application/javascript")

    async def _cti(self, request: web.Request) -> web.Response:
        function = request.match_info["function"]
        if function not in self.profile.functions:
            return web.Response(status=404, text="<html><body>404 Not Found</body></html>")
        if self.popup_window_support:
            return self._unauthorized()
        query = dict(request.query)
        form: dict[str, str] = {}
        if request.method == "POST":
            form = {k: str(v) for k, v in (await request.post()).items()}
        credential = query.get("passcode", query.get("password"))
        if credential != self.passcode:
            has_sid = bool(request.cookies) or "sid" in form
            session_ok = function in ("api-get_line_status", "api-get_phone_status") and (
                self._session_for(request, form) is not None
            )
            if not session_ok:
                if has_sid and credential is None:
                    return web.Response(status=401, text="session expired")
                return self._unauthorized()
        handler = getattr(self, "_api_" + function.removeprefix("api-"))
        result: web.Response = handler(query)
        return result

    def _ok(self, body: object, **extra: object) -> web.Response:
        return self._json({"response": "success", "body": body, **extra})

    def _api_get_line_status(self, query: dict[str, str]) -> web.Response:
        body = []
        for line in self.lines:
            entry: dict[str, object] = {
                "line": line.number,
                "state": line.state,
                "acct": (line.account if line.state != "idle" else 0)
                if self.profile.acct_as_int
                else (str(line.account) if line.state != "idle" else ""),
                "active": int(self.profile.active_reliable and line.state != "idle"),
                "remotename": line.remote_name or line.remote_number
                if line.state != "ringing"
                else line.remote_name,
                self.profile.remote_key: line.remote_number,
            }
            if self.profile.family == "wp":
                entry["conf"] = 0
            body.append(entry)
        return self._ok(body)

    def _api_get_phone_status(self, query: dict[str, str]) -> web.Response:
        states = {line.state for line in self.lines}
        if "ringing" in states and self.profile.ringing_phone_status:
            status = "ringing"
        elif states - {"idle"}:
            status = "busy"
        else:
            status = "available"
        return self._ok(status, misc="0")

    def _api_get_accounts(self, query: dict[str, str]) -> web.Response:
        return self._ok(
            [
                {
                    "id": 1,
                    "sip_server": "sip.example",
                    "sip_id": self.local_number,
                    "name": self.local_name,
                    "reg": 1,
                },
                {"id": 2, "sip_server": "", "sip_id": "", "name": "", "reg": 0},
            ]
        )

    def _api_phone_operation(self, query: dict[str, str]) -> web.Response:
        cmd = query.get("cmd", "")
        actions: dict[str, Callable[[], object]] = {
            "acceptcall": lambda: self.answer(),
            "rejectcall": lambda: self.reject(),
            "endcall": lambda: self.end(),
            "holdcall": lambda: self.toggle_hold(),
            "cancel": self._cancel,
        }
        return self._operate(actions.get(cmd))

    def _cancel(self, handset: int | None = None) -> int:
        try:
            return self.reject(handset=handset)
        except SimStateError:
            return self.end(handset=handset)

    def _operate(self, action: Callable[[], object] | None) -> web.Response:
        if action is None:
            return self._ok(False)
        try:
            action()
        except SimStateError:
            return self._ok(False)
        return self._ok(True)

    def _api_make_call(self, query: dict[str, str]) -> web.Response:
        names = frozenset(query)
        if not any(variant <= names for variant in self.profile.make_call_variants):
            return self._ok(False)
        number = query.get("phonenumber", "")
        if not number:
            return self._ok(False)
        account = query.get("account", "")
        account_number = int(account) + 1 if account.isdigit() else 1
        try:
            line = self.dial(number, account=account_number, via="make_call")
        except SimStateError:
            return self._ok(False)
        if self.profile.family == "dp":
            self.line(line).handset = int(query.get("hs", "1") or 1)
        return self._ok(True)

    def _api_send_key(self, query: dict[str, str]) -> web.Response:
        keys = [k for k in query.get("keys", "").split(":") if k]
        if not keys or any(k not in self.profile.keys for k in keys):
            return self._ok("unknown")
        handset = int(query.get("hs", "1") or 1) if self.profile.family == "dp" else None
        for key in keys:
            self.pressed.append(key)
            try:
                self._press(key, handset)
            except SimStateError:
                return self._ok("unknown")
        return self._ok("complete")

    def _press(self, key: str, handset: int | None) -> None:
        digit = {"HASH": "#", "STAR": "*"}.get(key, key)
        if key.startswith("LINE"):
            wanted = int(key[4:])
            if not 1 <= wanted <= len(self.lines):
                raise SimStateError(f"this model has no line {wanted}")
            line = self.line(wanted)
            if line.state == "ringing":
                self.answer(line.number)
            elif line.state == "onhold":
                # The key of a held call resumes it; the call talking until now goes on hold.
                for other in self.lines:
                    if other.state == "connected":
                        self.toggle_hold(other.number)
                self.toggle_hold(line.number)
            elif line.state == "idle":
                for other in self.lines:
                    if other.state == "dialing":
                        other.clear()
                line.state, line.digits, line.account = "dialing", "", line.number
                line.handset = handset or 1
        elif len(digit) == 1 and (digit.isdigit() or digit in "*#"):
            dialing = [line for line in self.lines if line.state == "dialing"]
            if dialing:
                dialing[0].digits += digit
            elif not self.busy_lines():
                line = self._free_line()
                line.state, line.digits = "dialing", digit
        elif key == "SEND":
            line = self._find("dialing")
            if not line.digits:
                raise SimStateError("nothing dialled")
            self.dial(line.digits, line=line.number, account=line.account, via="keys")
        elif key == "HOLD":
            self.toggle_hold(handset=handset)
        elif key == "DND":
            self.set_dnd(not self.dnd)
        elif key == "OFFHOOK":
            self.answer(handset=handset)
        elif key == "ONHOOK":
            self._cancel(handset)
        elif key == "MUTE":
            self.muted = not self.muted

    def _api_sys_operation(self, query: dict[str, str]) -> web.Response:
        request = query.get("request", "")
        self.system_requests.append(request)
        if request == "REBOOT":
            return self._ok("directreboot" if self.profile.family == "dp" else "savereboot")
        if request == "RESET":
            return self._ok("reset")
        return self._ok("unknown")

    def _api_get_account_status(self, query: dict[str, str]) -> web.Response:
        account = int(query.get("account", "1") or 1)
        busy = any(line.account == account for line in self.busy_lines())
        return self._json(
            {
                "response": "success",
                f"Account{account}": {
                    "Registered": 1 if account == 1 else 0,
                    "Profile": "1",
                    "Active": int(busy),
                    "HSMode": "Circular" if account == 1 else "",
                },
            }
        )

    def _hs(self, query: dict[str, str]) -> int:
        hs = query.get("hs", "1")
        return int(hs) if hs.isdigit() else 1

    def _api_get_hs_status(self, query: dict[str, str]) -> web.Response:
        hs = self._hs(query)
        present = 1 <= hs <= self.profile.handsets
        on_call = any(line.handset == hs for line in self.busy_lines())
        return self._json(
            {
                "response": "success",
                f"HS{hs}": {
                    "initialized": int(present),
                    "subscribed": int(present),
                    "status": ("busy" if on_call else "idle") if present else "unavailable",
                },
            }
        )

    def _api_get_hs_line_status(self, query: dict[str, str]) -> web.Response:
        hs = self._hs(query)
        lines = {
            f"Line{line.number}": {
                "Status": line.state if line.state == "idle" or line.handset == hs else "idle",
                "Account": str(line.account),
                "Registered": 1,
                "Active": int(line.state != "idle" and line.handset == hs),
            }
            for line in self.lines
        }
        return self._json({"response": "success", f"HS{hs}": lines})

    def _api_device_operation(self, query: dict[str, str]) -> web.Response:
        hs = self._hs(query)
        cmd = query.get("cmd", "")
        line_text = query.get("line", "")
        line = int(line_text) if line_text.isdigit() else None
        actions: dict[str, Callable[[], object]] = {
            "acceptcall": lambda: self.answer(line, hs),
            "rejectcall": lambda: self.reject(line, hs),
            "endcall": lambda: self.end(line, hs),
            "holdcall": lambda: self._hold_only(line, hs, "connected"),
            "unholdcall": lambda: self._hold_only(line, hs, "onhold"),
            "cancel": lambda: self._cancel(hs),
            "mute": lambda: setattr(self, "muted", not self.muted),
            "speaker": lambda: None,
            "setdnd": lambda: self.set_dnd(True),
            "unsetdnd": lambda: self.set_dnd(False),
        }
        return self._operate(actions.get(cmd))

    def _hold_only(self, line: int | None, hs: int, required: str) -> None:
        self._find(required, line=line, handset=hs)
        self.toggle_hold(line, hs)

    # ------------------------------------------------------------------ web session

    def _same_origin(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin", "")
        referer = request.headers.get("Referer", "")
        return origin == self.base_url and referer.startswith(self.base_url)

    def _post_guard(self, request: web.Request) -> web.Response | None:
        if request.method in ("POST", "PUT"):
            if "Content-Length" not in request.headers and not request.headers.get(
                "Transfer-Encoding"
            ):
                return web.Response(status=411, text="<html><body>411</body></html>")
            if not self._same_origin(request):
                return web.Response(
                    status=403,
                    text="<html><body>403 Forbidden</body></html>",
                    content_type="text/html",
                )
        return None

    async def _access(self, request: web.Request) -> web.Response:
        if self.profile.login_family != "C":
            return web.Response(status=404, text="<html><body>404 Not Found</body></html>")
        if (guard := self._post_guard(request)) is not None:
            return guard
        form = await request.post()
        wanted = str(form.get("access", ""))
        if wanted != hashlib.sha256(self.username.encode()).hexdigest():
            return self._json({"response": "error", "body": "unknown user"})
        state = self._logins.setdefault(self.username, _LoginState())
        state.nonce = secrets.token_hex(16)
        return self._json({"response": "success", "body": state.nonce})

    async def _dologin(self, request: web.Request) -> web.Response:
        if (guard := self._post_guard(request)) is not None:
            return guard
        form = {k: str(v) for k, v in (await request.post()).items()}
        user = form.get("username", "")
        state = self._logins.setdefault(user, _LoginState())
        now = time.monotonic()
        if state.locked_until > now:
            return self._json({"response": "error", "body": "locked", "lockTime": 5})
        if self.profile.login_family == "C":
            expected = hashlib.sha256((self.passcode + state.nonce).encode()).hexdigest()
            ok = user == self.username and bool(state.nonce) and form.get("password") == expected
            state.nonce = ""
        else:
            ok = user == self.username and form.get("password") == self.passcode
        if not ok:
            state.failures += 1
            if state.failures >= MAX_LOGIN_FAILURES:
                state.locked_until = now + 300
                state.failures = 0
                return self._json({"response": "error", "body": "locked", "lockTime": 5})
            return self._json(
                {"response": "error", "body": f"wrong{MAX_LOGIN_FAILURES - state.failures}"}
            )
        state.failures = 0
        for sid, session in list(self._sessions.items()):
            if session.user == user:
                del self._sessions[sid]
        sid = secrets.token_hex(16)
        role = "admin"
        self._sessions[sid] = _WebSession(user, role, now)
        if self.profile.login_family == "C":
            body = {
                "sid": sid,
                "role": hashlib.sha256((role + sid).encode()).hexdigest(),
                "ver": self.profile.firmware,
                "mac": self.mac,
                "defaultAuth": False,
                "defaultLogin": False,
            }
            cookie = f"sid={sid}; path=/"
        else:
            body = {"sid": sid, "role": role, "defaultAuth": False}
            cookie = f"session-identity={sid}; path=/"
        response = self._json({"response": "success", "body": body})
        response.headers.add("Set-Cookie", cookie)
        return response

    async def _dorefresh(self, request: web.Request) -> web.Response:
        if (guard := self._post_guard(request)) is not None:
            return guard
        form = {k: str(v) for k, v in (await request.post()).items()}
        if self._session_for(request, form) is None:
            return web.Response(status=401, text="session expired")
        return self._json({"response": "success", "body": "refreshed"})

    async def _dologout(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        session_sid = request.cookies.get("sid") or form.get("sid", "")
        self._sessions.pop(session_sid, None)
        self._sessions.pop(request.cookies.get("session-identity", ""), None)
        return self._json({"response": "success", "body": "logout"})

    def _config_value(self, name: str) -> str:
        if name == ":dnd":
            return "1" if self.dnd else "0"
        if name.startswith("AccountRegistered"):
            return "1" if name.endswith("1") else "0"
        pvalue = name.removeprefix("P")
        if pvalue in ACTION_URL_PVALUES:
            return self.action_urls.get(ACTION_URL_PVALUES[pvalue], "")
        return self.config.get("P" + pvalue, "")

    async def _config_get(self, request: web.Request) -> web.Response:
        if self._session_for(request, {}) is None:
            return self._json({"response": "error", "body": {"status": "session-expired"}})
        names = [n for n in unquote(request.query.get("pvalues", "")).split(",") if n]
        return self._ok({name: self._config_value(name) for name in names})

    async def _config_update(self, request: web.Request) -> web.Response:
        if request.method == "POST":
            return web.Response(status=501, text="<html><body>501</body></html>")
        if request.method != "PUT":
            return web.Response(status=405)
        if (guard := self._post_guard(request)) is not None:
            return guard
        if self._session_for(request, {}) is None:
            return self._json({"response": "error", "body": {"status": "session-expired"}})
        try:
            payload = json.loads(await request.text())
            pvalues = {str(k): str(v) for k, v in dict(payload.get("pvalue", {})).items()}
        except (ValueError, AttributeError, TypeError):
            return self._json({"response": "error", "body": "bad request"})
        if not self.ignore_config_writes:
            for name, value in pvalues.items():
                self._store_config(name, value)
        return self._ok("success")

    def _store_config(self, name: str, value: str) -> None:
        if name == ":dnd":
            self.set_dnd(value == "1")
            return
        pvalue = name.removeprefix("P")
        if pvalue in ACTION_URL_PVALUES:
            self.configure_action_urls({ACTION_URL_PVALUES[pvalue]: value})
            return
        self.config["P" + pvalue] = value

    # ------------------------------------------------------------------ /sim control surface

    @staticmethod
    def _int_arg(request: web.Request, name: str) -> int | None:
        value = request.query.get(name, "")
        return int(value) if value.isdigit() else None

    def _sim_result(self, action: Callable[[], object]) -> web.Response:
        try:
            result = action()
        except SimStateError as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=409)
        return web.json_response({"ok": True, "result": result})

    async def _sim_ring(self, request: web.Request) -> web.Response:
        number = request.query.get("number", "")
        name = request.query.get("name", "")
        return self._sim_result(lambda: self.ring(number, name, self._int_arg(request, "line")))

    async def _sim_hangup(self, request: web.Request) -> web.Response:
        return self._sim_result(lambda: self.caller_hangs_up(self._int_arg(request, "line")))

    async def _sim_remote_answer(self, request: web.Request) -> web.Response:
        return self._sim_result(lambda: self.remote_answers(self._int_arg(request, "line")))

    async def _sim_dnd(self, request: web.Request) -> web.Response:
        enabled = request.query.get("on", "1") in ("1", "true", "on")
        return self._sim_result(lambda: self.set_dnd(enabled))

    async def _sim_action_urls(self, request: web.Request) -> web.Response:
        try:
            urls = {str(k): str(v) for k, v in dict(await request.json()).items()}
        except (ValueError, TypeError):
            return web.json_response({"ok": False, "error": "send a JSON object"}, status=400)
        return web.json_response({"ok": True, "stored": self.configure_action_urls(urls)})

    async def _sim_unreachable(self, request: web.Request) -> web.Response:
        mode = request.query.get("mode", "stall")
        if mode not in ("off", "stall", "drop"):
            return web.json_response({"ok": False, "error": "mode is off|stall|drop"}, status=400)
        self.set_unreachable(mode)  # type: ignore[arg-type]
        return web.json_response({"ok": True})

    async def _sim_state(self, request: web.Request) -> web.Response:
        return web.json_response(self.state())

    async def _sim_requests(self, request: web.Request) -> web.Response:
        shown = [
            {**asdict(r), "raw_query": r.raw_query.replace(self.passcode, "***")}
            for r in self.requests
        ]
        for entry in shown:
            entry["query"] = [(k, "***" if v == self.passcode else v) for k, v in entry["query"]]
        return web.json_response(shown)

    async def _sim_fired(self, request: web.Request) -> web.Response:
        return web.json_response([asdict(f) for f in self.fired])


__all__ = [
    "PROFILES",
    "Dialed",
    "FiredActionUrl",
    "PhoneProfile",
    "PhoneSimulator",
    "RecordedRequest",
    "SimLine",
    "SimStateError",
]
