"""A stop (Ctrl-C, SIGTERM) may come at any line the main thread runs, also inside
Python's own thread code while a build makes its search shards on threads: it must
come through, and leave no lock held, or a thread hangs and the build never ends."""

from __future__ import annotations

import gc
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from sitegen import stopping
from sitegen.model import OutputFile, Page
from sitegen.output.derived import Derived, make_derived
from sitegen.output.record import Record


class Stop(BaseException):
    """The exception a signal's handler raises; here a trace function sends it."""


class Finalised:
    """An object with a ``__del__``, where Python ignores an exception."""

    def __del__(self) -> None:
        time.perf_counter()


@pytest.fixture
def alarm() -> Iterator[None]:
    """SIGALRM as it was, after a test in which stops are put off (``stopping.stop``)."""
    before = signal.getsignal(signal.SIGALRM)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, before)


def shards(tmp_path: Path, line: int) -> tuple[bool, bool]:
    """Three search shards made on two threads (``make_derived``), a stop sent as a
    signal's handler sends it at the ``line``-th line the main thread runs (in sitegen's
    code or Python's); whether it was sent, and whether it came."""
    sent = False
    seen = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal seen, sent
        # Where Python looks for signals (entering a function, a call done).
        if event in ("call", "return", "c_return"):
            seen += 1
            if seen == line:
                sent = True
                sys.setprofile(None)
                stopping.stop(Stop(), frame)

    def make(*_: object) -> list[OutputFile]:
        time.sleep(0.002)
        return [OutputFile(f"{threading.get_ident()}/x", b"x")]

    def write(pages: Sequence[Page]) -> list[str]:
        gc.collect(0)  # (the collector's callbacks run here, on the main thread)
        Finalised()  # (and a __del__)
        return [page.path for page in pages]

    derived = [Derived(f"{n}/", {"n": str(n)}, make) for n in range(3)]
    sys.setprofile(profile)
    try:
        make_derived(derived, tmp_path.joinpath, tmp_path, Record({}, {}), 2, write)
        time.sleep(stopping.RETRY * 20)  # (a stop put off comes by then)
    except Stop:
        return sent, True
    finally:
        sys.setprofile(None)
    return sent, False


@pytest.fixture
def collector_callback() -> Iterator[None]:
    """A callback of the garbage collector's, as a library may add one (Hypothesis does,
    to time collections): a stop raised in it Python ignores."""

    def callback(phase: str, info: dict[str, int]) -> None:
        time.perf_counter()

    gc.callbacks.append(callback)
    yield
    gc.callbacks.remove(callback)


@pytest.mark.timeout(120)
def test_a_stop_at_any_line_comes_through_and_leaves_no_thread_hanging(
    tmp_path: Path, alarm: None, collector_callback: None
) -> None:
    """Also in a callback of the collector's or of a weak reference's, or a ``__del__``,
    where Python ignores it: it is put off until that is done, not lost."""
    before = set(threading.enumerate())
    line = 0
    while True:
        line += 1
        sent, came = shards(tmp_path, line)
        assert came == sent, f"a stop at line {line} never came"
        for thread in set(threading.enumerate()) - before:
            thread.join(timeout=5)
            assert not thread.is_alive(), f"a stop at line {line} left a thread hanging"
        if not sent:
            break
    assert line > 100, "the shards were made in too few lines to stop them at each"
