"""Fuzz of the settings file: whatever is in it, loading gives settings or a `SettingsError`
(a sentence naming the file and the key), never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from ctidesk.config.settings import Settings, SettingsError, load_settings, settings_from_dict

SECTIONS = {
    name: field.annotation
    for name, field in Settings.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
}
KEYS = sorted({key for model in SECTIONS.values() for key in model.model_fields})

scalars = (
    st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "127.0.0.1", "http://x", "{number}", "DE", "passcode", "de"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
sections = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), values, max_size=6)
documents = st.dictionaries(
    st.sampled_from(sorted(SECTIONS)) | st.just("version") | st.text(max_size=10),
    sections | values,
    max_size=5,
)


def _load(content: bytes) -> Settings | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.toml"
        path.write_bytes(content)
        try:
            return load_settings(path)
        except SettingsError as exc:
            assert str(path) in str(exc)
            return None


@given(document=documents)
def test_any_toml_document_gives_settings_or_a_settings_error(document: dict[str, Any]) -> None:
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):
        return  # not representable as TOML
    _load(text.encode())


@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_settings_or_a_settings_error(content: bytes) -> None:
    _load(content)


@given(document=documents)
def test_settings_from_dict_raises_only_settings_error(document: dict[str, Any]) -> None:
    try:
        settings_from_dict(document)
    except SettingsError as exc:
        assert str(exc)


def test_a_file_that_is_not_utf8_is_a_settings_error(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(b'[phone]\naddress = "\xff\xfe"\n')
    try:
        load_settings(path)
    except SettingsError as exc:
        assert "UTF-8" in str(exc)
    else:
        raise AssertionError("a file that is not UTF-8 must not load")
