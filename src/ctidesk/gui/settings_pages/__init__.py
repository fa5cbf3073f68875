"""The pages of the settings dialog, one per system or topic; `SettingsDialog` assembles them.

Each page builds its own fields (`page.SettingsPage`) and knows what is wrong with them beyond the
settings model; the dialog reads, validates, tests and saves across all pages.
"""
