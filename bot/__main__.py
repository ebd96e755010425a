"""`python -m bot` is the same as the `fieldcrm` command."""

from bot.cli import main

raise SystemExit(main())
