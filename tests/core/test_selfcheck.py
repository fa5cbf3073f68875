"""`ctidesk --self-check` in the source tree: what it reports, and that a missing piece fails it.

The frozen build is checked end to end in tests/e2e/test_deb_package.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ctidesk.checks import installation
from ctidesk.cli import main
from ctidesk.core.ports import ReachState, SystemStatus


def test_every_ctidesk_module_imports_from_the_source_tree() -> None:
    line = installation.check_imports()
    assert line.state is ReachState.OK, line.detail
    assert line.detail.endswith("ctidesk modules import")


def test_writable_data_dirs_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTIDESK_HOME", str(tmp_path / "home"))
    line = installation.check_data_dirs()
    assert line.state is ReachState.OK
    assert str(tmp_path / "home" / "data") in line.detail
    assert sorted(p.name for p in (tmp_path / "home").iterdir()) == [
        "config",
        "data",
        "log",
        "run",
    ]
    assert not list((tmp_path / "home").rglob(".ctidesk-self-check-*"))


def test_unusable_data_dir_fails_the_command_with_a_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CTIDESK_HOME", str(blocker))
    monkeypatch.setattr(installation, "installation_checks", lambda: [installation.check_data_dirs])

    exit_code = main(["--self-check"])

    out, err = capsys.readouterr()
    assert exit_code == 1
    assert "FAIL  data dirs  not writable:" in out
    assert "self-check found 1 problem(s):" in err
    assert f"  - data dirs: not writable: {blocker / 'config'}" in err


def test_warnings_alone_pass(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_daemon() -> SystemStatus:
        detail = "no keyring daemon is running here"
        return SystemStatus(system="keyring", state=ReachState.UNKNOWN, detail=detail)

    monkeypatch.setattr(
        installation, "installation_checks", lambda: [installation.check_translations, no_daemon]
    )
    assert main(["--self-check"]) == 0
    out = capsys.readouterr().out
    assert "(source install)" in out
    assert "warn  keyring" in out
    assert out.rstrip().endswith("self-check passed (1 warning(s))")


def test_native_platform_plugin_is_checked_next_to_offscreen() -> None:
    assert installation.platform_plugins()[0] == "offscreen"
    assert installation.platform_plugins()[1] in {"xcb", "windows", "cocoa"}
