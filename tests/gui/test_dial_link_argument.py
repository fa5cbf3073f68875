"""`ctidesk tel:…` as the desktop entry (`Exec=ctidesk %u`) runs it reaches the running ctidesk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ctidesk.gui.desktop import Desktop

from .conftest import FakePhone, wait_until
from .test_single_instance import _ctidesk, _finish, desktop

pytestmark = pytest.mark.gui

__all__ = ["desktop"]  # the fixture, shared with test_single_instance


@pytest.mark.parametrize(
    ("args", "dialled"),
    [
        (["tel:+49-30-1234567"], "+49301234567"),
        (["callto://+4930765432"], "+4930765432"),
        (["sip:+442079460000@pbx.example"], "+442079460000"),
        (["--config", "unused.toml", "tel:+4930111222"], "+4930111222"),
    ],
)
def test_dial_link_as_the_only_argument_dials_in_the_running_ctidesk(
    desktop: Desktop, tmp_path: Path, phone: FakePhone, run: Any, args: list[str], dialled: str
) -> None:
    process = _ctidesk(tmp_path, *args)
    run(wait_until(lambda: process.poll() is not None, limit=8))
    code, _out, err = _finish(process)
    assert code == 0, err
    run(wait_until(lambda: len(phone.commands) == 1))
    assert phone.commands == [("dial", dialled)]
