"""Drive the real `ctidesk --demo` as a person would: on an X display (Xvfb) with a tray (trayer),
with real clicks and keys (xdotool), its real windows, and the phone simulator's `/sim` routes for
what the far end does (ring, hang up). No stand-ins: every step goes through X to the process.

A journey is a few lines::

    desktop.pick(Menu.JOURNAL)                    # right-click the icon, press the entry's key
    window = desktop.wait_window("Call journal")  # a visible top-level window, by title
    desktop.close_window(window)                  # what a window manager's close button sends
    line = desktop.ring("+49 30 1234567", "Kim")  # the phone rings (the simulator's /sim/ring)
    card = desktop.wait_popup("Kim")
    desktop.click_popup_button(card, "answer")    # a real click on the card's button
    desktop.wait_line(line, "connected")

and `assert_healthy(since)` is what "pass" means: the process lives, its log has no ERROR and no
traceback since the journey began, and its memory stayed in bounds.
"""

from __future__ import annotations

import ctypes
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tests.e2e.conftest import require_tool

T = TypeVar("T")

START_SECONDS = 60.0
MENU_ATTEMPTS = 3
MENU_SECONDS = 4.0
RSS_LIMIT_MB = 300.0
"""Pass means the tray app stayed below this (it settles near 120 MB on the demo)."""
SHOTS_ENV = "CTIDESK_JOURNEY_SHOTS"
DEMO_RUNNING = re.compile(r"demo running: phone (\S+),")
WINDOW_NAME = (
    r'"(?:ctidesk|org\.ctidesk\.CTIDesk)"'  # the app's name; the one app id since issue 19
)
TRAY_ICON = re.compile(
    r"^\s+0x[0-9a-f]+ "
    + WINDOW_NAME
    + r": \([^)]*\)\s+(\d+)x(\d+)[+-]+\d+[+-]+\d+\s+\+(-?\d+)\+(-?\d+)",
    re.MULTILINE,
)
PROBLEM = re.compile(r"\bERROR\b|Traceback|Fatal Python error|Segmentation fault|core dumped")


class Menu:
    """The tray menu's entries as the user reads them; ``&`` marks the key that picks one.

    ``ORDER`` is the menu's order, which decides what a shared key does (Qt highlights the
    first entry with it, then the next, on each press). A new entry: add its text here and to
    ``ORDER`` where the menu shows it."""

    DND = "Do &not disturb"
    DIAL = "&Dial..."
    LAST_CALLER = "Show &last caller"
    JOURNAL = "Call &journal"
    CALL_LISTS = "&Call lists"
    TEAM = "&Team"
    MISSED = "&Missed calls"
    SIMULATE = "Simulate &incoming call"
    SETUP = "Set &up..."
    SETTINGS = "&Settings..."
    SIGN_OUT = "Sign &out of NFON"
    SIGN_IN = "Sign &in to NFON"
    DIAGNOSTICS = "Copy dia&gnostics"
    QUIT = "&Quit"
    ORDER = (
        DND,
        DIAL,
        LAST_CALLER,
        JOURNAL,
        CALL_LISTS,
        TEAM,
        MISSED,
        SIMULATE,
        SETUP,
        SETTINGS,
        SIGN_OUT,
        SIGN_IN,
        DIAGNOSTICS,
        QUIT,
    )

    @staticmethod
    def key(entry: str) -> str:
        return entry[entry.index("&") + 1].lower()


WINDOW_TITLES = {
    Menu.JOURNAL: "Call journal",
    Menu.CALL_LISTS: "Call lists",
    Menu.TEAM: "Team",
    Menu.SETTINGS: "ctidesk settings",
    Menu.DIAL: "Dial a number",
}
"""The window each menu entry opens, by its title."""

POPUP_BUTTONS = ("answer", "reject", "hold", "end")
"""The caller card's call row, left to right (the Zammad row is below it)."""


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2

    @property
    def top_centre(self) -> tuple[int, int]:
        """Where the tray icon is clicked: near its top, above the tray's message balloon,
        whose arrow points at the icon's centre and would take the click."""
        return self.x + self.width // 2, self.y + 3


@dataclass(frozen=True)
class Mark:
    """A point in ctidesk's output (lines) and its log file (bytes)."""

    output: int
    log_bytes: int


