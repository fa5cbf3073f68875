"""Action URL listener: the phone's instant call events, received on the agent's PC.

Phones send a plain GET that standard HTTP servers reject: display names arrive with raw spaces in
the request line, ``+`` of E.164 numbers unencoded, unfilled variables as literal ``$remote``.
So this is a small asyncio server with its own parser (`parse_request`, a plain function over
bytes, fuzzed in the tests). Only the configured phone's address and the per-install token in the
path are accepted; everything else gets a 403, and nothing is invented from it.

A flood must neither starve a real ring nor the process (issue 20, finding 5): open connections
are capped per source address and overall, below the process's file limit, and a new connection
over a cap closes the oldest one of the busiest source (a ring's request arrives at once, so an
idle connection is what gets closed); refused requests are logged as a count per minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import logging
import socket
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from urllib.parse import unquote

from ctidesk.core.calls import CallEvent, Direction, EndCause, EventKind, EventSource
from ctidesk.core.numbers import parse_number
from ctidesk.core.tasks import TaskSet

log = logging.getLogger(__name__)

MAX_HEAD_BYTES = 8192
MAX_ACTION_URL_LENGTH = 256
READ_SECONDS = 3.0
PATH_PREFIX = "gs"
MAX_CONNECTIONS = 256
"""Open connections at most (fewer when the file limit is low: see `connection_cap`)."""
MAX_CONNECTIONS_PER_SOURCE = 16
"""Open connections per source address: a phone sends one request per event."""
REFUSAL_LOG_SECONDS = 60.0
ACCEPT_TURNS = 4
"""Loop turns from accepting a connection to its handler running (accept task, transport,
`connection_made`, handler task): `stop` waits these out so no accepted socket stays open."""

# Phone event name (as in the phone's web page and the simulator) -> short code in our path.
EVENT_CODES: dict[str, str] = {
    "incoming_call": "in",
    "outgoing_call": "out",
    "established_call": "up",
    "terminated_call": "end",
    "missed_call": "miss",
    "rejected_call": "rej",
    "hold_call": "hold",
    "unhold_call": "unhold",
    "open_dnd": "dndon",
    "close_dnd": "dndoff",
}
# The field of each event on the phone's web page (Settings > Outbound Notification > Action URL).
EVENT_FIELD_NAMES: dict[str, str] = {
    "incoming_call": "Incoming Call",
    "outgoing_call": "Outgoing Call",
    "established_call": "Established Call",
    "terminated_call": "Terminated Call",
    "missed_call": "Missed Call",
    "rejected_call": "Rejected Call (WP8xx only)",
    "hold_call": "Hold Call",
    "unhold_call": "UnHold Call",
    "open_dnd": "Open DND",
    "close_dnd": "Close DND",
}
# P-values of those events in the phone's configuration (contract 5.1), for writing them.
EVENT_PVALUES: dict[str, str] = {
    "incoming_call": "8310",
    "outgoing_call": "8311",
    "missed_call": "8312",
    "established_call": "8313",
    "terminated_call": "8314",
    "rejected_call": "8315",
    "open_dnd": "8316",
    "close_dnd": "8317",
    "hold_call": "8324",
    "unhold_call": "8325",
}
# Short keys keep the stored URL far below the 256 characters a WP826 keeps; the display name
# goes last because it may carry raw spaces and even ``&``.
QUERY_TEMPLATE = "m=$mac&r=$remote&l=$local&u=$active_user&c=$call-id&n=$display_remote"

_CALL_KINDS: dict[str, tuple[EventKind, Direction, EndCause | None]] = {
    "in": (EventKind.RINGING, Direction.INBOUND, None),
    "out": (EventKind.DIALING, Direction.OUTBOUND, None),
    "up": (EventKind.ANSWERED, Direction.UNKNOWN, None),
    "end": (EventKind.ENDED, Direction.UNKNOWN, None),
    "miss": (EventKind.ENDED, Direction.INBOUND, EndCause.MISSED),
    "rej": (EventKind.ENDED, Direction.INBOUND, EndCause.REJECTED),
    "hold": (EventKind.HELD, Direction.UNKNOWN, None),
    "unhold": (EventKind.RESUMED, Direction.UNKNOWN, None),
}
_DND_CODES = {"dndon": True, "dndoff": False}


class ListenerStopped(Exception):
    """The listener stopped while someone waited for the phone's next request."""


