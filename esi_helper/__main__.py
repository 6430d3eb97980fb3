"""Allow ``python -m esi_helper``."""

from esi_helper.cli import main

raise SystemExit(main())
