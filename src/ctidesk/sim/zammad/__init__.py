"""A faithful Zammad for tests and the demo: its state and rules (`state`), served over HTTP
(`routes`). Import the simulator and the helpers tests use from here."""

from ctidesk.sim.zammad.routes import HTML_PAGES, ZammadSimulator
from ctidesk.sim.zammad.state import (
    ALREADY_EXISTS_ERROR,
    DISABLED_ERROR,
    DOCUMENTED_CAUSES,
    INVALID_DIRECTION_ERROR,
    INVALID_TOKEN_ERROR,
    NOT_CONFIGURED_ERROR,
    TICKET_STATES,
    CallerIdRecord,
    CtiConfig,
    CtiLogRow,
    ProtocolViolation,
    RecordedRequest,
    ZammadState,
    extract_numbers,
    normalize_number,
    parse_rails_params,
    pretty_number,
)

__all__ = [
    "ALREADY_EXISTS_ERROR",
    "DISABLED_ERROR",
    "DOCUMENTED_CAUSES",
    "HTML_PAGES",
    "INVALID_DIRECTION_ERROR",
    "INVALID_TOKEN_ERROR",
    "NOT_CONFIGURED_ERROR",
    "TICKET_STATES",
    "CallerIdRecord",
    "CtiConfig",
    "CtiLogRow",
    "ProtocolViolation",
    "RecordedRequest",
    "ZammadSimulator",
    "ZammadState",
    "extract_numbers",
    "normalize_number",
    "parse_rails_params",
    "pretty_number",
]