@dataclass(frozen=True)
class RawRequest:
    """The request line as a phone sent it, split tolerantly."""

    method: str
    target: str
    version: str
    path: str
    params: dict[str, str] = field(default_factory=dict)


def _clean(value: str) -> str:
    """Percent-decode without turning ``+`` into a space; ``$name`` means the phone had none."""
    decoded = unquote(value, errors="replace").strip()
    return "" if decoded.startswith("$") else decoded


def parse_params(text: str) -> dict[str, str]:
    """``k=v&k2=v2`` split on ``&`` and the first ``=``; a piece without ``=`` belongs to the
    previous value (a raw ``&`` inside a display name)."""
    params: dict[str, str] = {}
    raw: dict[str, str] = {}
    last: str | None = None
    for piece in text.split("&"):
        if "=" in piece:
            key, _, value = piece.partition("=")
            key = unquote(key, errors="replace").strip()
            if not key:
                continue
            raw[key] = value
            last = key
        elif last is not None:
            raw[last] += "&" + piece
    for key, value in raw.items():
        params[key] = _clean(value)
    return params


def split_target(target: str) -> tuple[str, dict[str, str]]:
    """Path and parameters of ``/path?k=v`` or Grandstream's ``/path/k=v`` form."""
    if "://" in target[:10]:
        after = target.split("://", 1)[1]
        slash = after.find("/")
        target = after[slash:] if slash >= 0 else "/"
    if "?" in target:
        path, _, query = target.partition("?")
        return path, parse_params(query)
    segments = target.split("/")
    for index, segment in enumerate(segments):
        if "=" in segment:
            path = "/".join(segments[:index]) or "/"
            return path, parse_params("/".join(segments[index:]))
    return target, {}


def parse_request(data: bytes) -> RawRequest | None:
    """The request line of an HTTP request head; None when it is not one. Never raises.

    The method is everything up to the first space, the version everything after the last, and
    the target what lies between, raw spaces included.
    """
    first, _, _ = data.partition(b"\n")
    line = first.rstrip(b"\r").decode("utf-8", errors="replace").strip()
    if " " not in line:
        return None
    method, _, rest = line.partition(" ")
    target, _, version = rest.rpartition(" ")
    if not method.isalpha() or not version.upper().startswith("HTTP/"):
        return None
    target = target.strip()
    if not target:
        return None
    path, params = split_target(target)
    return RawRequest(
        method=method.upper(), target=target, version=version, path=path, params=params
    )


@dataclass(frozen=True)
class ActionHit:
    """One accepted Action URL: its event code and what the phone filled in."""

    code: str
    params: dict[str, str]


def match_action(request: RawRequest, token: str) -> ActionHit | None:
    """The event of a request whose path is ``/gs/<token>/<code>``; None for anything else."""
    if request.method not in ("GET", "POST") or not token:
        return None
    parts = [p for p in request.path.split("/") if p]
    if len(parts) != 3 or parts[0] != PATH_PREFIX:
        return None
    if not hmac.compare_digest(parts[1].encode(), token.encode()):
        return None
    code = parts[2]
    if code not in _CALL_KINDS and code not in _DND_CODES:
        return None
    return ActionHit(code=code, params=dict(request.params))


def hit_to_event(hit: ActionHit, default_region: str = "DE") -> CallEvent | None:
    """The `CallEvent` an Action URL stands for; None for DND and non-call events."""
    spec = _CALL_KINDS.get(hit.code)
    if spec is None:
        return None
    kind, direction, cause = spec
    number = hit.params.get("r", "")
    name = hit.params.get("n", "")
    local = hit.params.get("l", "")
    return CallEvent(
        source=EventSource.PHONE,
        kind=kind,
        remote=parse_number(number, default_region),
        direction=direction,
        source_call_id=hit.params.get("c") or None,
        local=parse_number(local, default_region) if local else None,
        remote_name=name if name and name != number else None,
        account=hit.params.get("u") or None,
        cause=cause,
    )


