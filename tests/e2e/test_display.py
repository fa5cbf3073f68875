"""The display fixture itself: a bare tray icon shows up under Xvfb with trayer as tray host."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import screenshot

ROOT = Path(__file__).parents[2]

pytestmark = pytest.mark.e2e


def test_bare_tray_icon_starts_under_xvfb_with_a_tray_host(
    x_display: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "baseline_tray.py"), "--exit-after", "1"],
        env=x_display,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("tray-shown ")
    shot = screenshot(x_display, tmp_path / "screen.png")
    assert shot.stat().st_size > 0
