"""The cores this process may use: what annotating and rendering spread over."""

from __future__ import annotations

import os


def default_jobs() -> int:
    """The cores this process may use (its CPU affinity, where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
