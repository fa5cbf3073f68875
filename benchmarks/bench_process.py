"""ctidesk as a process on a real X display (Xvfb + trayer), next to a bare PySide6 tray icon.

- start-up: process start until the icon is shown: its window reparented into trayer and painted
  (no longer one flat colour), both measured the same way, median of several starts.
- memory: RSS 5 s after start: of a fresh ctidesk, of one configured for a phone and Zammad
  (`ctidesk sim` in another process), and of the demo; beside them the floor, the bare tray
  with ctidesk's libraries loaded (``baseline_stack.py``), all against the bare tray.
- idle CPU: CPU time over an idle minute (``--quick``: 10 s) of ctidesk configured against
  `ctidesk sim` (another process, as a real phone and Zammad are), once with the phone's Action
  URLs and once with the line-status poller; the bare tray idles alongside as the reference.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import Figure, cpu_seconds, median, rss_mb

ROOT = Path(__file__).parents[1]
BASELINE = ROOT / "benchmarks" / "baseline_tray.py"
STACK = ROOT / "benchmarks" / "baseline_stack.py"
STARTS = 5
SETTLE_SECONDS = 5.0
TOOL_SECONDS = 30.0
"""Every X tool call (xdotool, xwininfo, import) ends within this, or counts as no answer: a
benchmark must never wait for good (`xwininfo` without a window waits for a mouse click)."""
READY_SECONDS = 60.0
TRAYER = (
    "trayer",
    *("--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "200"),
    *("--height", "32", "--SetDockType", "true", "--transparent", "false"),
)


@contextmanager
def x_display() -> Iterator[dict[str, str]]:
    """Xvfb with trayer as the system tray; the environment to use them."""
    for tool in ("Xvfb", "trayer", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: install xvfb, trayer and xdotool")
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as reader:
        if not select.select([reader], [], [], READY_SECONDS)[0]:
            _stop(xvfb)
            raise SystemExit(f"Xvfb did not start within {READY_SECONDS:.0f} s")
        number = reader.readline().strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTIDESK_")}
    env |= {"DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb"}
    for name in ("WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(name, None)
    trayer = subprocess.Popen(
        [*TRAYER],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not _windows(env, "--class", "trayer") and time.monotonic() < deadline:
            time.sleep(0.05)
        yield env
    finally:
        for process in (trayer, xvfb):
            _stop(process)


def _tool(command: list[str], env: dict[str, str]) -> str:
    """An X tool's output; empty when it fails or does not answer within TOOL_SECONDS."""
    try:
        return subprocess.run(
            command, env=env, capture_output=True, text=True, check=False, timeout=TOOL_SECONDS
        ).stdout
    except subprocess.TimeoutExpired:
        return ""


def _windows(env: dict[str, str], *query: str) -> set[int]:
    return {int(w) for w in _tool(["xdotool", "search", *query], env).split()}


def _painted(window: int, env: dict[str, str]) -> bool:
    """Whether ``window`` shows more than one colour (an unpainted icon is the tray's grey)."""
    command = ["import", "-window", str(window), "-format", "%[fx:standard_deviation]", "info:"]
    try:
        return float(_tool(command, env) or 0) > 0.01
    except ValueError:
        return False


def parent_window(window: int, env: dict[str, str]) -> int | None:
    """The parent of ``window``; None at the top (its parent is the root) or when unknown.

    The walk must stop before the root: asked about the root, xwininfo names the parent
    "0x0 (none)", and ``xwininfo -id 0`` waits for a mouse click to pick a window."""
    tree = _tool(["xwininfo", "-children", "-id", str(window)], env)
    parent = re.search(r"Parent window id: (0x[0-9a-f]+)( \(the root window\))?", tree)
    if parent is None or parent.group(2) or int(parent.group(1), 16) == 0:
        return None
    return int(parent.group(1), 16)


def _embedded(pid: int, env: dict[str, str], tray: set[int]) -> int | None:
    """The window of ``pid`` that the tray host has reparented, if there is one yet."""
    for window in _windows(env, "--pid", str(pid)):
        ancestor = parent_window(window, env)
        while ancestor is not None:
            if ancestor in tray:
                return window
            ancestor = parent_window(ancestor, env)
    return None


def _start(command: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], float]:
    """Start a process; return it and the seconds until its tray icon was docked and painted."""
    tray = _windows(env, "--class", "trayer")
    started = time.monotonic()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = started + 30
    while time.monotonic() < deadline:
        window = _embedded(process.pid, env, tray)
        if window is not None and _painted(window, env):
            return process, time.monotonic() - started
        if process.poll() is not None:
            raise SystemExit(f"{command} ended before showing its tray icon")
        time.sleep(0.01)
    process.kill()
    raise SystemExit(f"{command} showed no tray icon within 30 s")


