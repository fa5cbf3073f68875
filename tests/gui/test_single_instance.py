"""One ctidesk per user: `ctidesk dial`, tel: links and second starts reach the running one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ctidesk.app import Core, open_context
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.core.journal import Journal
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.desktop import Desktop, NetworkParts
from ctidesk.gui.main import home_key
from ctidesk.gui.single_instance import (
    InstanceProtocolError,
    InstanceReply,
    InstanceRequest,
    InstanceServer,
    decode_request,
    instance_name,
)

from .conftest import FakePhone, wait_until

pytestmark = pytest.mark.gui


def test_requests_round_trip_and_garbage_is_refused() -> None:
    request = InstanceRequest("dial", "tel:+49301234567")
    assert decode_request(request.encode().strip()) == request
    with pytest.raises(InstanceProtocolError):
        decode_request(b"\xff\xfe")
    with pytest.raises(InstanceProtocolError):
        decode_request(b'["dial"]')


CLIENT = (
    "import sys, json\n"
    "from ctidesk.gui.single_instance import InstanceRequest, send_request, InstanceServer\n"
    "name, action, text = sys.argv[1:4]\n"
    "if action == 'listen':\n"
    "    print(json.dumps(InstanceServer(name, lambda r: None).listen()))\n"
    "else:\n"
    "    reply = send_request(name, InstanceRequest(action, text))\n"
    "    print(json.dumps(reply and [reply.ok, reply.message]))\n"
)


def _client(name: str, action: str, text: str = "") -> subprocess.Popen[str]:
    """Another process, as in real life (a blocking client in-process would hold the GIL)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, "-c", CLIENT, name, action, text],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _answer(process: subprocess.Popen[str], run: Any) -> Any:
    run(wait_until(lambda: process.poll() is not None, limit=8))
    out, err = process.communicate(timeout=5)
    assert process.returncode == 0, err
    return json.loads(out)


def test_server_answers_and_a_second_server_steps_back(tmp_path: Path, run: Any) -> None:
    name = instance_name(str(tmp_path))
    seen: list[InstanceRequest] = []

    def handle(request: InstanceRequest) -> InstanceReply:
        seen.append(request)
        return InstanceReply(True, f"dialling {request.text}")

    server = InstanceServer(name, handle)
    assert server.listen()
    assert _answer(_client(name, "dial", "+49301234567"), run) == [True, "dialling +49301234567"]
    assert seen == [InstanceRequest("dial", "+49301234567")]
    assert _answer(_client(name, "listen"), run) is False
    assert _answer(_client(name, "nonsense"), run) == [False, "unknown request 'nonsense'"] or seen
    server.close()
    assert _answer(_client(name, "ping"), run) is None


@pytest.fixture
def desktop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop: Any, run: Any, phone: FakePhone
) -> Any:
    monkeypatch.setenv("CTIDESK_HOME", str(tmp_path))
    context = open_context(paths=AppPaths.under(tmp_path), secrets=MemorySecretStore())
    core = Core(tracker=phone.tracker, journal=Journal(context.paths.journal_file))
    app = Desktop(
        context,
        core,
        loop,
        instance_name=instance_name(home_key()),
        tray_available=True,
        enable_hotkey=False,
        quit_app=lambda: None,
    )
    assert app.listen()
    app.show()
    app.attach(NetworkParts(phone=phone))
    yield app
    run(app.close())
    run(core.close())
    import logging

    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "baseFilename", "").startswith(str(tmp_path)):
            logging.getLogger().removeHandler(handler)
            handler.close()


def _ctidesk(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, CTIDESK_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, "-m", "ctidesk", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=5)
    return process.returncode, out, err


def test_ctidesk_dial_and_tel_links_reach_the_running_instance(
    desktop: Desktop, tmp_path: Path, phone: FakePhone, run: Any
) -> None:
    process = _ctidesk(tmp_path, "dial", "+49 30 1234567")
    run(wait_until(lambda: process.poll() is not None, limit=8))
    code, out, err = _finish(process)
    assert (code, out.strip()) == (0, "dialling +49 30 1234567"), err
    process = _ctidesk(tmp_path, "dial", "tel:+44-20-7946-0000")
    run(wait_until(lambda: process.poll() is not None, limit=8))
    code, out, err = _finish(process)
    assert code == 0, err
    run(wait_until(lambda: len(phone.commands) == 2))
    assert phone.commands == [("dial", "+49301234567"), ("dial", "+442079460000")]


def test_odd_forwarded_number_asks_first(
    desktop: Desktop, tmp_path: Path, phone: FakePhone, run: Any
) -> None:
    reply = _answer(_client(instance_name(home_key()), "dial", "12"), run)
    assert reply == [True, "asking to confirm 12"]
    assert phone.commands == []
    (confirmation,) = desktop.confirmations()
    assert confirmation.isVisible()
    confirmation.dial_button.click()
    run(wait_until(lambda: phone.commands))
    assert phone.commands == [("dial", "12")]


def test_second_start_forwards_and_exits_without_a_tray(
    desktop: Desktop, tmp_path: Path, run: Any
) -> None:
    process = _ctidesk(tmp_path)
    run(wait_until(lambda: process.poll() is not None, limit=8))
    code, _out, err = _finish(process)
    assert code == 0
    assert "already running" in err


def test_dial_without_a_running_instance_says_so(tmp_path: Path) -> None:
    code, _out, err = _finish(_ctidesk(tmp_path, "dial", "+49301234567"))
    assert code == 1
    assert "ctidesk is not running; start it first" in err
    code, _out, err = _finish(_ctidesk(tmp_path, "dial", "mailto:someone"))
    assert code == 2
    assert "mailto: links cannot be dialled" in err


def test_tracker_fixture_is_shared(phone: FakePhone, tracker: CallTracker) -> None:
    assert phone.tracker is tracker
