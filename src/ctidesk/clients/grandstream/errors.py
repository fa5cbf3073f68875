"""Typed failures of the Grandstream phone client; each `str()` tells the agent what to do.

They derive from `PhoneCommandError`, so call control can let them reach the GUI unchanged.
"""

from __future__ import annotations

from ctidesk.core.ports import PhoneCommandError


class GrandstreamError(PhoneCommandError):
    """Base of every failure of the phone client."""


class PhoneNotConfigured(GrandstreamError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"the phone is not set up: {what}. Enter it in the settings ([phone] section) and "
            "store the admin password with `ctidesk secret set phone_passcode`."
        )


class PhoneUnreachable(GrandstreamError):
    """No HTTP answer at all: wrong address, phone off, network down, TLS handshake stalled."""

    def __init__(self, address: str, reason: str) -> None:
        self.address = address
        self.reason = reason
        super().__init__(
            f"the phone at {address} cannot be reached ({reason}); check that it is switched on, "
            "that [phone] address is right, and that this PC is on the same network."
        )


class PhoneTimeout(PhoneUnreachable):
    def __init__(self, address: str, seconds: float) -> None:
        super().__init__(address, f"no answer within {seconds:g} s")
        self.seconds = seconds


class PhoneCertificateMismatch(GrandstreamError):
    def __init__(self, address: str, expected: str, got: str) -> None:
        self.expected = expected
        self.got = got
        super().__init__(
            f"the phone at {address} presented a certificate with fingerprint {got}, not the "
            f"pinned {expected}; the connection was refused. If the phone's certificate really "
            "changed, put the new fingerprint into [phone] certificate_sha256."
        )


class PhoneCertificateUntrusted(GrandstreamError):
    def __init__(self, address: str, reason: str) -> None:
        super().__init__(
            f"the phone at {address} uses a certificate this PC does not trust ({reason}); pin it "
            "by putting its SHA-256 fingerprint into [phone] certificate_sha256, or use http."
        )


class PhoneAuthRejected(GrandstreamError):
    """The phone answered "Unauthorized": wrong passcode, or the pop-up confirmation is on."""

    def __init__(self, address: str) -> None:
        super().__init__(
            f"the phone at {address} refused the request as unauthorized; check the admin "
            "password (`ctidesk secret set phone_passcode`) and, in the phone's web page under "
            "Remote Control, enable Action URI Support, allow this PC's address and disable "
            "'Remote Control Pop up Window Support'. ctidesk will not retry by itself."
        )


class PhoneProtocolError(GrandstreamError):
    """The phone answered, but not with the JSON the CTI guide documents."""

    def __init__(self, function: str, detail: str) -> None:
        self.function = function
        super().__init__(
            f"the phone gave an unexpected answer to {function} ({detail}); check [phone] model "
            "and address, and that the phone's firmware supports the CTI API."
        )


class PhoneFunctionMissing(GrandstreamError):
    def __init__(self, function: str, family: str) -> None:
        self.function = function
        super().__init__(
            f"the phone does not offer {function} (model family {family}); check [phone] model "
            "in the settings or update the phone's firmware."
        )


class PhoneRefused(GrandstreamError):
    """The documented failure body (`false`, `failed`, `unknown`): the phone did not act."""

    def __init__(self, function: str, what: str, body: object) -> None:
        self.function = function
        self.body = body
        super().__init__(
            f"the phone did not {what} (it answered {body!r}); the call may be in another state "
            "than expected: look at the phone and try again."
        )


class ConfirmationRequired(GrandstreamError):
    def __init__(self, request: str) -> None:
        super().__init__(
            f"{request} restarts or wipes the phone; it is only sent after an explicit "
            "confirmation by the agent."
        )


class DndStateUnknown(GrandstreamError):
    def __init__(self) -> None:
        super().__init__(
            "ctidesk cannot tell whether Do Not Disturb is on, and this phone only toggles it; "
            "set up the DND Action URLs (`ctidesk action-urls`) or enable the web session login "
            "([phone] auth = 'session'), or press DND on the phone."
        )


class NoMatchingLine(GrandstreamError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"the phone shows no call to {what}; it may already have changed. Look at the phone."
        )


class AllLinesBusy(GrandstreamError):
    """Dialling found no free line: every line rings, holds a call or is in a call."""

    def __init__(self, lines: int) -> None:
        self.lines = lines
        super().__init__(
            f"all {lines} lines of the phone are busy; end or reject a call on the phone, "
            "then dial again."
        )


class SessionLoginFailed(GrandstreamError):
    """The web login was refused. Never retried automatically: 5 failures lock the account."""

    def __init__(self, attempts_left: int | None) -> None:
        self.attempts_left = attempts_left
        left = f" ({attempts_left} attempts left before the phone locks the account)"
        super().__init__(
            "the phone refused the web login"
            + (left if attempts_left is not None else "")
            + "; check [phone] username and the password (`ctidesk secret set phone_passcode`). "
            "ctidesk does not retry a rejected password by itself."
        )


class SessionLocked(GrandstreamError):
    def __init__(self, minutes: float | None) -> None:
        wait = f"about {minutes:g} minutes" if minutes else "a few minutes"
        super().__init__(
            f"the phone locked the web login after too many wrong passwords; wait {wait}, fix "
            "the password, then try again."
        )


class SessionUnsupported(GrandstreamError):
    def __init__(self, address: str, detail: str) -> None:
        super().__init__(
            f"the phone at {address} does not accept the web session login ({detail}); set "
            "[phone] auth = 'passcode' to use the documented CTI API."
        )
