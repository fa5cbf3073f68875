from ctidesk.cli import main

raise SystemExit(main())
