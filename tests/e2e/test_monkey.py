"""The monkey: a seeded random sequence of what a user does (tray menu entries, windows opened
and closed, the pop-up's buttons, Settings edited and saved, keys, dialling) for some minutes,
while callers ring and hang up at random (a thread, from the same seed) on the real
`ctidesk --demo` under Xvfb with a tray.

Pass means what it means for every journey (`DesktopDriver.assert_healthy`): alive, no ERROR
and no traceback in its output or log, RSS in bounds; checked every few actions and at the end.

    CTIDESK_MONKEY_MINUTES=2     how long (the CI run: 2)
    CTIDESK_MONKEY_SEED=1234     replay a run (each run prints its seed and action count)
    pytest -m monkey_long tests/e2e/test_monkey.py -s     the long run (30 minutes unless set)
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.desktop_driver import WINDOW_TITLES, BackgroundCalls, DesktopDriver, Mark, Menu

pytestmark = [pytest.mark.e2e, pytest.mark.gui]

MINUTES_ENV = "CTIDESK_MONKEY_MINUTES"
SEED_ENV = "CTIDESK_MONKEY_SEED"
SHORT_MINUTES = 2.0
LONG_MINUTES = 30.0
HEALTH_EVERY = 10
"""Actions between two health checks (a failure then names the few actions before it)."""
SHOTS_EVERY = 40
STUMBLE_SHARE = 0.25
"""More actions than this share that could not be done (a menu that does not open, a window
that does not appear) means the desktop stopped answering, even if it did not log an error."""

RECORDS = (Menu.JOURNAL, Menu.CALL_LISTS, Menu.TEAM)
SETTINGS_TITLE = WINDOW_TITLES[Menu.SETTINGS]
SETTINGS_LISTS = ("alt+c", "alt+p")
"""The Pop-up page's two lists ("Close the pop-up", "Position"), reached by their labels' keys."""


@dataclass
class Monkey:
    desktop: DesktopDriver
    rng: random.Random
    done: list[str] = field(default_factory=list)
    stumbles: list[str] = field(default_factory=list)

    def actions(self) -> list[tuple[int, str, Callable[[], None]]]:
        """(weight, name, action): what a user does, about as often as one would."""
        table: list[tuple[int, str, Callable[[], None]]] = [
            (6, "open a records window", self.open_records),
            (5, "close a window", self.close_a_window),
            (8, "click a pop-up button", self.click_popup_button),
            (3, "dismiss a pop-up", self.dismiss_popup),
            (2, "left-click the tray icon", self.desktop.click_tray_icon),
            (2, "Show last caller", lambda: self.desktop.pick(Menu.LAST_CALLER)),
            (2, "toggle DND", lambda: self.desktop.pick(Menu.DND)),
            (2, "Simulate incoming call", lambda: self.desktop.pick(Menu.SIMULATE)),
            (1, "Copy diagnostics", lambda: self.desktop.pick(Menu.DIAGNOSTICS)),
            (3, "edit and save Settings", self.edit_settings),
            (1, "close Settings", self.close_settings),
            (2, "ctidesk dial", self.dial_from_the_command_line),
            (1, "Dial... from the menu", self.dial_from_the_menu),
            (2, "press keys in a window", self.press_keys),
            (1, "open a menu and leave it", self.open_and_leave_menu),
        ]
        return table

    def step(self) -> str:
        weights, names, actions = zip(*self.actions(), strict=True)
        (index,) = self.rng.choices(range(len(actions)), weights=weights)
        try:
            actions[index]()
        except AssertionError as exc:
            if self.desktop.process.poll() is not None:
                raise AssertionError(
                    f"ctidesk {self.desktop.liveness()} during {names[index]!r} (after "
                    f"{len(self.done)} actions: {', '.join(self.done[-HEALTH_EVERY:])}); its "
                    f"output ends with:\n{self.desktop.tail()}"
                ) from exc
            # Nothing is pressed to tidy up: each action closes what it opened, and a stray
            # Escape would close Settings (finding 1) or whatever else has the keyboard.
            self.stumbles.append(f"{names[index]}: {str(exc).splitlines()[0]}")
        self.done.append(names[index])
        return str(names[index])

    # ------------------------------------------------------------------ actions

    def open_records(self) -> None:
        self.desktop.open_from_menu(self.rng.choice(RECORDS))

    def open_windows(self) -> list[int]:
        titles = "|".join(WINDOW_TITLES[entry] for entry in RECORDS)
        found = self.desktop.windows(f"^({titles}|{SETTINGS_TITLE})$")
        if SETTINGS_TITLE in "".join(self.desktop.window_title(w) for w in found):
            found = [w for w in found if self.desktop.window_title(w) != SETTINGS_TITLE]
        return found

    def close_a_window(self) -> None:
        windows = self.open_windows()
        if windows:
            self.desktop.close_window(self.rng.choice(windows))

    def inbound_cards(self) -> list[int]:
        return self.desktop.windows("^Incoming call from ")

    def click_popup_button(self) -> None:
        cards = self.inbound_cards()
        if cards:
            card = self.rng.choice(cards)
            button = self.rng.choice(("answer", "answer", "hold", "end", "reject"))
            self.desktop.click_popup_button(card, button)

    def dismiss_popup(self) -> None:
        cards = self.desktop.popups()
        if cards:
            box = self.desktop.geometry(self.rng.choice(cards))
            self.desktop.click(box.x + box.width - 12 - 14, box.y + 10 + 11)

    def edit_settings(self) -> None:
        windows = self.desktop.windows(f"^{SETTINGS_TITLE}$")
        dialog = windows[0] if windows else self.desktop.open_from_menu(Menu.SETTINGS)
        self.desktop.key("alt+o", window=dialog)
        self.desktop.key(self.rng.choice(SETTINGS_LISTS), window=dialog)
        self.desktop.key(self.rng.choice(("Home", "End")), self.rng.choice(("Up", "Down")))
        self.desktop.key("alt+s", window=dialog)

    def close_settings(self) -> None:
        for dialog in self.desktop.windows(f"^{SETTINGS_TITLE}$"):
            self.desktop.key("Escape", window=dialog)

    def dial_from_the_command_line(self) -> None:
        digits = "".join(str(self.rng.randrange(10)) for _ in range(7))
        result = self.desktop.ctidesk("dial", f"+49 69 {digits}")
        assert result.returncode == 0, result.stderr

    def dial_from_the_menu(self) -> None:
        self.desktop.open_from_menu(Menu.DIAL)
        self.desktop.type_text("+49 69 " + "".join(str(self.rng.randrange(10)) for _ in range(7)))
        self.desktop.key("Return")

    def press_keys(self) -> None:
        windows = self.open_windows() + self.desktop.windows(f"^{SETTINGS_TITLE}$")
        if windows:
            keys = self.rng.choice((["Tab"], ["Tab", "Tab", "space"], ["Escape"], ["ctrl+Tab"]))
            self.desktop.key(*keys, window=self.rng.choice(windows))

    def open_and_leave_menu(self) -> None:
        self.desktop.open_menu()
        time.sleep(self.rng.uniform(0.1, 1.0))
        self.desktop.key("Escape")


def monkey_run(x_display: dict[str, str], tmp_path: Path, minutes: float) -> None:
    seed = int(os.environ.get(SEED_ENV) or time.time_ns() % 1_000_000)
    print(f"\nmonkey: seed {seed} ({SEED_ENV}={seed} replays it), {minutes} minutes")
    desktop = DesktopDriver.start(x_display, tmp_path / "home", tmp_path / "shots")
    monkey = Monkey(desktop, random.Random(seed))
    calls = BackgroundCalls(desktop, random.Random(seed + 1), pause=(0.5, 3.0))
    started = time.monotonic()
    since = desktop.mark()
    try:
        with calls:
            while time.monotonic() - started < minutes * 60:
                monkey.step()
                if len(monkey.done) % HEALTH_EVERY == 0:
                    _healthy(desktop, since, monkey)
                if len(monkey.done) % SHOTS_EVERY == 0:
                    desktop.screenshot(f"monkey-{len(monkey.done)}")
        desktop.screenshot("monkey-end")
        _healthy(desktop, since, monkey)
    finally:
        elapsed = (time.monotonic() - started) / 60
        print(
            f"monkey: seed {seed}, {len(monkey.done)} actions in {elapsed:.1f} minutes, "
            f"{len(monkey.stumbles)} could not be done, the phone rang {calls.rung} times "
            f"and callers hung up {calls.hung_up} times, peak RSS {desktop.peak_rss_mb:.0f} MB, "
            f"{desktop.menu_retries} right-clicks on the icon tried again"
        )
        for stumble in monkey.stumbles[:20]:
            print(f"  could not: {stumble}")
        desktop.stop()
    assert len(monkey.stumbles) <= STUMBLE_SHARE * len(monkey.done), monkey.stumbles


def _healthy(desktop: DesktopDriver, since: Mark, monkey: Monkey) -> None:
    try:
        desktop.assert_healthy(since)
    except AssertionError as exc:
        last = ", ".join(monkey.done[-HEALTH_EVERY:])
        raise AssertionError(
            f"{exc}\n(after {len(monkey.done)} actions; the last: {last})"
        ) from exc


SHORT_RUN = float(os.environ.get(MINUTES_ENV) or SHORT_MINUTES)
LONG_RUN = float(os.environ.get(MINUTES_ENV) or LONG_MINUTES)
SPARE_SECONDS = 300
"""Start, stop and the last action on top of the run (the suite's 600 s timeout is too short
for a longer run)."""


@pytest.mark.slow
@pytest.mark.timeout(int(SHORT_RUN * 60) + SPARE_SECONDS)
def test_monkey(x_display: dict[str, str], tmp_path: Path) -> None:
    monkey_run(x_display, tmp_path, SHORT_RUN)


@pytest.mark.monkey_long
@pytest.mark.timeout(int(LONG_RUN * 60) + SPARE_SECONDS)
def test_monkey_long(x_display: dict[str, str], tmp_path: Path) -> None:
    monkey_run(x_display, tmp_path, LONG_RUN)
