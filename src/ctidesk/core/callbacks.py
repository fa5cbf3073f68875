"""Callbacks owed: which calls settle earlier missed calls, and which missed calls are unseen.

One rule, used by the journal (its rows) and the desktop (its missed-call count): a call that
was answered, inbound or outbound, with a number one can call settles every earlier missed call
from that number. Agents call back from the desk phone, a mobile or the journal; whichever way,
the caller was reached and nobody should call them a second time.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from ctidesk.core.calls import Call, CallChanged, CallState, ChangeKind

UNSEEN_KEPT = 500
"""A tray app runs for weeks: beyond this many unseen missed calls the oldest are let go (they
stay in the journal; the tray shows 9+ long before)."""
NOT_CALLABLE_KEYS = frozenset({"", "anonymous"})
"""Number keys nobody can call back (an anonymous caller, a call without a number)."""


def callable_key(key: str) -> bool:
    return key not in NOT_CALLABLE_KEYS


def settled_key(call: Call) -> str | None:
    """The number key whose earlier missed calls this call settles, or None.

    An answered call (either direction) with a number one can dial settles them; an anonymous
    call settles nothing, or every anonymous caller would count as called back.
    """
    if not call.was_answered or not callable_key(call.remote.key):
        return None
    return call.remote.key


@dataclass(frozen=True)
class MissedChange:
    """What one call change did to the unseen missed calls."""

    added: Call | None = None
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.added is not None or bool(self.removed)


class UnseenMissedCalls:
    """The missed calls the agent has not seen yet, oldest first (the tray's count).

    A call joins when it ends needing a callback; it leaves when the agent has seen it (opened
    the journal, clicked the notification, dismissed its card), when a later answered call with
    the same number settles it, or when a slower source says it was answered after all.
    """

    def __init__(self) -> None:
        self._calls: OrderedDict[str, Call] = OrderedDict()

    def __len__(self) -> int:
        return len(self._calls)

    def calls(self) -> list[Call]:
        return list(self._calls.values())

    def get(self, call_id: str) -> Call | None:
        return self._calls.get(call_id)

    def on_call_changed(self, change: CallChanged) -> MissedChange:
        call = change.call
        added: Call | None = None
        removed: list[str] = []
        if call.state is CallState.ENDED and change.change in (
            ChangeKind.ENDED,
            ChangeKind.UPDATED,
        ):
            if call.needs_callback:
                if call.id not in self._calls:
                    added = call
                self._calls[call.id] = call
                while len(self._calls) > UNSEEN_KEPT:
                    removed.append(self._calls.popitem(last=False)[0])
            elif self._calls.pop(call.id, None) is not None:
                removed.append(call.id)
        key = settled_key(call)
        if key is not None:
            for call_id, missed in list(self._calls.items()):
                if missed.remote.key == key and missed.started_at < call.started_at:
                    del self._calls[call_id]
                    removed.append(call_id)
        return MissedChange(added, removed)

    def mark_seen(self, call_ids: list[str] | None = None) -> list[str]:
        """The agent has seen these missed calls (all when None); returns the ids that left."""
        ids = list(self._calls) if call_ids is None else [i for i in call_ids if i in self._calls]
        for call_id in ids:
            del self._calls[call_id]
        return ids
