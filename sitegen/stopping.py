"""Stopping a command: Ctrl-C and SIGTERM take effect where they break nothing.

The ``sitegen`` command turns SIGTERM into ``Terminated`` (``launch.py``), so a
stopped command, like a failed one, stops what it started and removes its
scratch files. Either signal may come at any moment, also while a build moves its
new files into the output folder, which would then be left half changed. So the
moves run ``held``: a signal that comes meanwhile takes effect once they are done.

A signal's exception must not come inside Python's own thread code either
(``threading``, ``concurrent.futures``, ``queue``): it keeps some of its locks in
Python code (a ``Condition``'s waiters, the futures ``wait`` holds), and an exception
there can leave one held, on which a thread then hangs for ever. A build stopped in
``concurrent.futures.wait``, or while handing a pool its work, hung so. So a stop
that comes there is put off until the main thread has left that code (looked at
every RETRY seconds, on SIGALRM); and sitegen waits for futures with ``as_done``,
which waits in its own code, so a stop still comes at once.

A stop is put off the same way while the main thread runs a callback of the garbage
collector's, of a weak reference's (``weakref``'s own, which its sets and
dictionaries use) or an object's ``__del__``: Python ignores an exception raised
there, so the stop would be lost, and the command would go on.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future
    from queue import SimpleQueue

T = TypeVar("T")

#: How often ``as_done`` looks for a signal while it waits (seconds).
LOOK_EVERY = 0.25
#: How soon a stop put off is tried again (seconds).
RETRY = 0.01
#: The files of Python's thread code, where a signal's exception must not come (found
#: beside ``threading``: importing ``concurrent.futures`` would slow every command).
_LIB = os.path.dirname(threading.__file__)
THREAD_CODE = tuple(
    os.path.join(_LIB, *name) for name in (("threading.py",), ("queue.py",), ("concurrent", ""))
)
#: The files of the weak references' callbacks Python runs as it frees an object.
WEAKREF_CODE = tuple(os.path.join(_LIB, name) for name in ("weakref.py", "_weakrefset.py"))

_held = 0
_pending: list[BaseException] = []
_put_off: list[BaseException] = []


def stop(exc: BaseException, frame: FrameType | None = None) -> None:
    """Raise ``exc`` (a signal's, which came while the main thread ran ``frame``) now,
    or once nothing is ``held`` any more, or once it has left Python's thread code."""
    if _held:
        _pending.append(exc)
        return
    if not_here(frame):
        if not _put_off:
            signal.signal(signal.SIGALRM, _retry)
            signal.setitimer(signal.ITIMER_REAL, RETRY)
            _put_off.append(exc)
        return
    raise exc


def not_here(frame: FrameType | None) -> bool:
    """Whether ``frame``, or a frame that called it, runs Python's thread code, or a
    callback where Python ignores an exception (the garbage collector's, a weak
    reference's, a ``__del__``)."""
    collector = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    while frame is not None:
        code = frame.f_code
        if code.co_filename.startswith((*THREAD_CODE, *WEAKREF_CODE)) or code in collector:
            return True
        if code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _retry(_signum: int, frame: FrameType | None) -> None:
    if _put_off:  # (else an alarm not of ``stop``'s)
        stop(_put_off.pop(), frame)


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


def as_done(futures: Collection[Future[T]]) -> Iterator[Future[T]]:
    """``futures``, each as soon as it is done (or cancelled). Waiting here, a signal's
    exception leaves no lock held: the futures say they are done into a queue, whose
    waiting (in C) an exception leaves as it was. The wait looks up every LOOK_EVERY
    seconds, for a signal the system hands to another thread (SIGTERM) is acted on
    only once this one runs Python code again."""
    from queue import SimpleQueue

    done: SimpleQueue[Future[T]] = SimpleQueue()
    for future in futures:
        future.add_done_callback(done.put)
    for _ in range(len(futures)):
        yield _next(done)


def _next(done: SimpleQueue[Future[T]]) -> Future[T]:
    from queue import Empty

    while True:
        try:
            return done.get(timeout=LOOK_EVERY)
        except Empty:
            continue
