"""Stopping a command: Ctrl-C and SIGTERM wait while the output folder changes.

The ``sitegen`` command turns SIGTERM into ``Terminated`` (``launch.py``), so a
stopped command, like a failed one, stops what it started and removes its
scratch files. Either signal may come at any moment, also while a build moves its
new files into the output folder, which would then be left half changed. So the
moves run ``held``: a signal that comes meanwhile takes effect once they are done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_held = 0
_pending: list[BaseException] = []


def stop(exc: BaseException) -> None:
    """Raise ``exc`` (a signal's) now, or once nothing is ``held`` any more."""
    if _held:
        _pending.append(exc)
        return
    raise exc


@contextmanager
def held() -> Iterator[None]:
    """Run the block whole: a signal that comes meanwhile is raised at its end."""
    global _held
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        if not _held and _pending:
            exc = _pending.pop(0)
            _pending.clear()
            raise exc
