"""What is wrong with an address as typed, said while typing (the settings and the first-run
setup check the phone's and Zammad's addresses the same way)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication


def valid_host(address: str) -> bool:
    if any(ch.isspace() for ch in address) or "/" in address:
        return False
    try:
        parts = urlsplit("//" + address)
        port = parts.port
    except ValueError:
        return False
    return bool(parts.hostname) and (port is None or 0 < port < 65536)


def bare_host(address: str) -> str:
    """The address without the scheme and trailing slash the settings accept and drop."""
    address = address.strip()
    for prefix in ("http://", "https://"):
        if address.lower().startswith(prefix):
            address = address[len(prefix) :]
    return address.rstrip("/")


def host_problem(address: str) -> str:
    """What is wrong with a phone address as typed, as a sentence; empty when it can be used."""
    address = bare_host(address)
    if not address:
        return ""
    if not valid_host(address):
        return QCoreApplication.translate(
            "SettingsDialog", "enter a host name or address, optionally with :port"
        )
    return dotted_quad_problem(urlsplit("//" + address).hostname or "")


def url_problem(url: str) -> str:
    """What is wrong with a Zammad address as typed, as a sentence; empty when it can be used."""
    if not url:
        return ""
    if not valid_http_url(url):
        return QCoreApplication.translate(
            "SettingsDialog", "enter the full address, starting with https://"
        )
    return dotted_quad_problem(urlsplit(url).hostname or "")


def dotted_quad_problem(host: str) -> str:
    """A host of digits and dots is meant as an IPv4 address: four numbers from 0 to 255. Said
    while typing, before any request (httpx would only say "Invalid IPv4 address")."""
    parts = host.split(".")
    if not host or not all(part.isdigit() for part in parts):
        return ""
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        translate = QCoreApplication.translate
        too_large = [part for part in parts if int(part) > 255]
        if too_large and len(parts) == 4:
            return (
                translate(
                    "SettingsDialog",
                    "%1 is not a valid IPv4 address: %2 is larger than 255 (each of the four "
                    "numbers must be 0 to 255)",
                )
                .replace("%1", host)
                .replace("%2", too_large[0])
            )
        return translate(
            "SettingsDialog",
            "%1 is not a valid IPv4 address: it needs four numbers from 0 to 255, separated by "
            "dots",
        ).replace("%1", host)
    return ""


def valid_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url
