"""Issue 18 point 3: every client package has the same shape and the same names."""

from __future__ import annotations

from enum import Enum

import pytest
from pydantic import BaseModel

from ctidesk.clients.grandstream import models as grandstream_models
from ctidesk.clients.nfon import cti as nfon_cti


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (grandstream_models.LineState, grandstream_models.LineStatus),
        (nfon_cti.LineState, nfon_cti.LineStatus),
    ],
    ids=["grandstream", "nfon"],
)
def test_line_state_is_the_enum_and_line_status_the_reading_in_every_client(
    state: type, status: type
) -> None:
    assert issubclass(state, Enum)
    assert issubclass(status, BaseModel)