def hit_to_dnd(hit: ActionHit) -> bool | None:
    return _DND_CODES.get(hit.code)


def normalize_mac(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch in "0123456789abcdef")


def action_urls_for(
    public_host: str, port: int, token: str, *, with_scheme: bool = True
) -> dict[str, str]:
    """Event name → the exact URL to paste into the phone's Action URL field."""
    host = (
        f"[{public_host}]"
        if ":" in public_host and not public_host.startswith("[")
        else public_host
    )
    scheme = "http://" if with_scheme else ""
    urls = {
        event: f"{scheme}{host}:{port}/{PATH_PREFIX}/{token}/{code}?{QUERY_TEMPLATE}"
        for event, code in EVENT_CODES.items()
    }
    too_long = [event for event, url in urls.items() if len(url) > MAX_ACTION_URL_LENGTH]
    if too_long:
        raise ValueError(
            f"the Action URLs would be longer than {MAX_ACTION_URL_LENGTH} characters, which "
            "phones silently drop; use a shorter host name or the PC's IP address"
        )
    return urls


def masked_action_url(url: str) -> str:
    """The URL with its token hidden, for output that others may see (a service's journal)."""
    head, marker, rest = url.partition(f"/{PATH_PREFIX}/")
    if not marker:
        return url
    _, slash, tail = rest.partition("/")
    return f"{head}{marker}***{slash}{tail}"


def _ip(text: str) -> str:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return text.lower()
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


_RESPONSES = {
    200: b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
    b"Connection: close\r\n\r\nOK",
    400: b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    403: b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
}


def connection_cap(wanted: int = MAX_CONNECTIONS) -> int:
    """``wanted``, but at most a quarter of the soft file limit: the process needs files for
    everything else, and a listener that reaches the limit stalls every accept for a second."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return wanted
    if soft == resource.RLIM_INFINITY or soft <= 0:
        return wanted
    return max(8, min(wanted, soft // 4))


class RefusalLog:
    """Refused requests, logged as a count per window instead of a line each.

    The first refusal after a quiet window is logged at once with its reason (so a wrong token
    shows up while the user tests); the rest of the window is counted and summed up in one line.
    A flood that lasts an hour writes about 60 lines, not millions that rotate the log away.
    """

    def __init__(
        self, window_seconds: float = REFUSAL_LOG_SECONDS, clock: Callable[[], float] | None = None
    ) -> None:
        self._window = window_seconds
        self._clock = clock or time.monotonic
        self._window_end: float | None = None
        self._reasons: Counter[str] = Counter()
        self._peers: Counter[str] = Counter()
        self._timer: asyncio.TimerHandle | None = None
        self.total = 0

    def note(self, peer: str, reason: str) -> None:
        self.total += 1
        now = self._clock()
        if self._window_end is not None and now >= self._window_end:
            self.flush()
        if self._window_end is None:
            log.warning("Action URL request from %s refused: %s", peer, reason)
            self._open_window(now)
            return
        self._reasons[reason] += 1
        self._peers[peer] += 1

    def flush(self) -> None:
        """Log what the window counted; a window without refusals ends the counting."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._reasons:
            self._window_end = None
            return
        count = sum(self._reasons.values())
        reasons = ", ".join(f"{reason}: {n}" for reason, n in self._reasons.most_common())
        peers = ", ".join(f"{peer} ({n})" for peer, n in self._peers.most_common(3))
        log.warning(
            "Action URL listener refused %d more request(s) in the last %.0f s (%s; from %s)",
            count,
            self._window,
            reasons,
            peers,
        )
        self._reasons.clear()
        self._peers.clear()
        self._open_window(self._clock())

    def close(self) -> None:
        """Log what is still counted; no timer is left behind."""
        self.flush()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _open_window(self, now: float) -> None:
        self._window_end = now + self._window
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._timer = loop.call_later(self._window, self.flush)


