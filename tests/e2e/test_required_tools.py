"""Finding 10: a test that needs an X tool says which Debian package brings it, instead of
failing with ``FileNotFoundError: 'import'`` deep inside the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import TOOL_PACKAGES, require_tool


@pytest.mark.parametrize(
    ("tool", "package"),
    [
        ("import", "imagemagick"),
        ("xdotool", "xdotool"),
        ("trayer", "trayer"),
        ("Xvfb", "xvfb"),
        ("xsel", "xsel"),
        ("xwininfo", "x11-utils"),
    ],
)
def test_a_missing_tool_names_its_package(
    tool: str, package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.fail.Exception) as failure:
        require_tool(tool)
    assert str(failure.value) == f"{tool} is not installed: sudo apt-get install {package}"
    assert TOOL_PACKAGES[tool] == package


def test_a_tool_that_is_there_is_found() -> None:
    assert require_tool("sh").endswith("/sh")
