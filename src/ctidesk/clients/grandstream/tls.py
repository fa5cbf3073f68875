"""Certificate pinning for a phone's self-signed HTTPS certificate.

Grandstream phones present a per-device certificate from a private CA. Instead of turning
verification off, the agent pins the SHA-256 fingerprint of that one phone's certificate: the
handshake is completed, the peer certificate is hashed, and the connection is refused before any
request (and so before the passcode) is sent when the hash differs.
"""

from __future__ import annotations

import hashlib
import re
import ssl

PIN_MISMATCH_MARK = "ctidesk-certificate-pin-mismatch"
_HEX = re.compile(r"^[0-9a-f]{64}$")


def normalize_fingerprint(text: str) -> str:
    """``AA:BB:…`` or ``aabb…`` (64 hex digits) → lowercase hex; raises ValueError otherwise."""
    compact = re.sub(r"[\s:]", "", text).lower()
    if compact.startswith("sha256"):
        compact = compact.removeprefix("sha256").lstrip("=/")
    if not _HEX.match(compact):
        raise ValueError(f"{text!r} is not a SHA-256 fingerprint (64 hex digits, colons allowed)")
    return compact


def certificate_fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def format_fingerprint(hex_digest: str) -> str:
    return ":".join(hex_digest[i : i + 2] for i in range(0, len(hex_digest), 2)).upper()


class _PinnedSSLObject(ssl.SSLObject):
    def do_handshake(self) -> None:
        super().do_handshake()
        context = self.context
        expected = context.pinned_sha256 if isinstance(context, PinnedSSLContext) else None
        der = self.getpeercert(binary_form=True) or b""
        got = certificate_fingerprint(der)
        if not expected or got != expected:
            raise ssl.SSLError(f"{PIN_MISMATCH_MARK} {got}")


class PinnedSSLContext(ssl.SSLContext):
    """Accepts exactly one certificate, identified by its SHA-256 fingerprint."""

    pinned_sha256: str


def pinned_ssl_context(fingerprint: str) -> ssl.SSLContext:
    context = PinnedSSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.sslobject_class = _PinnedSSLObject
    context.pinned_sha256 = normalize_fingerprint(fingerprint)
    return context


def mismatch_fingerprint(error_text: str) -> str | None:
    """The fingerprint the phone presented, when ``error_text`` reports a pin mismatch."""
    if PIN_MISMATCH_MARK not in error_text:
        return None
    tail = error_text.split(PIN_MISMATCH_MARK, 1)[1].strip()
    return tail[:64] if len(tail) >= 64 else tail
