"""``python -m sitegen`` is the ``sitegen`` command."""

from .launch import main

raise SystemExit(main())
