"""What the command line prints as a build goes: with ``-v``, the notes sitegen logs
(the files it skipped), each once, with control characters escaped."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import printable


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
    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


@contextmanager
def verbose_notes(enabled: bool) -> Iterator[None]:
    """With ``-v``, print what sitegen logs as it goes (such as the files it skipped)."""
    if not enabled:
        yield
        return
    logger = logging.getLogger("sitegen")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Printable("%(message)s"))
    handler.addFilter(_Once())
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
