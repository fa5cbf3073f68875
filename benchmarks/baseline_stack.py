"""The bare tray icon plus the libraries ctidesk is built on, each imported and used once.

The floor under ctidesk's memory: what any tray app on this stack holds before its own code
runs (asyncio with ssl, qasync, httpx, httpx-sse, keyring, pydantic with one model built,
phonenumbers, sqlite3). `bench_process` reports it beside ctidesk's figure, against the bare tray.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def load_stack() -> list[Any]:
    """Import and touch each library the way an app on this stack does at start; return what
    must stay alive (an HTTP client, a database connection)."""
    import asyncio
    import sqlite3

    import httpx
    import httpx_sse
    import keyring
    import phonenumbers
    import pydantic
    import qasync

    class Probe(pydantic.BaseModel):
        number: str

    Probe.model_validate({"number": "+4930123456"})
    phonenumbers.parse("+4930123456")
    keyring.get_keyring()
    return [
        httpx.AsyncClient(),
        sqlite3.connect(":memory:"),
        asyncio,
        httpx_sse,
        qasync,
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parents[1]))
    from benchmarks.baseline_tray import main

    kept = load_stack()
    raise SystemExit(main())