class ActionUrlListener:
    """Receives the phone's Action URLs and hands each call event to ``on_event``.

    ``on_event`` and ``on_dnd`` run synchronously on the event loop after the reply is written;
    an exception in them is logged, never returned to the phone.

    At most ``max_connections`` (default `connection_cap`) connections are open, at most
    ``max_per_source`` from one address; ``refusal_log_seconds`` is the window of `RefusalLog`.
    """

    def __init__(
        self,
        *,
        token: str,
        allowed_hosts: Collection[str],
        on_event: Callable[[CallEvent], object],
        default_region: str = "DE",
        on_dnd: Callable[[bool], None] | None = None,
        mac: str | None = None,
        max_connections: int | None = None,
        max_per_source: int = MAX_CONNECTIONS_PER_SOURCE,
        refusal_log_seconds: float = REFUSAL_LOG_SECONDS,
    ) -> None:
        if len(token) < 8:
            raise ValueError("the Action URL token must be at least 8 characters")
        self._token = token
        self._allowed_names = [h.strip() for h in allowed_hosts if h.strip()]
        self._allowed: set[str] = set()
        self._on_event = on_event
        self._on_dnd = on_dnd
        self._region = default_region
        self._mac = normalize_mac(mac) if mac else ""
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers = TaskSet()
        self._waiters: set[asyncio.Future[str]] = set()
        self._max_connections = max_connections or connection_cap()
        self._max_per_source = max(1, max_per_source)
        self._by_source: dict[str, dict[asyncio.StreamWriter, None]] = {}
        self.refusals = RefusalLog(refusal_log_seconds)
        self.rejected = 0
        self.accepted = 0
        self.evicted = 0

    @property
    def open_connections(self) -> int:
        """Connections open now (for the tests and the benchmark of the caps)."""
        return sum(len(writers) for writers in self._by_source.values())

    def action_urls(self, public_host: str, port: int) -> dict[str, str]:
        return action_urls_for(public_host, port, self._token)

    async def next_accepted(self) -> str:
        """The event name of the next request that passes every check (the configured phone,
        the token, the MAC): proof that the phone really sends the Action URLs."""
        waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            return await waiter
        finally:
            self._waiters.discard(waiter)

    async def start(self, host: str, port: int) -> tuple[str, int]:
        """Listen; returns the bound address (port 0 picks a free port)."""
        self._allowed = await self._resolve_allowed()
        if not self._allowed:
            log.warning("Action URL listener allows no phone address; every request gets 403")
        self._server = await asyncio.start_server(self._handle, host, port, limit=MAX_HEAD_BYTES)
        bound = self._server.sockets[0].getsockname()
        log.info("Action URL listener on %s:%s", bound[0], bound[1])
        return str(bound[0]), int(bound[1])

    async def stop(self) -> None:
        """Stop listening and close every open connection, including one accepted just now
        whose handler has not run yet (a closed server leaves those open)."""
        server, self._server = self._server, None
        for waiter in list(self._waiters):
            if not waiter.done():
                waiter.set_exception(ListenerStopped("the Action URL listener stopped"))
        if server is None:
            return
        server.close()
        for _ in range(ACCEPT_TURNS):
            await asyncio.sleep(0)
        for writer in list(self._writers):
            writer.close()
        await self._handlers.wait(READ_SECONDS)
        await server.wait_closed()
        self.refusals.close()

    async def _resolve_allowed(self) -> set[str]:
        loop = asyncio.get_running_loop()
        allowed: set[str] = set()
        for name in self._allowed_names:
            host = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
            host = host.strip("[]")
            try:
                ipaddress.ip_address(host.split("%", 1)[0])
                allowed.add(_ip(host))
                continue
            except ValueError:
                pass
            try:
                infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
            except OSError as exc:
                log.warning("cannot resolve the phone address %r for the listener: %s", host, exc)
                continue
            allowed.update(_ip(str(info[4][0])) for info in infos)
        return allowed

    async def _read_head(self, reader: asyncio.StreamReader) -> bytes:
        data = b""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(READ_SECONDS):
                while b"\r\n\r\n" not in data and b"\n\n" not in data:
                    chunk = await reader.read(1024)
                    if not chunk:
                        break
                    data += chunk
                    if len(data) >= MAX_HEAD_BYTES:
                        break
        return data

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._handlers.keep_current()
        if self._server is None:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            return
        self._writers.add(writer)
        peer = writer.get_extra_info("peername")
        peer_host = _ip(str(peer[0])) if peer else ""
        self._admit(peer_host, writer)
        try:
            data = await self._read_head(reader)
            if writer.is_closing():
                return  # closed for a newer connection, or by stop()
            status, hit = self.decide(peer_host, data)
            writer.write(_RESPONSES[status])
            if hit is not None:
                self._deliver(hit)
                self._wake_waiters(hit)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(READ_SECONDS):
                    await writer.drain()
        except (ConnectionError, OSError) as exc:
            log.debug("Action URL connection failed: %s", exc)
        except Exception:
            log.exception("Action URL request could not be handled")
        finally:
            self._writers.discard(writer)
            self._forget(peer_host, writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _admit(self, peer_host: str, writer: asyncio.StreamWriter) -> None:
        """Count the new connection; over a cap, close the oldest of its own source, else of
        the busiest other source (the phone's own address last)."""
        mine = self._by_source.setdefault(peer_host, {})
        if len(mine) >= self._max_per_source:
            self._evict(peer_host, mine, "too many open connections from this address")
        elif self.open_connections >= self._max_connections:
            strangers = [s for s in self._by_source if s not in self._allowed and s != peer_host]
            busiest = max(strangers or self._by_source, key=lambda s: len(self._by_source[s]))
            self._evict(busiest, self._by_source[busiest], "too many open connections")
        mine[writer] = None

    def _evict(self, source: str, writers: dict[asyncio.StreamWriter, None], why: str) -> None:
        if not writers:
            return
        oldest = next(iter(writers))
        del writers[oldest]
        self.evicted += 1
        self.refusals.note(source, f"connection closed, {why}")
        oldest.transport.abort()

    def _forget(self, peer_host: str, writer: asyncio.StreamWriter) -> None:
        writers = self._by_source.get(peer_host)
        if writers is None:
            return
        writers.pop(writer, None)
        if not writers:
            del self._by_source[peer_host]

    def decide(self, peer_host: str, data: bytes) -> tuple[int, ActionHit | None]:
        """The reply status for one request head and the accepted hit, if any. Never raises."""
        request = parse_request(data)
        if request is None:
            self.refusals.note(peer_host, "unreadable request (400)")
            return 400, None
        if peer_host not in self._allowed:
            return self._refuse(peer_host, "not the configured phone (403)")
        hit = match_action(request, self._token)
        if hit is None:
            return self._refuse(peer_host, "wrong path or token (403)")
        if self._mac and normalize_mac(hit.params.get("m", "")) != self._mac:
            return self._refuse(peer_host, "other phone's MAC (403)")
        self.accepted += 1
        return 200, hit

    def _wake_waiters(self, hit: ActionHit) -> None:
        event = next((name for name, code in EVENT_CODES.items() if code == hit.code), hit.code)
        for waiter in list(self._waiters):
            if not waiter.done():
                waiter.set_result(event)

    def _refuse(self, peer_host: str, reason: str) -> tuple[int, None]:
        self.rejected += 1
        self.refusals.note(peer_host, reason)
        return 403, None

    def _deliver(self, hit: ActionHit) -> None:
        dnd = hit_to_dnd(hit)
        try:
            if dnd is not None:
                log.info("phone reports Do Not Disturb %s", "on" if dnd else "off")
                if self._on_dnd is not None:
                    self._on_dnd(dnd)
                return
            event = hit_to_event(hit, self._region)
            if event is not None:
                log.info("phone event %s (%s)", event.kind.value, hit.code)
                self._on_event(event)
        except Exception:
            log.exception("handling the phone's %s event failed", hit.code)
