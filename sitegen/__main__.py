"""``python -m sitegen`` is the ``sitegen`` command."""

from .cli import main

raise SystemExit(main())