@dataclass
class DesktopDriver:
    """One running `ctidesk --demo` on a display, and the means to use it."""

    process: subprocess.Popen[str]
    env: dict[str, str]
    home: Path
    shots: Path
    lines: list[str] = field(default_factory=list)
    phone_url: str = ""
    peak_rss_mb: float = 0.0
    menu_retries: int = 0
    _shot_number: int = 0
    _reader: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)

    # ------------------------------------------------------------------ start and stop

    @classmethod
    def start(
        cls, display: dict[str, str], home: Path, shots: Path, *, demo: bool = True
    ) -> DesktopDriver:
        """`ctidesk --demo` on a fresh home (``CTIDESK_HOME``); its temporary demo folder, and
        so its log file, is made under ``home/tmp``. Returns once the simulators answer.
        ``demo=False`` starts plain `ctidesk` on that home (a first start when it is empty)."""
        for tool in ("xdotool", "xwininfo", "import", "convert"):
            require_tool(tool)
        runtime = home / "runtime"
        runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        (home / "tmp").mkdir(exist_ok=True)
        shots.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in display.items() if not k.startswith("CTIDESK_")}
        env |= {
            "CTIDESK_HOME": str(home),
            "XDG_RUNTIME_DIR": str(runtime),
            "TMPDIR": str(home / "tmp"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "PYTHONFAULTHANDLER": "1",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "ctidesk", *(["--demo"] if demo else [])],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        driver = cls(process, env, home, shots)
        driver._reader.start()
        try:
            if demo:
                driver._wait_started()
            else:
                driver.wait(driver.tray_icon, START_SECONDS, "the tray icon embedded in trayer")
        except BaseException:
            driver.stop()
            raise
        return driver

    def _wait_started(self) -> None:
        found = self.wait(
            lambda: next((m for line in self.lines if (m := DEMO_RUNNING.search(line))), None),
            START_SECONDS,
            "the demo's simulators",
        )
        self.phone_url = found.group(1)
        self.wait(self.tray_icon, 30, "the tray icon embedded in trayer")

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def stop(self) -> int | None:
        """SIGTERM (a clean exit), SIGKILL if that hangs; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._reader.join(10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        return self.process.returncode

    # ------------------------------------------------------------------ waiting and health

    def wait(self, predicate: Callable[[], T | None], timeout: float, what: str) -> T:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        shot = self.screenshot("timeout")
        raise AssertionError(
            f"{what}: not within {timeout} s (ctidesk {self.liveness()}; screen: {shot}); "
            f"its output ends with:\n{self.tail()}"
        )

    def liveness(self) -> str:
        code = self.process.poll()
        return "is running" if code is None else f"exited with {code}"

    def tail(self, count: int = 40) -> str:
        """The end of its output, without the simulators' access log (the polling's noise)."""
        return "".join([line for line in self.lines if "aiohttp.access" not in line][-count:])

    def log_file(self) -> Path | None:
        """Where the demo writes its log: ``<home>/tmp/ctidesk-demo-*/log/ctidesk.log``."""
        found = sorted((self.home / "tmp").glob("ctidesk-demo-*/log/ctidesk.log"))
        return found[0] if found else None

    def settings_file(self) -> Path:
        found = sorted((self.home / "tmp").glob("ctidesk-demo-*/config/settings.toml"))
        assert found, "the demo has not written its settings"
        return found[0]

    def journal_file(self) -> Path:
        found = sorted((self.home / "tmp").glob("ctidesk-demo-*/data/journal.sqlite3"))
        assert found, "the demo has no journal"
        return found[0]

    def mark(self) -> Mark:
        """Where a journey begins, in ctidesk's output and log file (see `problems_since`)."""
        log_file = self.log_file()
        return Mark(len(self.lines), log_file.stat().st_size if log_file else 0)

    def problems_since(self, mark: Mark) -> list[str]:
        """ERROR lines and tracebacks since ``mark``: in its output (stderr: the log plus what
        Python and Qt print themselves) and in its log file (the crash handler writes there)."""
        found = [line.rstrip("\n") for line in self.lines[mark.output :] if PROBLEM.search(line)]
        log_file = self.log_file()
        if log_file is not None:
            with log_file.open("rb") as reader:
                reader.seek(mark.log_bytes)
                text = reader.read().decode("utf-8", errors="replace")
            found += [f"(log file) {line}" for line in text.splitlines() if PROBLEM.search(line)]
        return found

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kilobytes = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
        megabytes = kilobytes / 1024
        self.peak_rss_mb = max(self.peak_rss_mb, megabytes)
        return megabytes

    def assert_healthy(self, since: Mark) -> None:
        """What "pass" means for every journey: alive, nothing logged as an error or a traceback
        (the crash handler logs every unhandled error with one), memory within bounds. On a
        failure the log file is kept beside the screenshots, and the first error is quoted."""
        problems = self.problems_since(since)
        alive = self.process.poll() is None
        if not alive or problems:
            kept = self.keep_log()
            raise AssertionError(
                f"ctidesk {self.liveness()}; {len(problems)} problem lines in its output and "
                f"log (kept: {kept}); the first error:\n{self.first_error(since)}\n"
                f"its output ends with:\n{self.tail(15)}"
            )
        rss = self.rss_mb()
        assert rss < RSS_LIMIT_MB, f"ctidesk uses {rss:.0f} MB (limit {RSS_LIMIT_MB:.0f} MB)"

    def first_error(self, since: Mark, lines: int = 40) -> str:
        """The first ERROR (or traceback) since ``since`` and what follows it."""
        output = [line.rstrip("\n") for line in self.lines[since.output :]]
        for index, line in enumerate(output):
            if PROBLEM.search(line):
                return "\n".join(output[index : index + lines])
        return "(none in its output)"

    def keep_log(self) -> Path | None:
        """A copy of the log file in the shots folder (the demo's folder goes with the test)."""
        log_file = self.log_file()
        if log_file is None:
            return None
        kept = self.shots / "ctidesk.log"
        kept.write_bytes(log_file.read_bytes())
        return kept

    # ------------------------------------------------------------------ X: input and windows

    def x(self, *args: str, check: bool = False) -> str:
        """An X tool (xdotool, xsel, xwininfo) on the demo's display."""
        result = subprocess.run(
            list(args), env=self.env, capture_output=True, text=True, timeout=30, check=check
        )
        return result.stdout

    def key(self, *keys: str, window: int | None = None) -> None:
        """Press keys (xdotool names: ``Escape``, ``alt+s``, ``Return``), after giving
        ``window`` the keyboard focus when one is named."""
        if window is not None:
            self.focus(window)
        self.x("xdotool", "key", "--delay", "40", *keys)
        time.sleep(0.15)

    def type_text(self, text: str) -> None:
        self.x("xdotool", "type", "--delay", "30", text)
        time.sleep(0.15)

    def focus(self, window: int) -> None:
        """Raise the window and give it the keyboard, as a window manager does when it is
        clicked (the test display has none: without this, windows opened later cover it)."""
        self.x("xdotool", "windowraise", str(window), "windowfocus", str(window))
        time.sleep(0.1)

    def click(self, x: int, y: int, button: int = 1) -> None:
        """Move there and click, then move the pointer out of the way (no hover left behind).
        (`mousemove --sync` would wait for good when the pointer is already there.)"""
        self.x("xdotool", "mousemove", str(x), str(y), "sleep", "0.05", "click", str(button))
        time.sleep(0.15)
        self.x("xdotool", "mousemove", "640", "780")

    def click_in(self, window: int, dx: int, dy: int, button: int = 1) -> None:
        """A click at a point of a window (its widgets' places are fixed by its layout)."""
        box = self.geometry(window)
        self.click(box.x + dx, box.y + dy, button)

    def open_list(self, window: int, dx: int, dy: int) -> int:
        """Click a drop-down list (a combo box) at a point of a window; its open list. Keys
        meant for the list are only sent once it is open (Return elsewhere could press a
        dialog's Close button)."""
        self.focus(window)
        before = self.popup_windows()
        self.click_in(window, dx, dy)
        return self.wait(
            lambda: next(iter(self.popup_windows() - before), None), 5, "the drop-down list"
        )

    def windows(self, title: str) -> list[int]:
        """Visible windows whose title matches the regular expression ``title``."""
        found = self.x("xdotool", "search", "--onlyvisible", "--name", title)
        return [int(w) for w in found.split()]

    def window_title(self, window: int) -> str:
        return self.x("xdotool", "getwindowname", str(window)).strip()

    def wait_window(self, title: str, timeout: float = 15) -> int:
        """The one visible window titled ``title`` (a regular expression, anchored)."""
        pattern = f"^{title}$" if not title.startswith("^") else title
        found = self.wait(lambda: self.windows(pattern), timeout, f"the window {title!r}")
        return found[-1]

    def wait_gone(self, title: str, timeout: float = 15) -> None:
        pattern = f"^{title}$" if not title.startswith("^") else title
        self.wait(lambda: not self.windows(pattern), timeout, f"the window {title!r} to close")

    def geometry(self, window: int) -> Box:
        shell = self.x("xdotool", "getwindowgeometry", "--shell", str(window))
        values = dict(line.split("=", 1) for line in shell.split())
        return Box(int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"]))

    def close_window(self, window: int) -> None:
        """Ask the window to close as a window manager's close button does (WM_DELETE_WINDOW:
        Qt's closeEvent runs). The test display has no window manager to draw that button."""
        send_wm_delete(self.env["DISPLAY"], window)
        time.sleep(0.2)

    # ------------------------------------------------------------------ the tray

    def tray_icon(self) -> Box | None:
        """The ctidesk icon inside trayer's panel, in screen coordinates."""
        tree = self.x("xwininfo", "-root", "-tree")
        panel = re.search(r'^\s+0x[0-9a-f]+ "panel": \("panel" "trayer"\).*$', tree, re.MULTILINE)
        if panel is None:
            return None
        for match in TRAY_ICON.finditer(tree[panel.end() :]):
            width, height, x, y = (int(v) for v in match.groups())
            if width > 4 and height > 4:
                return Box(x, y, width, height)
        return None

    def popup_windows(self) -> set[int]:
        """Viewable top-level "ctidesk" windows bigger than a placeholder: the tray menu, and
        the tray's message balloon (both are override-redirect windows, which `xdotool search`
        does not list)."""
        tree = self.x("xwininfo", "-root", "-children")
        found = set()
        for match in re.finditer(
            r"^\s+(0x[0-9a-f]+) " + WINDOW_NAME + r": \(.*?\)\s+(\d+)x(\d+)", tree, re.M
        ):
            window, width, height = int(match.group(1), 16), *map(int, match.groups()[1:])
            if width > 60 and height > 60 and self.viewable(window):
                found.add(window)
        return found

    def viewable(self, window: int) -> bool:
        return "IsViewable" in self.x("xwininfo", "-id", str(window))

    def open_menu(self) -> int:
        """Right-click the tray icon; the menu's window (the one that was not there before).
        A click that opened nothing is tried again, as a person would (now and then a click
        lands while the icon is being repainted); `menu_retries` counts those."""
        for _attempt in range(MENU_ATTEMPTS - 1):
            menu = self._right_click_icon(MENU_SECONDS)
            if menu is not None:
                return menu
            self.menu_retries += 1
        menu = self._right_click_icon(MENU_SECONDS)
        return menu if menu is not None else self.wait(lambda: None, 0, "the tray menu")

    def _right_click_icon(self, timeout: float) -> int | None:
        icon = self.wait(self.tray_icon, 10, "the tray icon")
        before = self.popup_windows()
        x, y = icon.top_centre
        self.x("xdotool", "mousemove", str(x), str(y), "sleep", "0.05", "click", "3")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # The menu, not a message balloon that a missed call may show meanwhile (both are
            # override-redirect windows; the menu is the tall one).
            opened = [w for w in self.popup_windows() - before if self.geometry(w).height > 120]
            if opened:
                return opened[0]
            time.sleep(0.1)
        return None

    def pick(self, entry: str) -> None:
        """Open the tray menu with a right click on the icon and choose ``entry`` by its key.

        A key that several shown entries share only highlights (the first, then the next);
        then it is pressed again until the wanted one is highlighted, and Return picks it."""
        menu = self.open_menu()
        key = Menu.key(entry)
        sharing = [e for e in Menu.ORDER if Menu.key(e) == key]
        for attempt in range(2):  # a key sent before the menu has the keyboard goes elsewhere
            time.sleep(0.2 + 0.5 * attempt)
            self.key(key)
            if self.viewable(menu):
                for _ in range(sharing.index(entry)):
                    self.key(key)
                self.key("Return")
            if not self.viewable(menu):
                return
        if self.viewable(menu):
            self.key("Escape")
            raise AssertionError(f"the tray menu did not take {entry!r} (disabled or hidden?)")

    def click_tray_icon(self) -> None:
        """A left click on the icon (it shows the last caller)."""
        icon = self.wait(self.tray_icon, 10, "the tray icon")
        self.click(*icon.top_centre)

    def open_from_menu(self, entry: str) -> int:
        """Pick an entry that opens a window; the window."""
        self.pick(entry)
        return self.wait_window(WINDOW_TITLES[entry])

    # ------------------------------------------------------------------ the caller pop-up

    def popups(self, who: str = "") -> list[int]:
        return self.windows(f"^(Incoming call from|Call to) .*{re.escape(who)}")

    def wait_popup(self, who: str, timeout: float = 15) -> int:
        return self.wait(lambda: self.popups(who), timeout, f"the pop-up for {who!r}")[-1]

    def wait_no_popup(self, who: str, timeout: float = 15) -> None:
        self.wait(lambda: not self.popups(who), timeout, f"the pop-up for {who!r} to close")

    def popup_button(self, card: int, name: str) -> tuple[int, int]:
        """Where a button of the card's call row is on screen. The card's layout is fixed (two
        rows of buttons at its bottom, four equal buttons to a row); the rows' height is read
        from the screen: the button borders (darker than the card, also when disabled) in a
        column left of the first button's text."""
        self.x("xdotool", "windowraise", str(card))  # a window manager keeps it on top
        box = self.geometry(card)
        width, height = (int(v) for v in self.x("xdotool", "getdisplaygeometry").split())
        assert box.y >= 0 and box.y + box.height <= height and box.x + box.width <= width, (
            f"the card {box} is not all on the screen ({width}x{height})"
        )
        shot = self.screenshot(f"card-{name}", keep=False)
        column = subprocess.run(
            [
                "convert",
                str(shot),
                "-crop",
                f"1x{box.height}+{box.x + 17}+{box.y}",
                "-colorspace",
                "gray",
                "-depth",
                "8",
                "gray:-",
            ],
            capture_output=True,
            timeout=30,
            check=True,
        ).stdout
        dark = [row for row in range(1, len(column) - 1) if column[row] < 0xD0]
        runs: list[list[int]] = []
        for row in dark:
            if runs and row == runs[-1][-1] + 1:
                runs[-1].append(row)
            else:
                runs.append([row])
        assert len(runs) >= 4, f"no button rows found on the card {box} (screen: {shot})"
        shot.unlink()
        call_top, call_bottom = runs[-4][0], runs[-3][-1]
        zammad_height = runs[-1][-1] - runs[-2][0]
        assert abs((call_bottom - call_top) - zammad_height) <= 2, (
            f"the card's button rows are not where they should be (screen: {shot})"
        )
        inner = box.width - 2 * 12
        width = (inner - 3 * 4) / 4
        index = POPUP_BUTTONS.index(name)
        x = box.x + 12 + int(index * (width + 4) + width / 2)
        return x, box.y + (call_top + call_bottom) // 2

    def click_popup_button(self, card: int, name: str) -> None:
        """Click it, unless the card moved meanwhile (the stack rearranges as calls end): a
        click meant for "End" would land on the card below, on "Create ticket"."""
        before = self.geometry(card)
        x, y = self.popup_button(card, name)
        assert self.geometry(card) == before, f"the card moved while aiming at {name!r}"
        self.click(x, y)

    # ------------------------------------------------------------------ the phone (simulator)

    def sim(self, route: str, **query: str | int) -> Any:
        """POST to the phone simulator's ``/sim/<route>``; its JSON answer."""
        params = "&".join(f"{k}={urllib.request.quote(str(v))}" for k, v in query.items())
        request = urllib.request.Request(
            f"{self.phone_url}/sim/{route}?{params}", method="POST", data=b""
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as reply:
                return json.load(reply)
        except urllib.error.HTTPError as exc:
            return json.load(exc)

    def phone_state(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.phone_url}/sim/state", timeout=5) as reply:
            state: dict[str, Any] = json.load(reply)
        return state

    def ring(self, number: str, name: str = "") -> int:
        """The phone rings with this caller; the line it rings on."""
        answer = self.sim("ring", number=number, name=name)
        assert answer.get("ok"), f"the phone did not ring: {answer}"
        return int(answer["result"])

    def caller_hangs_up(self, line: int) -> None:
        self.sim("hangup", line=line)

    def line_state(self, line: int) -> str:
        return str(self.phone_state()["lines"][line - 1]["state"])

    def wait_line(self, line: int, state: str, timeout: float = 15) -> None:
        self.wait(lambda: self.line_state(line) == state, timeout, f"line {line} to be {state!r}")

    def dialled(self) -> list[str]:
        return [entry["number"] for entry in self.phone_state()["dialed"]]

    def wait_dialled(self, digits: str, timeout: float = 15) -> None:
        self.wait(lambda: digits in self.dialled(), timeout, f"the phone to dial {digits}")

    def hang_up_everything(self) -> None:
        """The far end hangs up on every busy line (a journey starts with free lines)."""
        for index, line in enumerate(self.phone_state()["lines"], start=1):
            if line["state"] != "idle":
                self.sim("hangup", line=index)

    def set_dnd_on_phone(self, enabled: bool) -> None:
        self.sim("dnd", on=int(enabled))

    # ------------------------------------------------------------------ records

    def journal_rows(self, number_digits: str) -> list[dict[str, Any]]:
        """The call journal's rows for a number (read-only, as a second reader would)."""
        with sqlite3.connect(f"file:{self.journal_file()}?mode=ro", uri=True) as database:
            database.row_factory = sqlite3.Row
            rows = database.execute(
                "SELECT * FROM calls WHERE replace(remote_raw, ' ', '') LIKE ? ORDER BY started_at",
                (f"%{number_digits}%",),
            ).fetchall()
        return [dict(row) for row in rows]

    def ctidesk(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The command line on the same home (``ctidesk dial ...`` reaches the running app)."""
        return subprocess.run(
            [sys.executable, "-m", "ctidesk", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    # ------------------------------------------------------------------ screenshots

    def screenshot(self, name: str, *, keep: bool = True) -> Path:
        """The whole screen as PNG in the shots folder (and in ``$CTIDESK_JOURNEY_SHOTS``)."""
        self._shot_number += 1
        path = self.shots / f"{self._shot_number:03d}-{name}.png"
        subprocess.run(
            ["import", "-window", "root", str(path)], env=self.env, check=True, timeout=30
        )
        extra = os.environ.get(SHOTS_ENV)
        if keep and extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            (Path(extra) / path.name).write_bytes(path.read_bytes())
        return path


class BackgroundCalls:
    """Callers who ring and hang up at random (from ``rng``) while a journey goes on: the
    phone simulator is driven from a thread, as the far ends of real calls would be."""

    def __init__(
        self, desktop: DesktopDriver, rng: random.Random, pause: tuple[float, float] = (1.0, 4.0)
    ) -> None:
        self._desktop = desktop
        self._rng = rng
        self._pause = pause
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="background-calls", daemon=True)
        self.rung = 0
        self.hung_up = 0

    def __enter__(self) -> BackgroundCalls:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(15)

    def _run(self) -> None:
        while not self._stop.wait(self._rng.uniform(*self._pause)):
            try:
                self.step()
            except (OSError, ValueError, KeyError):
                if self._desktop.process.poll() is not None:
                    return

    def step(self) -> None:
        lines = self._desktop.phone_state()["lines"]
        busy = [index for index, line in enumerate(lines, start=1) if line["state"] != "idle"]
        if busy and (len(busy) >= 2 or self._rng.random() < 0.45):
            self._desktop.caller_hangs_up(self._rng.choice(busy))
            self.hung_up += 1
        else:
            digits = "".join(str(self._rng.randrange(10)) for _ in range(7))
            name = self._rng.choice(["", "Background Caller", "Bea Hinterher"])
            answer = self._desktop.sim("ring", number=f"+49 221 {digits}", name=name)
            self.rung += bool(answer.get("ok"))


class _ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


CLIENT_MESSAGE = 33


def send_wm_delete(display: str, window: int) -> None:
    """The WM_DELETE_WINDOW message a window manager sends when its close button is clicked."""
    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(_XEvent),
    ]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = x11.XOpenDisplay(display.encode())
    assert connection, f"cannot open the X display {display}"
    try:
        event = _XEvent()
        event.xclient.type = CLIENT_MESSAGE
        event.xclient.window = window
        event.xclient.message_type = x11.XInternAtom(connection, b"WM_PROTOCOLS", 0)
        event.xclient.format = 32
        event.xclient.data[0] = x11.XInternAtom(connection, b"WM_DELETE_WINDOW", 0)
        x11.XSendEvent(connection, window, 0, 0, ctypes.byref(event))
        x11.XFlush(connection)
    finally:
        x11.XCloseDisplay(connection)
