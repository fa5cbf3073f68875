"""ctidesk: caller pop-ups, phone control and a complete Zammad caller log for support agents.

``__version__`` and ``USER_AGENT`` are read from the installed package's metadata on first use,
not at import: importlib.metadata costs tens of milliseconds the tray icon should not wait for.
"""

from functools import cache

APP_ID = "org.ctidesk.CTIDesk"


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ctidesk")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    if name == "USER_AGENT":
        return f"ctidesk/{_version()}"
    raise AttributeError(f"module 'ctidesk' has no attribute {name!r}")
