"""The one settings model, stored as TOML in the platform config dir.

Secrets never live here: they go through `SecretStore`. A bad file fails with the key that is
wrong; unknown keys are kept and reported, never dropped silently.
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ctidesk.config.errors import SettingsError as SettingsError  # re-exported
from ctidesk.core.event_actions import EventActionConfig, TemplateError, UrlTemplate

SETTINGS_VERSION = 1


class _Section(BaseModel):
    model_config = ConfigDict(extra="allow", validate_assignment=True)


class PhoneModel(StrEnum):
    AUTO = "auto"
    GXP = "gxp"
    GRP = "grp"
    DP = "dp"
    WP = "wp"


class PhoneSettings(_Section):
    """The agent's Grandstream phone on the LAN."""

    enabled: bool = True
    address: str = Field(default="", description="host or host:port of the phone's web server")
    scheme: Literal["http", "https"] = "http"
    model: PhoneModel = PhoneModel.AUTO
    username: str = "admin"
    certificate_sha256: str = Field(
        default="", description="pinned fingerprint of the phone's self-signed HTTPS certificate"
    )
    timeout_seconds: float = Field(default=4.0, gt=0, le=60)
    handset: int = Field(default=1, ge=1, le=10, description="DP75x handset number")
    make_call_template: str = Field(
        default="",
        description="api-make_call parameters, e.g. 'phonenumber={number}&account={account}'",
    )
    action_url_enabled: bool = True
    listen_address: str = Field(
        default="",
        description="the address the Action URL listener binds to; empty: this PC's address "
        "towards the phone, so the port is open on that network only ('0.0.0.0': every network)",
    )
    listen_port: int = Field(default=8765, ge=0, le=65535)
    poll_when_no_action_url: bool = True
    auth: Literal["passcode", "session"] = Field(
        default="passcode",
        description="CTI with passcode= (documented), or the web-UI login of newer firmware",
    )
    action_url_public_host: str = Field(
        default="", description="this PC's address as the phone reaches it; empty: detect"
    )
    mac: str = Field(default="", description="the phone's MAC; Action URLs from others get 403")
    poll_idle_seconds: float = Field(default=5.0, gt=0, le=300)
    poll_active_seconds: float = Field(default=1.0, gt=0, le=60)
    poll_max_backoff_seconds: float = Field(default=60.0, gt=0, le=3600)

    @model_validator(mode="before")
    @classmethod
    def _legacy_listen_host(cls, data: Any) -> Any:
        """``listen_host`` (before issue 20) becomes ``listen_address``. Its old default
        "0.0.0.0" was written into every saved file, so it means "not chosen": automatic."""
        if isinstance(data, dict) and "listen_host" in data:
            data = dict(data)
            legacy = str(data.pop("listen_host") or "").strip()
            if legacy not in ("", "0.0.0.0") and not data.get("listen_address"):
                data["listen_address"] = legacy
        return data

    @field_validator("address")
    @classmethod
    def _strip_scheme(cls, value: str) -> str:
        value = value.strip()
        for prefix in ("http://", "https://"):
            if value.lower().startswith(prefix):
                value = value[len(prefix) :]
        return value.rstrip("/")


class ZammadSettings(_Section):
    """Zammad helpdesk: CTI push endpoint (URL holds the token: a secret) and REST API."""

    enabled: bool = True
    url: str = Field(
        default="", description="base URL of Zammad, e.g. https://helpdesk.example.com"
    )
    forward_events: bool = True
    agent_names: list[str] = Field(
        default_factory=list, description="sent as user[] on newCall: the agents whose phones ring"
    )
    agent_name: str = Field(
        default="",
        description="the agent at this PC, sent as user on answer (empty: the first of "
        "agent_names)",
    )
    send_answering_number: bool = False
    answering_number: str = ""
    queue: str = ""
    give_up_after_hours: float = Field(default=24.0, gt=0)
    lookup_cache_seconds: float = Field(default=60.0, ge=0)
    ticket_group: str = "Users"
    cause_overrides: dict[str, str] = Field(
        default_factory=dict,
        description="ctidesk ending -> Zammad hangup cause, e.g. {missed = 'cancel'}",
    )
    request_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    retry_initial_seconds: float = Field(default=1.0, gt=0, le=600)
    retry_max_seconds: float = Field(default=300.0, gt=0, le=3600)
    lookup_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    verify_with_caller_log: bool = Field(
        default=True,
        description="before re-sending an answer/hangup whose reply was lost, read the caller "
        "log (needs the API token with cti.agent) so Zammad never applies it twice",
    )
    unverified_resends: int = Field(
        default=1,
        ge=0,
        le=10,
        description="where the caller log cannot be read: how often an answer/hangup whose "
        "reply was lost is sent again before ctidesk counts it as delivered",
    )


