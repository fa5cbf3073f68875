"""Faithful simulators of the phone, Zammad and NFON, for `--demo`, `ctidesk sim` and tests."""
