"""Errors of the config layer that the command line catches before it loads anything heavy."""

from __future__ import annotations


class SettingsError(Exception):
    """A settings file that cannot be used; the message names the file and the key."""
