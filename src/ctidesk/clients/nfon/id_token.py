"""The id_token checks of OpenID Connect Core 1.0 (3.1.3.7 after login, 12.2 after a refresh),
with the signature verified against the issuer's published keys (JWKS, RFC 7517).

RS256/RS384/RS512 (RFC 7518 3.3, what Keycloak signs with) are verified here in plain Python:
verifying PKCS#1 v1.5 is one modular exponentiation and a byte-for-byte comparison with the
expected encoding, so ctidesk needs no crypto library on any platform. Other algorithms are
refused with a sentence: "none" and HMAC (a public client has no secret) are never acceptable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ctidesk import USER_AGENT

CLOCK_SKEW_SECONDS = 120.0
MIN_RSA_BITS = 2048
_DIGEST_INFO: dict[str, tuple[Callable[[bytes], Any], bytes]] = {
    "RS256": (hashlib.sha256, bytes.fromhex("3031300d060960864801650304020105000420")),
    "RS384": (hashlib.sha384, bytes.fromhex("3041300d060960864801650304020205000430")),
    "RS512": (hashlib.sha512, bytes.fromhex("3051300d060960864801650304020305000440")),
}


class IdTokenError(Exception):
    """Why an id_token was not accepted, as a short phrase for `LoginInvalidIdToken`."""


def _b64decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, UnicodeError) as exc:
        raise IdTokenError("the id_token is not a JWT") from exc


@dataclass(frozen=True)
class Jws:
    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes


def split_jws(token: object) -> Jws:
    """The three parts of a compact JWS (RFC 7515 7.1); `IdTokenError` when it is not one."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise IdTokenError("the id_token is not a JWT")
    head, body, signature = token.split(".")
    try:
        header = json.loads(_b64decode(head))
        claims = json.loads(_b64decode(body))
    except ValueError as exc:
        raise IdTokenError("the id_token is not a JWT") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise IdTokenError("the id_token is not a JWT")
    return Jws(header, claims, f"{head}.{body}".encode("ascii"), _b64decode(signature))


def rsa_public_key(jwk: object) -> tuple[int, int] | None:
    """(n, e) of an RSA signing key from a JWK (RFC 7518 6.3.1), None for anything else."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
        return None
    try:
        n = int.from_bytes(_b64decode(str(jwk["n"])), "big")
        e = int.from_bytes(_b64decode(str(jwk["e"])), "big")
    except (KeyError, IdTokenError):
        return None
    return (n, e) if n > 0 and e > 1 else None


def rsa_signature_valid(alg: str, message: bytes, signature: bytes, n: int, e: int) -> bool:
    """RSASSA-PKCS1-v1_5 verification (RFC 8017 8.2.2): rebuild the expected encoding, compare."""
    digest, prefix = _DIGEST_INFO[alg]
    size = (n.bit_length() + 7) // 8
    if len(signature) != size:
        return False
    value = int.from_bytes(signature, "big")
    if value >= n:
        return False
    encoded = pow(value, e, n).to_bytes(size, "big")
    info = prefix + digest(message).digest()
    if size < len(info) + 11:
        return False
    expected = b"\x00\x01" + b"\xff" * (size - len(info) - 3) + b"\x00" + info
    return hmac.compare_digest(encoded, expected)


def check_claims(
    claims: dict[str, Any],
    *,
    issuer: str,
    client_id: str,
    now: float,
    nonce: str | None,
    subject: str | None = None,
) -> None:
    """OIDC Core 3.1.3.7 steps 2-5, 9-11 (and 12.2 for a refreshed id_token: same `sub`)."""
    if claims.get("iss") != issuer:
        raise IdTokenError("it does not name the configured issuer (iss)")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise IdTokenError("it was not issued for ctidesk (aud)")
    if len(audiences) > 1 and claims.get("azp") is None:
        raise IdTokenError("it has several audiences but no authorized party (azp)")
    if claims.get("azp") is not None and claims.get("azp") != client_id:
        raise IdTokenError("it was issued to another client (azp)")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise IdTokenError("it names no user (sub)")
    if subject is not None and claims["sub"] != subject:
        raise IdTokenError("it names another user than the sign-in (sub)")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or isinstance(exp, bool) or now - CLOCK_SKEW_SECONDS >= exp:
        raise IdTokenError("it has expired (exp); check this computer's clock")
    if not isinstance(iat, int | float) or isinstance(iat, bool) or iat > now + CLOCK_SKEW_SECONDS:
        raise IdTokenError("it was issued in the future (iat); check this computer's clock")
    if nonce is not None and claims.get("nonce") != nonce:
        raise IdTokenError("the nonce does not match")


class SigningKeys:
    """The issuer's JWKS, fetched once and again when a token names a key not seen yet
    (the provider rotated its keys)."""

    def __init__(self, http: httpx.AsyncClient, jwks_uri: str) -> None:
        self._http = http
        self._uri = jwks_uri
        self._keys: list[dict[str, Any]] | None = None

    async def verify(self, jws: Jws) -> None:
        alg = jws.header.get("alg")
        if alg not in _DIGEST_INFO:
            raise IdTokenError(f"it is signed with {alg!r}; ctidesk accepts RS256, RS384, RS512")
        kid = jws.header.get("kid")
        for fresh in (False, True):
            keys = await self._load(fresh)
            candidates = [
                key
                for key in keys
                if (kid is None or key.get("kid") == kid) and key.get("alg", alg) == alg
            ]
            if candidates:
                break
        else:
            raise IdTokenError("the issuer does not publish the key it was signed with")
        for jwk in candidates:
            public = rsa_public_key(jwk)
            if public is None:
                continue
            n, e = public
            if n.bit_length() < MIN_RSA_BITS:
                raise IdTokenError(f"the issuer's key is shorter than {MIN_RSA_BITS} bits")
            if rsa_signature_valid(str(alg), jws.signing_input, jws.signature, n, e):
                return
        raise IdTokenError("its signature is not valid")

    async def _load(self, fresh: bool) -> list[dict[str, Any]]:
        if self._keys is not None and not fresh:
            return self._keys
        try:
            response = await self._http.get(self._uri, headers={"User-Agent": USER_AGENT})
            document = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as exc:
            reason = type(exc).__name__
            raise IdTokenError(f"the issuer's keys could not be read ({reason})") from exc
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, list):
            raise IdTokenError("the issuer's keys could not be read")
        self._keys = [key for key in keys if isinstance(key, dict)]
        return self._keys
