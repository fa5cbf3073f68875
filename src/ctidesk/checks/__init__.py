"""Checks: is each part of ctidesk able to work, and if not, what should the user do?

Every check answers with a `SystemStatus` (`ctidesk.core.ports`): a name, a `ReachState` and a
sentence. The same type feeds the tray icon, the "Copy diagnostics" report, the `ctidesk doctor`
table and the `--self-check` table; `runner.verdict` reads each state as ok, warning, skipped or
problem for the tables.

- `doctor`: the configured systems (files, keyring, phone, Zammad, NFON), built from the settings
  alone: `ctidesk doctor` and the "Test connection" buttons of the settings and the setup.
- `installation`: is this installation complete (modules, Qt plugins, keyring backend,
  translations, folders): `ctidesk --self-check`, meant for the frozen bundle.
- `live`: the running network's systems, asked again and again for the tray.
"""
