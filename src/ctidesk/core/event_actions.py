"""Event actions: per call event, open URL templates (a CRM search, the Zammad customer).

Templates are validated when configured (http/https only, a host, known placeholders only) and
every value is URL-encoded when filled in, so a caller's name can never change where a URL
goes. URLs are handed to an injected opener (the browser); nothing is ever run as a command.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import quote, urlsplit

from ctidesk.core.calls import Call, CallChanged, CallState, ChangeKind, Direction
from ctidesk.core.ports import CallerInfo

log = logging.getLogger(__name__)

PLACEHOLDERS = frozenset({"number", "e164", "name", "zammad_user_id"})
CUSTOMER_PLACEHOLDERS = frozenset({"name", "zammad_user_id"})
ALLOWED_SCHEMES = frozenset({"http", "https"})


class CallEventName(StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"
    MISSED = "missed"


class OpenCustomerOn(StrEnum):
    NEVER = "never"
    RINGING = "ringing"
    ANSWERED = "answered"


class TemplateError(ValueError):
    """A URL template that ctidesk refuses; the message says how to fix it."""


@dataclass(frozen=True)
class UrlTemplate:
    """A checked template; build it with `UrlTemplate.parse`."""

    text: str
    placeholders: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> UrlTemplate:
        template = text.strip()
        if not template:
            raise TemplateError("the URL template is empty; enter a URL or remove the line")
        try:
            fields = list(string.Formatter().parse(template))
        except ValueError as exc:
            raise TemplateError(
                f"{template!r} has an unmatched brace; write placeholders as {{number}}"
            ) from exc
        names: set[str] = set()
        for _literal, name, spec, conversion in fields:
            if name is None:
                continue
            if name not in PLACEHOLDERS:
                known = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
                raise TemplateError(
                    f"{template!r} uses {{{name}}}, which ctidesk does not know; use {known}"
                )
            if spec or conversion:
                raise TemplateError(
                    f"{template!r}: write {{{name}}} without a format or conversion"
                )
            names.add(name)
        try:
            parts = urlsplit(template)
        except ValueError as exc:
            raise TemplateError(f"{template!r} is not a valid URL ({exc}); check the host") from exc
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            raise TemplateError(
                f"{template!r} must start with http:// or https:// (other links are not opened)"
            )
        if not parts.netloc:
            raise TemplateError(f"{template!r} needs a host name after {parts.scheme}://")
        if "{" in parts.netloc or "}" in parts.netloc:
            raise TemplateError(
                f"{template!r}: placeholders may not be part of the host; put them in the path "
                "or the query"
            )
        return cls(template, frozenset(names))

    def render(self, values: Mapping[str, str]) -> str | None:
        """The URL with URL-encoded values; None when a placeholder has no value for this call."""
        if any(not values.get(name) for name in self.placeholders):
            return None
        encoded = {name: quote(values[name], safe="") for name in self.placeholders}
        return self.text.format(**encoded)


@dataclass(frozen=True)
class EventActionConfig:
    """Checked templates per event, and when to open the Zammad customer."""

    templates: Mapping[CallEventName, tuple[UrlTemplate, ...]] = field(default_factory=dict)
    open_customer_on: OpenCustomerOn = OpenCustomerOn.NEVER

    @classmethod
    def parse(
        cls,
        templates: Mapping[str, Iterable[str]],
        open_customer_on: str = OpenCustomerOn.NEVER.value,
    ) -> EventActionConfig:
        """From settings text; raises `TemplateError` naming the event and the template."""
        parsed: dict[CallEventName, tuple[UrlTemplate, ...]] = {}
        for event_name, texts in templates.items():
            try:
                event = CallEventName(event_name)
            except ValueError as exc:
                raise TemplateError(
                    f"{event_name!r} is not a call event; use ringing, answered, ended or missed"
                ) from exc
            checked = []
            for text in texts:
                try:
                    checked.append(UrlTemplate.parse(text))
                except TemplateError as exc:
                    raise TemplateError(f"{event.value}: {exc}") from exc
            parsed[event] = tuple(checked)
        try:
            open_on = OpenCustomerOn(open_customer_on)
        except ValueError as exc:
            raise TemplateError(
                f"open customer on {open_customer_on!r}: use never, ringing or answered"
            ) from exc
        return cls(parsed, open_on)

    def needs_customer(self, event: CallEventName) -> bool:
        if self.open_customer_on.value == event.value:
            return True
        return any(t.placeholders & CUSTOMER_PLACEHOLDERS for t in self.templates.get(event, ()))

    @property
    def is_empty(self) -> bool:
        return self.open_customer_on is OpenCustomerOn.NEVER and not any(self.templates.values())


def events_of(change: CallChanged) -> list[CallEventName]:
    """Which event-action events a tracker change is (inbound ringing; answer; end; missed)."""
    call = change.call
    events: list[CallEventName] = []
    if (
        change.change is ChangeKind.CREATED
        and call.state is CallState.RINGING
        and call.direction is Direction.INBOUND
    ):
        events.append(CallEventName.RINGING)
    if (
        change.change in (ChangeKind.STATE, ChangeKind.CREATED)
        and call.state is CallState.CONNECTED
        and change.previous_state in (None, CallState.RINGING, CallState.DIALING)
    ):
        events.append(CallEventName.ANSWERED)
    if change.change is ChangeKind.ENDED:
        events.append(CallEventName.ENDED)
        if call.direction is Direction.INBOUND and not call.was_answered:
            events.append(CallEventName.MISSED)
    return events


def values_for(call: Call, info: CallerInfo | None) -> dict[str, str]:
    best = info.best if info else None
    return {
        "number": "" if call.remote.is_anonymous else call.remote.raw,
        "e164": call.remote.e164 or "",
        "name": best.name if best else (call.remote_name or ""),
        "zammad_user_id": str(best.user_id) if best else "",
    }


class EventActions:
    """Follows the tracker and the caller look-ups; opens the configured URLs.

    An event whose templates need the customer (``{name}``, ``{zammad_user_id}``, or "open the
    customer") waits for the Zammad look-up of that call; when the call ends first, waiting
    events run with what is known, and templates missing a value are left out.
    """

    def __init__(
        self,
        config: EventActionConfig,
        opener: Callable[[str], object],
        *,
        expects_lookup: bool = True,
    ) -> None:
        self._config = config
        self._opener = opener
        self._expects_lookup = expects_lookup
        self._infos: dict[str, CallerInfo] = {}
        self._waiting: dict[str, list[tuple[CallEventName, Call]]] = {}
        self.opened: list[str] = []

    def configure(self, config: EventActionConfig) -> None:
        self._config = config

    def on_call_changed(self, change: CallChanged) -> list[str]:
        """Tracker listener; returns the URLs opened now."""
        opened: list[str] = []
        call = change.call
        for event in events_of(change):
            if event is CallEventName.ENDED or event is CallEventName.MISSED:
                opened += self._release(call.id)
            if self._should_wait(event, call):
                self._waiting.setdefault(call.id, []).append((event, call))
                continue
            opened += self._run(event, call, self._infos.get(call.id))
        if change.change is ChangeKind.ENDED:
            self._infos.pop(call.id, None)
            self._waiting.pop(call.id, None)
        return opened

    def on_caller_info(self, call_id: str, info: CallerInfo) -> list[str]:
        """The Zammad look-up of a call arrived: run the events that waited for it."""
        self._infos[call_id] = info
        return self._release(call_id)

    def _should_wait(self, event: CallEventName, call: Call) -> bool:
        return (
            self._expects_lookup
            and not call.remote.is_anonymous
            and call.id not in self._infos
            and self._config.needs_customer(event)
        )

    def _release(self, call_id: str) -> list[str]:
        opened: list[str] = []
        for event, call in self._waiting.pop(call_id, []):
            opened += self._run(event, call, self._infos.get(call_id))
        return opened

    def urls_for(self, event: CallEventName, call: Call, info: CallerInfo | None) -> list[str]:
        values = values_for(call, info)
        urls = [t.render(values) for t in self._config.templates.get(event, ())]
        found = [u for u in urls if u]
        best = info.best if info else None
        if self._config.open_customer_on.value == event.value and best and best.url:
            found.append(best.url)
        return list(dict.fromkeys(found))

    def _run(self, event: CallEventName, call: Call, info: CallerInfo | None) -> list[str]:
        opened = []
        for url in self.urls_for(event, call, info):
            try:
                self._opener(url)
            except Exception:
                log.exception("event action for %s could not open a URL", event.value)
                continue
            opened.append(url)
        self.opened += opened
        return opened
