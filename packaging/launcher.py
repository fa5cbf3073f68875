"""PyInstaller entry point: the frozen `ctidesk` executable is exactly the `ctidesk` command."""

from ctidesk.cli import main

raise SystemExit(main())