class NfonSettings(_Section):
    """NFON cloud PBX: Login with NFON, Call History API, optional CTI API."""

    enabled: bool = True
    issuer: str = "https://sso.cloud-cfg.com/realms/login"
    client_id: str = "ctidesk"
    scopes: list[str] = Field(default_factory=lambda: ["openid", "offline_access"])
    redirect_path: str = "/callback"
    call_history_url: str = "https://api.nfon.com/call-history"
    customer: str = Field(default="", description="K-Account, e.g. K9999")
    extension: str = ""
    cti_enabled: bool = Field(
        default=False,
        description="use NFON's CTI API; its credentials see the calls of the whole company",
    )
    cti_url: str = "https://providersupportdata.cloud-cfg.com/v1"
    cti_username: str = Field(
        default="",
        description="tenant-wide CTI API user (K-Account or K-Account/user): it sees every "
        "extension's calls, so keep it to trusted machines",
    )
    login_timeout_seconds: float = Field(default=300.0, gt=0, le=3600)
    history_time_unit: Literal["s", "ms"] = Field(
        default="s", description="unit NFON expects for the from/to query parameters"
    )
    history_page_size: int = Field(default=100, ge=1, le=1000)
    history_backfill_overlap_seconds: float = Field(
        default=10800.0, ge=0, description="backfill reaches this far behind the last call start"
    )
    cti_renew_seconds: float = Field(
        default=240.0, gt=0, le=290, description="renew the 5-minute CTI session this often"
    )

    @field_validator("issuer")
    @classmethod
    def _usable_issuer(cls, value: str) -> str:
        problem = issuer_problem(value.strip())
        if problem:
            raise ValueError(problem)
        return value.strip().rstrip("/")


def is_loopback_host(host: str | None) -> bool:
    """127.0.0.0/8, ::1 or localhost: the only hosts where plain http is acceptable."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def issuer_problem(url: str) -> str:
    """Why `url` cannot be an OpenID Connect issuer, or "" when it can (OIDC Discovery 1.0
    section 2: https, no query, no fragment; plain http only on this computer, for tests)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        if "port" in str(exc).lower():
            return "the NFON issuer's port must be between 1 and 65535"
        return "the NFON issuer must be an address such as https://sso.cloud-cfg.com/realms/login"
    if parts.scheme not in ("https", "http") or not parts.hostname or any(c.isspace() for c in url):
        return "the NFON issuer must be an address such as https://sso.cloud-cfg.com/realms/login"
    if port == 0:
        return "the NFON issuer's port must be between 1 and 65535"
    if parts.query or parts.fragment:
        return "the NFON issuer must not contain ? or #; use the issuer address NFON gave you"
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return "the NFON issuer must start with https:// (plain http only on 127.0.0.1)"
    return ""


class DialingSettings(_Section):
    default_region: str = Field(default="DE", min_length=2, max_length=2)
    outside_line_prefix: str = Field(default="", pattern=r"^[0-9*#]*$")
    account: int = Field(default=1, ge=1, le=16, description="phone account (line) used to dial")
    via: Literal["phone", "nfon_cti"] = "phone"
    confirm_odd_numbers: bool = True

    @field_validator("default_region")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class PopupSettings(_Section):
    enabled: bool = True
    show_outbound: bool = True
    close_when: Literal["ended", "answered_elsewhere", "dismissed"] = "ended"
    position: Literal["tray", "top_right", "bottom_right"] = "tray"
    after_call_seconds: int = Field(
        default=120,
        ge=0,
        le=3600,
        description="an answered call's card stays this long after the call for notes and a "
        "ticket (typing starts it again); 0: until Done",
    )


class CallNotesSettings(_Section):
    """After-call notes: an internal phone note per call on the ticket the agent chose.

    Off until the agent (or the team's settings file) turns it on: it sends call details, and
    NFON's summary and transcript where the tenant has them, to Zammad."""

    enabled: bool = False
    always_opened_ticket: bool = Field(
        default=False,
        description="write to the ticket opened or created from the pop-up without asking",
    )
    wait_for_summary_seconds: int = Field(
        default=600,
        ge=0,
        le=86400,
        description="how long a note waits for NFON's summary before it is written without it",
    )
    completion: Literal["follow_up", "replace"] = Field(
        default="follow_up",
        description="a summary that comes after the note: a follow-up note, or a complete note "
        "that replaces the first (Zammad lets agents delete their notes only for a while)",
    )
    transcript: Literal["collapsed", "attached", "off"] = Field(
        default="collapsed",
        description="NFON's transcript: folded at the end of the note, a text attachment, or "
        "left out",
    )
    give_up_after_hours: float = Field(default=72.0, gt=0)


