"""Issue 19, point 6: the Windows installer follows its platform. It speaks English and German,
offers the machine-wide install that lets the phone's Action URLs through the Windows Firewall
(a per-user install cannot add a rule) and removes that rule again, and asks a running ctidesk
to quit instead of killing it. The script is checked as text: this machine has no Inno Setup
(the workflow in .github/ builds and installs it on Windows)."""

from __future__ import annotations

import re
from pathlib import Path

ISS = Path(__file__).resolve().parents[2] / "packaging" / "windows" / "ctidesk.iss"


def _script() -> str:
    return ISS.read_text(encoding="utf-8-sig")


def _section(name: str) -> list[str]:
    body = _script().split(f"[{name}]", 1)[1]
    body = re.split(r"^\[\w+\]", body, maxsplit=1, flags=re.MULTILINE)[0]
    return [line for line in body.splitlines() if line.strip() and not line.startswith(";")]


def test_the_script_is_utf8_with_a_bom_for_its_german_texts() -> None:
    assert ISS.read_bytes().startswith(b"\xef\xbb\xbf")


def test_every_message_is_in_english_and_german() -> None:
    languages = _section("Languages")
    assert any('Name: "de"' in line and "German.isl" in line for line in languages)
    messages = dict(line.split("=", 1) for line in _section("CustomMessages"))
    english = {key[3:] for key in messages if key.startswith("en.")}
    german = {key[3:] for key in messages if key.startswith("de.")}
    assert english == german and english
    assert "löschen" in messages["de.DeleteData"]


def test_the_all_users_install_adds_the_firewall_rule_and_removes_it() -> None:
    assert "PrivilegesRequiredOverridesAllowed=dialog commandline" in _script()
    (add,) = [line for line in _section("Run") if "netsh" in line]
    assert "firewall add rule" in add and 'program=""{app}\\ctidesk.exe""' in add
    assert "profile=domain,private" in add and "Check: IsAdminInstallMode" in add
    (delete,) = [line for line in _section("UninstallRun") if "netsh" in line]
    assert "firewall delete rule" in delete and "Check: IsAdminInstallMode" in delete


def test_the_uninstaller_asks_ctidesk_to_quit_before_anything_is_forced() -> None:
    steps = _section("UninstallRun")
    quit_step = next(i for i, line in enumerate(steps) if "ctidesk-cli.exe" in line)
    assert 'Parameters: "quit --wait' in steps[quit_step]
    forced = [i for i, line in enumerate(steps) if "/F" in line]
    assert all(i > quit_step for i in forced), "taskkill /F only for one that did not quit"