def _stop(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def _home_env(env: dict[str, str], home: Path) -> dict[str, str]:
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    return env | {
        "CTIDESK_HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def bench_startup_and_memory(starts: int = STARTS) -> list[Figure]:
    ctidesk = [sys.executable, "-m", "ctidesk"]
    baseline = [sys.executable, str(BASELINE)]
    with x_display() as env, tempfile.TemporaryDirectory(prefix="ctidesk-bench-") as folder:
        times: dict[str, list[float]] = {"baseline": [], "ctidesk": [], "demo": []}
        memory: dict[str, float] = {}
        commands = {"baseline": baseline, "ctidesk": ctidesk, "demo": [*ctidesk, "--demo"]}
        for round_number in range(starts):
            for name, command in commands.items():
                home = Path(folder) / f"{name}-{round_number}"
                home.mkdir()
                process, seconds = _start(command, _home_env(env, home))
                times[name].append(seconds)
                if round_number == 0:
                    memory[name] = _settled_rss(process)
                _stop(process)
        memory["stack"] = _settled_rss(_start([sys.executable, str(STACK)], env)[0], stop=True)
        sim, addresses = _sim(env)
        try:
            home = Path(folder) / "configured"
            home.mkdir()
            secrets = _configured_home(home, addresses, action_urls=True)
            process, _ = _start(ctidesk, _home_env(env, home) | secrets)
            memory["configured"] = _settled_rss(process, stop=True)
        finally:
            _stop_sim(sim)
    bare = median(times["baseline"])
    figures = [
        Figure(
            f"start-up to tray icon, {label} (median of {starts})",
            median(times[name]),
            "s",
            bare,
            "bare PySide6 tray icon",
            "<= 1.5x bare",
            median(times[name]) <= 1.5 * bare,
        )
        for name, label in (("ctidesk", "ctidesk"), ("demo", "ctidesk --demo"))
    ]
    figures += [
        Figure(
            f"RSS {SETTLE_SECONDS:.0f} s after start, {label}",
            memory[name],
            "MB",
            memory["baseline"],
            "bare PySide6 tray icon",
            "<= 1.5x bare",
            memory[name] <= 1.5 * memory["baseline"],
        )
        for name, label in (
            ("ctidesk", "ctidesk"),
            ("configured", "ctidesk with phone + Zammad"),
            ("demo", "ctidesk --demo (with simulators)"),
        )
    ]
    figures.append(
        Figure(
            f"RSS {SETTLE_SECONDS:.0f} s after start, libraries alone",
            memory["stack"],
            "MB",
            memory["baseline"],
            "bare PySide6 tray icon",
            "the floor (baseline_stack.py)",
        )
    )
    return figures


def _settled_rss(process: subprocess.Popen[bytes], stop: bool = False) -> float:
    """RSS once start-up has settled; the process is stopped afterwards if ``stop``."""
    time.sleep(SETTLE_SECONDS)
    resident = rss_mb(process.pid)
    if stop:
        _stop(process)
    return resident


def _sim(env: dict[str, str]) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`ctidesk sim` in its own process; its printed addresses."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ctidesk", "sim"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    addresses: dict[str, str] = {}
    done = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            name, _, value = line.strip().partition(": ")
            if value:
                addresses[name] = value
            if "nfon CTI" in addresses:
                break
        done.set()

    threading.Thread(target=read, daemon=True).start()
    if not done.wait(READY_SECONDS) or "nfon CTI" not in addresses:
        _stop_sim(process)
        raise SystemExit(f"ctidesk sim printed no addresses within {READY_SECONDS:.0f} s")
    return process, addresses


def _configured_home(home: Path, addresses: dict[str, str], action_urls: bool) -> dict[str, str]:
    """Settings as an agent would write them for this phone and Zammad; secrets from the
    environment (the headless way, no keyring needed)."""
    phone = addresses["phone"].removeprefix("http://")
    settings = f"""[phone]
address = "{phone}"
listen_address = "127.0.0.1"
listen_port = 0
action_url_public_host = "127.0.0.1"
action_url_enabled = {str(action_urls).lower()}
[zammad]
url = "{addresses["zammad"]}"
[nfon]
enabled = false
"""
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.toml").write_text(settings)
    return {
        "CTIDESK_PHONE_PASSCODE": addresses["phone passcode"],
        "CTIDESK_ZAMMAD_API_TOKEN": addresses["zammad agent token"],
        "CTIDESK_ZAMMAD_CTI_URL": addresses["zammad CTI endpoint"],
    }


def bench_idle_cpu(seconds: float = 60.0) -> list[Figure]:
    with x_display() as env, tempfile.TemporaryDirectory(prefix="ctidesk-bench-") as folder:
        sim, addresses = _sim(env)
        figures = []
        try:
            for label, action_urls, target in (
                ("with Action URLs", True, 0.5),
                ("with the line-status poller", False, 1.0),
            ):
                home = Path(folder) / label.replace(" ", "-")
                home.mkdir()
                secrets = _configured_home(home, addresses, action_urls)
                app_env = _home_env(env, home) | secrets
                app, _ = _start([sys.executable, "-m", "ctidesk"], app_env)
                bare, _ = _start([sys.executable, str(BASELINE)], _home_env(env, home))
                time.sleep(SETTLE_SECONDS)
                used = [cpu_seconds(app.pid), cpu_seconds(bare.pid)]
                time.sleep(seconds)
                app_share = (cpu_seconds(app.pid) - used[0]) / seconds * 100
                bare_share = (cpu_seconds(bare.pid) - used[1]) / seconds * 100
                _stop(app)
                _stop(bare)
                figures.append(
                    Figure(
                        f"idle CPU over {seconds:.0f} s, {label}",
                        app_share,
                        "%",
                        bare_share,
                        "bare PySide6 tray icon, same minute",
                        f"<= {target} % of a core",
                        app_share <= target,
                    )
                )
        finally:
            _stop_sim(sim)
    return figures


def _stop_sim(sim: subprocess.Popen[str]) -> None:
    _stop(sim)
    if sim.stdout is not None:
        sim.stdout.close()