class HotkeySettings(_Section):
    """Global shortcuts, each one key combination; an empty one is off. Answering and hanging
    up are off until the agent picks keys: pressed by accident, they would act on a caller."""

    dial_selection: str = Field(
        default="Meta+Shift+D", description="global shortcut that dials the selection"
    )
    answer: str = Field(default="", description="answers the newest ringing call; empty: off")
    hang_up: str = Field(
        default="",
        description="ends the active call, or rejects the newest ringing one; empty: off",
    )
    focus_popup: str = Field(
        default="Meta+Shift+P",
        description="puts the keyboard on the newest caller pop-up (Tab, Alt+letter, Esc)",
    )
    enabled: bool = True

    def shortcuts(self) -> dict[str, str]:
        """Action name → key combination, for the hotkeys that are on."""
        if not self.enabled:
            return {}
        wanted = {
            "dial_selection": self.dial_selection,
            "answer": self.answer,
            "hang_up": self.hang_up,
            "focus_popup": self.focus_popup,
        }
        return {action: keys.strip() for action, keys in wanted.items() if keys.strip()}


class EventActionSettings(_Section):
    """URLs opened per call event (a CRM search, ...); checked when the settings are loaded."""

    ringing: list[str] = Field(default_factory=list)
    answered: list[str] = Field(default_factory=list)
    ended: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)
    open_customer_on: Literal["never", "ringing", "answered"] = "never"

    @field_validator("ringing", "answered", "ended", "missed")
    @classmethod
    def _valid_templates(cls, templates: list[str]) -> list[str]:
        for text in templates:
            try:
                UrlTemplate.parse(text)
            except TemplateError as exc:
                raise ValueError(str(exc)) from exc
        return [text.strip() for text in templates]

    def config(self) -> EventActionConfig:
        return EventActionConfig.parse(
            {
                "ringing": self.ringing,
                "answered": self.answered,
                "ended": self.ended,
                "missed": self.missed,
            },
            self.open_customer_on,
        )


class RingtoneSettings(_Section):
    """ctidesk's own ring tone (off by default: the desk phone rings already)."""

    enabled: bool = False
    volume: float = Field(default=0.8, ge=0, le=1)
    internal_sound: str = Field(default="", description="own 16-bit PCM WAV; empty: built in")
    external_sound: str = ""
    customer_sound: str = ""


class GeneralSettings(_Section):
    language: Literal["system", "en", "de"] = "system"
    start_at_login: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(BaseModel):
    """Everything the agent can configure, one file, versioned."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    version: int = SETTINGS_VERSION
    general: GeneralSettings = Field(default_factory=GeneralSettings)
    phone: PhoneSettings = Field(default_factory=PhoneSettings)
    zammad: ZammadSettings = Field(default_factory=ZammadSettings)
    nfon: NfonSettings = Field(default_factory=NfonSettings)
    dialing: DialingSettings = Field(default_factory=DialingSettings)
    popup: PopupSettings = Field(default_factory=PopupSettings)
    call_notes: CallNotesSettings = Field(default_factory=CallNotesSettings)
    hotkey: HotkeySettings = Field(default_factory=HotkeySettings)
    event_actions: EventActionSettings = Field(default_factory=EventActionSettings)
    ringtones: RingtoneSettings = Field(default_factory=RingtoneSettings)

    def unknown_keys(self) -> list[str]:
        """Dotted names of keys the file has but this version does not know."""
        found = [str(k) for k in (self.model_extra or {})]
        for name in type(self).model_fields:
            section = getattr(self, name)
            if isinstance(section, BaseModel):
                found += [f"{name}.{k}" for k in (section.model_extra or {})]
        return sorted(found)


SECRET_LOOKING_KEYS = ("passcode", "password", "token", "secret", "refresh")


def load_settings(path: Path) -> Settings:
    """Read the settings file; a missing file gives defaults, a bad one a `SettingsError`."""
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc}); fix the file or delete it") from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(
            f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 or delete it"
        ) from exc
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read ({exc.strerror})") from exc
    return settings_from_dict(data, str(path))


def settings_from_dict(data: dict[str, Any], origin: str = "settings") -> Settings:
    data = _migrate(dict(data), origin)
    for section, values in data.items():
        if isinstance(values, dict):
            for key in values:
                if any(word in key.lower() for word in SECRET_LOOKING_KEYS):
                    raise SettingsError(
                        f"{origin}: [{section}] {key} looks like a secret; secrets are not read "
                        "from the settings file: remove it and store it with `ctidesk secret set`"
                    )
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SettingsError(
            f"{origin}: {where}: {first['msg']} (got {first.get('input')!r})"
        ) from exc


def _migrate(data: dict[str, Any], origin: str) -> dict[str, Any]:
    version = data.get("version", SETTINGS_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise SettingsError(
            f"{origin}: version must be a whole number (got {version!r}); "
            f"put version = {SETTINGS_VERSION} or remove the line"
        )
    if version > SETTINGS_VERSION:
        raise SettingsError(
            f"{origin}: settings version {version!r} is newer than this ctidesk understands "
            f"({SETTINGS_VERSION}); update ctidesk"
        )
    data["version"] = SETTINGS_VERSION
    return data


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically: a crash mid-write leaves the old file, never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = tomli_w.dumps(settings.model_dump(mode="json", exclude_none=True))
    fd, tmp_name = tempfile.mkstemp(prefix=".settings-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
