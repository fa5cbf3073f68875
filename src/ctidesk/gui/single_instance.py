"""One ctidesk per user: later starts, `ctidesk dial` and `tel:` links talk to the running one.

The running instance listens on a `QLocalServer` (a Unix socket or a named pipe, private to the
user). A client sends one JSON line and waits for one JSON line back. The name includes the user
and `CTIDESK_HOME`, so separate homes (tests, CI) never meet.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_MS = 800
REPLY_MS = 3000
MAX_MESSAGE_BYTES = 16_384


@dataclass(frozen=True)
class InstanceRequest:
    """What a second start asks of the running instance."""

    action: str
    text: str = ""

    def encode(self) -> bytes:
        return json.dumps({"action": self.action, "text": self.text}).encode() + b"\n"


@dataclass(frozen=True)
class InstanceReply:
    ok: bool
    message: str

    def encode(self) -> bytes:
        return json.dumps({"ok": self.ok, "message": self.message}).encode() + b"\n"


class InstanceProtocolError(ValueError):
    """A message that is not ours (or is cut off)."""


def decode_request(data: bytes) -> InstanceRequest:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InstanceProtocolError("not a ctidesk request") from exc
    if not isinstance(value, dict) or not isinstance(value.get("action"), str):
        raise InstanceProtocolError("not a ctidesk request")
    text = value.get("text", "")
    return InstanceRequest(action=value["action"], text=text if isinstance(text, str) else "")


def decode_reply(data: bytes) -> InstanceReply:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InstanceProtocolError("the running ctidesk sent an unreadable reply") from exc
    if not isinstance(value, dict):
        raise InstanceProtocolError("the running ctidesk sent an unreadable reply")
    return InstanceReply(ok=bool(value.get("ok")), message=str(value.get("message", "")))


def instance_name(home_key: str) -> str:
    """The server name for this user and home folder."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    digest = hashlib.sha256(f"{user}\0{home_key}".encode()).hexdigest()[:12]
    return f"ctidesk-{digest}"


Handler = Callable[[InstanceRequest], InstanceReply]


class InstanceServer(QObject):
    """Listens for requests of later starts and hands them to ``handler`` on the GUI thread."""

    def __init__(self, name: str, handler: Handler, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._handler = handler
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    def listen(self) -> bool:
        """Start listening; False when another live instance owns the name.

        Asks first: with access options set, Qt would replace a live instance's socket.
        """
        if send_request(self._name, InstanceRequest("ping")) is not None:
            return False
        QLocalServer.removeServer(self._name)
        if self._server.listen(self._name):
            return True
        log.warning("cannot listen on %s: %s", self._name, self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                return
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        if len(buffer) > MAX_MESSAGE_BYTES:
            socket.abort()
            return
        if b"\n" not in buffer:
            return
        line = bytes(buffer.split(b"\n", 1)[0])
        try:
            request = decode_request(line)
            reply = (
                InstanceReply(True, "running")
                if request.action == "ping"
                else self._handler(request)
            )
        except InstanceProtocolError as exc:
            reply = InstanceReply(False, str(exc))
        except Exception as exc:
            log.exception("single-instance request failed")
            reply = InstanceReply(False, f"the running ctidesk failed: {exc}")
        socket.write(QByteArray(reply.encode()))
        socket.flush()
        socket.disconnectFromServer()

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()


def send_request(name: str, request: InstanceRequest) -> InstanceReply | None:
    """Send one request to the running instance; None when no instance runs.

    Blocking (a short-lived command line client), so it works before any event loop runs.
    """
    _ensure_core_application()
    socket = QLocalSocket()
    try:
        socket.connectToServer(name)
        if not socket.waitForConnected(CONNECT_MS):
            return None
        socket.write(QByteArray(request.encode()))
        if not socket.waitForBytesWritten(REPLY_MS):
            raise InstanceProtocolError("the running ctidesk did not take the request")
        data = bytearray()
        while b"\n" not in data:
            if not socket.waitForReadyRead(REPLY_MS) and socket.bytesAvailable() == 0:
                raise InstanceProtocolError(
                    "the running ctidesk did not answer; it may be hanging, restart it"
                )
            data += bytes(socket.readAll().data())
        return decode_reply(bytes(data.split(b"\n", 1)[0]))
    finally:
        socket.abort()
        socket.deleteLater()


def _ensure_core_application() -> Any:
    """Qt's sockets want an application object; a command-line client may not have one yet."""
    app = QCoreApplication.instance()
    if app is None:
        app = QCoreApplication(["ctidesk"])
    return app
