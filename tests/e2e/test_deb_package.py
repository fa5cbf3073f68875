"""The Linux installer: build the bundle and the .deb, install it into a throwaway root, and run
the installed files: `--version`, `--self-check`, and the demo until its tray icon is embedded.

Slow (the PyInstaller build takes a few minutes). The build cache stays in build/linux; the
package and the root it is installed into live in the test's tmp folder.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from ctidesk import APP_ID, __version__
from tests.e2e.conftest import screenshot

ROOT = Path(__file__).parents[2]
BUILD_TIMEOUT = 1200
TRAY_TIMEOUT = 60.0

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def installed_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the one documented build command, then install the .deb into a throwaway root."""
    out_dir = tmp_path_factory.mktemp("deb")
    env = {**os.environ, "OUT_DIR": str(out_dir)}
    build = subprocess.run(
        [str(ROOT / "packaging" / "linux" / "build-deb.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    debs = sorted(out_dir.glob("ctidesk_*.deb"))
    assert len(debs) == 1, debs
    root = tmp_path_factory.mktemp("root")
    _dpkg_install(debs[0], root)
    control = subprocess.run(
        ["dpkg-deb", "-f", str(debs[0]), "Package", "Version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"Package: ctidesk\nVersion: {__version__}\n" == control
    return root


def _dpkg_install(deb: Path, root: Path) -> None:
    """`dpkg -i` into an empty root with its own database; postinst runs against that root.

    Dependencies are not checked (the root has no libc6 package), scripts run without chroot
    and see DPKG_ROOT, which the maintainer scripts honour.
    """
    admin = root / "var" / "lib" / "dpkg"
    for folder in ("info", "updates", "triggers"):
        (admin / folder).mkdir(parents=True)
    (admin / "status").touch()
    install = subprocess.run(
        [
            "dpkg",
            f"--instdir={root}",
            f"--admindir={admin}",
            "--force-depends",
            "--force-script-chrootless",
            "--force-not-root",
            "--install",
            str(deb),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    status = (admin / "status").read_text(encoding="utf-8")
    assert "Package: ctidesk\nStatus: install ok installed\n" in status


def _user_env(base: dict[str, str], home: Path) -> dict[str, str]:
    """A user's session without this repository's venv, and with its own home and data."""
    env = {
        key: value
        for key, value in base.items()
        if not key.startswith(("VIRTUAL_ENV", "PYTHON", "CTIDESK_", "XDG_"))
        and key != "DBUS_SESSION_BUS_ADDRESS"  # no SNI watcher: Qt uses the XEmbed tray (trayer)
    }
    env.update(
        HOME=str(home),
        CTIDESK_HOME=str(home / "ctidesk"),
        PATH="/usr/bin:/bin",
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
    )
    return env


def test_package_lays_out_the_bundle_menu_entry_and_icons(installed_root: Path) -> None:
    launcher = installed_root / "usr" / "bin" / "ctidesk"
    assert launcher.is_symlink()
    assert os.readlink(launcher) == "../../opt/ctidesk/ctidesk"
    assert launcher.resolve() == (installed_root / "opt" / "ctidesk" / "ctidesk").resolve()
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(installed_root / "usr" / "share" / "applications" / f"{APP_ID}.desktop")
    desktop = entry["Desktop Entry"]
    assert desktop["MimeType"] == "x-scheme-handler/tel;x-scheme-handler/callto;"
    assert desktop["Exec"] == "/opt/ctidesk/ctidesk %u"
    icons = installed_root / "usr" / "share" / "icons" / "hicolor"
    for size in (16, 32, 48, 64, 128, 256):
        assert (icons / f"{size}x{size}" / "apps" / "ctidesk.png").stat().st_size > 0
    assert (icons / "scalable" / "apps" / "ctidesk.svg").is_file()
    autostart = installed_root / "opt" / "ctidesk" / "share" / "ctidesk-autostart.desktop"
    assert "Exec=/opt/ctidesk/ctidesk\n" in autostart.read_text(encoding="utf-8")
    if shutil.which("update-desktop-database"):
        cache = installed_root / "usr" / "share" / "applications" / "mimeinfo.cache"
        assert f"x-scheme-handler/tel={APP_ID}.desktop;" in cache.read_text(encoding="utf-8")


def test_installed_ctidesk_reports_its_version_and_passes_self_check(
    installed_root: Path, x_display: dict[str, str], tmp_path: Path
) -> None:
    env = _user_env(x_display, tmp_path / "home")
    launcher = str(installed_root / "usr" / "bin" / "ctidesk")
    version = subprocess.run(
        [launcher, "--version"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"ctidesk {__version__}"

    check = subprocess.run(
        [launcher, "--self-check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "(frozen install)" in check.stdout
    assert re.search(r"ok +imports +\d+ ctidesk modules import", check.stdout), check.stdout
    assert re.search(r"ok +qt platform +offscreen starts; xcb starts", check.stdout), check.stdout
    assert re.search(r"ok +data dirs +writable", check.stdout), check.stdout
    if list((ROOT / "resources" / "i18n").glob("*.ts")):  # compiled into the bundle
        assert re.search(r"ok +translations +loaded ", check.stdout), check.stdout
    assert "self-check passed" in check.stdout


def _trayer_windows(env: dict[str, str]) -> set[int]:
    found = subprocess.run(
        ["xdotool", "search", "--class", "trayer"], env=env, capture_output=True, text=True
    )
    return {int(w) for w in found.stdout.split()}


def _parent(window: int, env: dict[str, str]) -> int | None:
    info = subprocess.run(
        ["xwininfo", "-children", "-id", str(window)], env=env, capture_output=True, text=True
    )
    match = re.search(r"Parent window id: (0x[0-9a-f]+)", info.stdout)
    if match is None or "(the root window)" in info.stdout.split("Parent window id:", 1)[1][:80]:
        return None
    return int(match.group(1), 16)


def _embedded_tray_icon(pid: int, env: dict[str, str]) -> int | None:
    """A window of process `pid` that the tray host (trayer) has reparented into itself."""
    tray = _trayer_windows(env)
    found = subprocess.run(
        ["xdotool", "search", "--pid", str(pid)], env=env, capture_output=True, text=True
    )
    for window in (int(w) for w in found.stdout.split()):
        ancestor = _parent(window, env)
        for _ in range(5):
            if ancestor is None:
                break
            if ancestor in tray:
                return window
            ancestor = _parent(ancestor, env)
    return None


def test_installed_demo_shows_its_tray_icon(
    installed_root: Path, x_display: dict[str, str], tmp_path: Path
) -> None:
    env = {**_user_env(x_display, tmp_path / "home"), "QT_QPA_PLATFORM": "xcb"}
    log_path = tmp_path / "demo.log"
    with log_path.open("w", encoding="utf-8") as log:
        started = time.monotonic()
        app = subprocess.Popen(
            [str(installed_root / "usr" / "bin" / "ctidesk"), "--demo"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            icon = None
            while time.monotonic() - started < TRAY_TIMEOUT and app.poll() is None:
                icon = _embedded_tray_icon(app.pid, env)
                if icon is not None:
                    break
                time.sleep(0.05)
            to_tray = time.monotonic() - started
            shot = screenshot(x_display, tmp_path / "installed-demo.png")
            exited = app.poll()
        finally:
            app.terminate()
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()
    output = log_path.read_text(encoding="utf-8", errors="replace")
    assert exited is None, f"the installed app exited with {exited}:\n{output[-3000:]}"
    assert icon is not None, f"no tray icon within {TRAY_TIMEOUT} s:\n{output[-3000:]}"
    assert "Traceback" not in output, output[-3000:]
    assert shot.stat().st_size > 0
    print(f"installed ctidesk --demo: tray icon embedded after {to_tray:.2f} s")
