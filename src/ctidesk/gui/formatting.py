"""How numbers, countries, ticket states and dates read in the user's language.

One place for the pop-up, the journal and the call lists, so a number looks the same in each.
The language is the one `Translations` installed: it also makes that language's `QLocale` the
default, which is what the dates here follow.
"""

from __future__ import annotations

import importlib.util
import logging
from datetime import date, datetime
from functools import cache
from pathlib import Path

import phonenumbers
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QDateTime, QLocale, QTime

from ctidesk.core.journal import JournalEntry
from ctidesk.core.numbers import NumberKind, PhoneNumber, parse_number
from ctidesk.gui.i18n import SUPPORTED

log = logging.getLogger(__name__)

CONTEXT = "Formatting"
_ANONYMOUS = QT_TRANSLATE_NOOP("Formatting", "Anonymous")
# Zammad's default ticket states; a state Zammad names otherwise is shown as Zammad names it.
_TICKET_STATES = {
    "new": QT_TRANSLATE_NOOP("Formatting", "new"),
    "open": QT_TRANSLATE_NOOP("Formatting", "open"),
    "pending reminder": QT_TRANSLATE_NOOP("Formatting", "pending reminder"),
    "pending close": QT_TRANSLATE_NOOP("Formatting", "pending close"),
    "closed": QT_TRANSLATE_NOOP("Formatting", "closed"),
    "merged": QT_TRANSLATE_NOOP("Formatting", "merged"),
}


def ui_language() -> str:
    """The UI language's code (``de``), from the default locale `Translations` set."""
    return QLocale().name().split("_")[0]


def number_text(number: PhoneNumber) -> str:
    """A number as people read it: international format (``+49 30 1234567``), the raw text for
    extensions and service codes, "Anonymous" in the UI language."""
    if number.kind is NumberKind.ANONYMOUS:
        return QCoreApplication.translate(CONTEXT, str(_ANONYMOUS))
    return number.display()


def entry_number(entry: JournalEntry) -> PhoneNumber:
    """The journal row's number in the shape the pop-up had it."""
    if entry.remote_e164:
        return PhoneNumber(raw=entry.remote_raw, kind=NumberKind.E164, e164=entry.remote_e164)
    return parse_number(entry.remote_raw)


def country_name(number: PhoneNumber) -> str:
    """The country of a number in the UI language (``Deutschland``), or empty."""
    region = number.country()
    if not region:
        return ""
    name = _country_names().get(region, {}).get(ui_language())
    if name:
        return name
    territory = QLocale.codeToTerritory(region)
    if territory == QLocale.Country.AnyTerritory:
        return region
    return QLocale.territoryToString(territory)


def warm_up() -> None:
    """Load the country names before the first caller's pop-up needs them (about 50 ms)."""
    _country_names()


@cache
def _country_names() -> dict[str, dict[str, str]]:
    """Region → {language → name} for ctidesk's languages, from phonenumbers' locale table.

    ``phonenumbers.geocoder`` would load that table too, but importing it loads every prefix's
    place names first (0.6 s and 100 MB); the table's own module is read here on its own.
    Without it (phonenumberslite) names come from Qt, in English.
    """
    path = Path(phonenumbers.__file__).parent / "geodata" / "locale.py"
    try:
        spec = importlib.util.spec_from_file_location("phonenumbers.geodata.locale", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"no module at {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        table: dict[str, dict[str, str]] = module.LOCALE_DATA
    except (ImportError, OSError, SyntaxError, AttributeError) as exc:
        log.warning("country names in the UI language are not available (%s)", exc)
        return {}
    names: dict[str, dict[str, str]] = {}
    for region, by_language in table.items():
        names[region] = {}
        for language in SUPPORTED:
            value = by_language.get(language, "")
            if value.startswith("*"):  # "*aa": the same as the name for language "aa"
                value = by_language.get(value[1:], "")
            if value:
                names[region][language] = value
    return names


def ticket_state_text(state: str) -> str:
    """Zammad's state name, in the UI language for Zammad's own states."""
    known = _TICKET_STATES.get(state.strip().lower())
    return QCoreApplication.translate(CONTEXT, str(known)) if known else state


def short_date(value: date) -> str:
    """A date in the UI language's short format (``05.03.26`` in German)."""
    return QLocale().toString(QDate(value.year, value.month, value.day), _SHORT)


def short_time(value: datetime) -> str:
    """A time of day in the UI language's short format (``15:00``, ``3:00 PM``)."""
    return QLocale().toString(QTime(value.hour, value.minute), _SHORT)


def short_date_time(value: datetime) -> str:
    """Date and time in the UI language's short format."""
    moment = QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))
    return QLocale().toString(moment, _SHORT)


_SHORT = QLocale.FormatType.ShortFormat
