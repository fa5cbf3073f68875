"""Typed failures of the NFON clients; each `str()` is a sentence that says what to do."""

from __future__ import annotations


class NfonError(Exception):
    """Base of every NFON failure the user can hit."""


class LoginError(NfonError):
    """Login with NFON did not complete; nothing was stored."""


class LoginCancelled(LoginError):
    def __init__(self) -> None:
        super().__init__(
            "NFON sign-in was cancelled; nothing was stored. Sign in again when ready."
        )


class LoginTimedOut(LoginError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"NFON sign-in did not finish within {seconds:.0f} seconds; nothing was stored. "
            "Start the sign-in again and complete it in the browser window that opens."
        )


class LoginDenied(LoginError):
    """The issuer redirected back with `error=…` (user declined, or client not allowed)."""

    def __init__(self, error: str, description: str = "") -> None:
        self.error = error
        detail = f" ({description})" if description else ""
        super().__init__(
            f"NFON refused the sign-in: {error}{detail}; nothing was stored. Try again, and if it "
            "keeps failing ask your NFON administrator whether ctidesk is enabled for you."
        )


class LoginStateMismatch(LoginError):
    def __init__(self) -> None:
        super().__init__(
            "the NFON sign-in answer did not belong to this sign-in (state mismatch), so it was "
            "ignored and nothing was stored; close other sign-in tabs and try again."
        )


class LoginRejected(LoginError):
    """The token endpoint refused the code exchange (bad verifier, reused or expired code)."""

    def __init__(self, error: str, description: str = "") -> None:
        self.error = error
        detail = f" ({description})" if description else ""
        super().__init__(
            f"NFON did not accept the sign-in: {error}{detail}; nothing was stored. "
            "Start the sign-in again."
        )


class LoginInvalidIdToken(LoginError):
    def __init__(self, reason: str) -> None:
        super().__init__(
            f"NFON's sign-in answer failed a security check ({reason}); nothing was stored. "
            "Try again; if it repeats, check the NFON issuer in the settings."
        )


class LoginIssuerMismatch(LoginError):
    """RFC 9207: the authorization answer names another issuer (a mix-up attack) or none."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"the NFON sign-in answer {reason}, so it was ignored and nothing was stored; close "
            "other sign-in tabs, check [nfon] issuer in the settings and try again."
        )


class TokenStoreFailed(NfonError):
    """The stored NFON sign-in cannot be read (keyring locked, token file unreadable)."""


class DiscoveryError(NfonError):
    def __init__(self, issuer: str, reason: str) -> None:
        super().__init__(
            f"cannot read the NFON sign-in configuration from {issuer} ({reason}); check "
            "[nfon] issuer in the settings and your internet connection."
        )


class NotSignedIn(NfonError):
    def __init__(self, reason: str = "you are not signed in to NFON") -> None:
        super().__init__(f"{reason}; sign in with `ctidesk login` or the tray menu.")


class SessionExpired(NotSignedIn):
    def __init__(self) -> None:
        super().__init__("your NFON sign-in has expired or was revoked")


class RenewalRefused(NfonError):
    """The token endpoint refused a refresh for a reason other than the token (client setup)."""

    def __init__(self, error: str, description: str = "") -> None:
        detail = f" ({description})" if description else ""
        super().__init__(
            f"NFON refused to renew the sign-in: {error}{detail}; check [nfon] client_id and "
            "issuer in the settings (your sign-in was kept)."
        )


class NfonUnreachable(NfonError):
    def __init__(self, what: str, reason: str) -> None:
        super().__init__(
            f"cannot reach {what} ({reason}); check your internet connection and try again."
        )


class NfonApiError(NfonError):
    """An error answer from an NFON API, with NFON's `X-Request-Id` for their support."""

    def __init__(
        self, what: str, status: int, message: str, request_id: str | None, hint: str
    ) -> None:
        self.status = status
        self.request_id = request_id
        self.message = message
        ref = f" [X-Request-Id {request_id}]" if request_id else ""
        detail = f": {message}" if message else ""
        super().__init__(f"{what} failed with HTTP {status}{detail}{ref}; {hint}")


class BulkDeleteRefused(NfonError):
    def __init__(self, reason: str) -> None:
        super().__init__(
            f"refusing to bulk-delete NFON call records: {reason}. Name the records by uuid, "
            "a filter or a time range, and confirm explicitly."
        )


class CtiLoginError(NfonError):
    def __init__(self, reason: str) -> None:
        super().__init__(
            f"the NFON CTI API refused the login ({reason}); check [nfon] cti_username and store "
            "the password with `ctidesk secret set nfon_cti_password`."
        )
