"""What the command line prints as a build goes: with ``-v``, the notes sitegen logs
(the files it skipped), each once, with control characters escaped. Each note names
the file it is about as its first argument, a path in the site folder, shown as
problems are: as seen from where the command runs (``errors.seen_from``)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import printable, seen_from


class _Once(logging.Filter):
    """A file is skipped again each time a stage looks at the folder: say it once."""

    def __init__(self) -> None:
        super().__init__()
        self.said: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        new = message not in self.said
        self.said.add(message)
        return new


class _Printable(logging.Formatter):
    def __init__(self, site: Path) -> None:
        super().__init__("%(message)s")
        self.site = site

    def format(self, record: logging.LogRecord) -> str:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str):
            record.args = (seen_from(args[0], self.site), *args[1:])
        return printable(super().format(record))


@contextmanager
def verbose_notes(enabled: bool, site: Path) -> Iterator[None]:
    """With ``-v``, print what sitegen logs as it goes (such as the files it skipped);
    ``site``: the site folder as the command line names it."""
    if not enabled:
        yield
        return
    logger = logging.getLogger("sitegen")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Printable(site))
    handler.addFilter(_Once())
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
