"""The command line as a user meets it: one actionable line and a non-zero exit for each mistake."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ctidesk import __version__


def run_cli(
    home: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CTIDESK_")}
    environ |= {
        "CTIDESK_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    environ |= env
    return subprocess.run(
        [sys.executable, "-m", "ctidesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )


def test_version(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"ctidesk {__version__}"


def test_unknown_subcommand_is_one_actionable_line(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "frobnicate")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ctidesk: unknown command 'frobnicate'; run `ctidesk --help` for the list of commands"
    ]


def test_bad_settings_file_is_one_line_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[dialing]\naccount = "first"\n')
    result = run_cli(tmp_path, "--config", str(bad), "doctor")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "dialing.account" in lines[0]


def test_missing_keyring_backend_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "secret", "set", "phone_passcode", stdin="hunter2-secret\n")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no OS keyring" in lines[0] and "CTIDESK_" in lines[0]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"hunter2-secret" not in path.read_bytes(), path


def test_secret_status_reads_environment_without_showing_values(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "secret", "status", CTIDESK_PHONE_PASSCODE="hunter2-secret")
    assert result.returncode == 0
    assert "phone_passcode       set" in result.stdout
    assert "hunter2-secret" not in result.stdout + result.stderr


@pytest.mark.parametrize("args", [["doctor"], ["paths"]])
def test_headless_commands_never_log_secrets(tmp_path: Path, args: list[str]) -> None:
    secret = "hunter2-very-secret"
    run_cli(tmp_path, *args, CTIDESK_PHONE_PASSCODE=secret, CTIDESK_ZAMMAD_API_TOKEN=secret + "z")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_redactor_hides_known_values_and_credential_shapes() -> None:
    from ctidesk.config.logs import Redactor

    redactor = Redactor()
    redactor.add("s3cr3t-value")
    text = redactor(
        "GET http://127.0.0.1/cgi-bin/api-get_line_status?passcode=abc%26def&x=1 "
        "Authorization: Bearer eyJabc.def token s3cr3t-value "
        "POST https://z.example/api/v1/cti/AbCdEf123 ok"
    )
    assert "abc%26def" not in text
    assert "eyJabc.def" not in text
    assert "s3cr3t-value" not in text
    assert "AbCdEf123" not in text
    assert "x=1" in text


# ---------------------------------------------------------------- tel:/callto:/sip: as argument


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["tel:+4930123456"], ["dial", "--start", "tel:+4930123456"]),
        (["TEL:+49-30-123456"], ["dial", "--start", "TEL:+49-30-123456"]),
        (["callto://+4930123456"], ["dial", "--start", "callto://+4930123456"]),
        (["sip:1001@pbx.example"], ["dial", "--start", "sip:1001@pbx.example"]),
        (["--config", "/x.toml", "tel:+49"], ["--config", "/x.toml", "dial", "--start", "tel:+49"]),
        (["--config=/x.toml", "tel:+49"], ["--config=/x.toml", "dial", "--start", "tel:+49"]),
        (["--conf", "/x.toml", "tel:+49"], ["--conf", "/x.toml", "dial", "--start", "tel:+49"]),
        (["--", "tel:+49"], ["dial", "--start", "tel:+49"]),
        # a settings file that happens to be called tel:x stays a settings file
        (["--config", "tel:x", "paths"], ["--config", "tel:x", "paths"]),
        (["dial", "tel:+49"], ["dial", "tel:+49"]),
        (["mailto:someone@example.org"], ["mailto:someone@example.org"]),
        (["paths"], ["paths"]),
        ([], []),
    ],
)
def test_dial_links_become_the_dial_command(argv: list[str], expected: list[str]) -> None:
    from ctidesk.cli import build_parser, dial_link_argv

    assert dial_link_argv(argv, build_parser()) == expected


@pytest.mark.parametrize("number", [["+49 30 123456"], ["+49", "30", "123456"]])
def test_dial_without_a_running_ctidesk_is_one_line(tmp_path: Path, number: list[str]) -> None:
    """Quoted or not (a number typed with spaces arrives as several arguments)."""
    result = run_cli(tmp_path, "dial", *number, QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "ctidesk: ctidesk is not running; start it first (run `ctidesk`), then dial again"
    ]
    assert result.stdout == ""


@pytest.mark.gui
def test_a_clicked_link_starts_ctidesk_and_dials(tmp_path: Path) -> None:
    """What the OS runs for a tel: link when ctidesk is not running yet: it starts (here on the
    demo) and the phone dials the number once the network is up."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CTIDESK_")}
    environ |= {
        "CTIDESK_HOME": str(tmp_path),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "ctidesk", "--demo", "tel:+49-30-7654321"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=environ,
    )
    seen: list[str] = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            seen.append(line)
            if "phone event dialing (out)" in line or "Traceback" in line:
                break
        assert any("phone event dialing (out)" in line for line in seen), seen
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_dial_link_without_a_number_says_what_is_wrong(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "tel:", QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["ctidesk: the link holds no number to dial"]


def test_other_links_stay_unknown_commands(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "mailto:someone@example.org")
    assert result.returncode == 2
    assert "unknown command 'mailto:someone@example.org'" in result.stderr


def test_headless_commands_never_import_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ctidesk.cli import main\n"
        "rc = main(['paths'])\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync'))\n"
        "print('QT', qt)\n"
        "sys.exit(rc)\n"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CTIDESK_")}
    environ["CTIDESK_HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "QT []" in result.stdout


# Issue 14, finding 9: the command line as a reception-PC admin meets it.


@pytest.mark.parametrize("command", ["doctor", "bridge", "login", "paths"])
def test_every_command_help_says_what_it_does(tmp_path: Path, command: str) -> None:
    """Finding 9: `ctidesk doctor --help` (bridge, login, paths) printed only the usage line."""
    result = run_cli(tmp_path, command, "--help")
    assert result.returncode == 0
    usage, _, rest = result.stdout.partition("\n\n")
    description = rest.split("\n\n", 1)[0]
    assert usage.startswith(f"usage: ctidesk {command}")
    assert not description.startswith("options:"), result.stdout
    assert len(description.split()) >= 3, result.stdout


def test_a_missing_config_file_is_named_and_fails(tmp_path: Path) -> None:
    """Finding 9: `--config /no/such/file.toml` ran silently on the defaults."""
    missing = tmp_path / "no" / "such" / "file.toml"
    result = run_cli(tmp_path, "--config", str(missing), "doctor")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"ctidesk: the settings file {missing} does not exist")
    assert "system" not in result.stdout


def test_bridge_with_nothing_set_up_says_what_is_missing(tmp_path: Path) -> None:
    """Finding 9: `ctidesk bridge` printed "ready" with nothing configured; with no source of
    calls it now names each missing part and exits non-zero (README, Headless use)."""
    result = run_cli(tmp_path, "bridge")
    assert result.returncode == 2
    assert "ready" not in result.stdout
    assert "no source of calls" in result.stderr
    assert "phone: no address" in result.stderr
    assert "nfon: not signed in; run `ctidesk login`" in result.stderr


def test_bridge_runs_on_what_is_there_and_names_the_rest(tmp_path: Path) -> None:
    """Finding 9: with the phone set up but not Zammad or NFON, the bridge runs and says what
    it runs without before it is ready."""
    settings = tmp_path / "config" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text(
        '[phone]\naddress = "127.0.0.1:9"\nlisten_address = "127.0.0.1"\nlisten_port = 0\n'
        'action_url_public_host = "127.0.0.1"\n'
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CTIDESK_")}
    environ |= {
        "CTIDESK_HOME": str(tmp_path),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "CTIDESK_PHONE_PASSCODE": "passcode-1",
        "CTIDESK_ACTION_URL_TOKEN": "token-123456789",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "ctidesk", "bridge"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("ctidesk bridge ready"):
                break
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert lines[-1] == "ctidesk bridge ready", lines
    assert "not set up: nfon: not signed in; run `ctidesk login`" in lines
    assert "not set up: zammad: no address; put it into [zammad] url" in lines
