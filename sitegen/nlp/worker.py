"""The worker process that annotates a build's few new paragraphs (``ahead.py``).

It is started as early as can be: by the ``sitegen`` command itself, before the
rest of sitegen is imported, when a build looks like an edit (``launch.py``), or
else by the build once it knows the new paragraphs. It begins importing spaCy,
most of the cost of loading the model, at once, then waits for its work. This
module is light for that reason: the command imports it first.

The worker is a new Python process running ``ahead.py`` (``python -m
sitegen.nlp.ahead``), not a multiprocessing child: such a child first runs the
parent's main script again, and for the ``sitegen`` command that imports the
whole command line before the worker even starts on spaCy.
"""

from __future__ import annotations

import subprocess
import sys


def start_worker() -> subprocess.Popen[bytes]:
    """A new worker, importing spaCy while it waits for its texts on standard input."""
    command = [sys.executable, "-m", "sitegen.nlp.ahead"]
    return subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Stop ``worker`` if it is still at work (or still waiting for work), and wait for
    it to exit; again is harmless."""
    if worker.poll() is None:
        worker.terminate()
    worker.wait()
    for stream in (worker.stdin, worker.stdout):
        if stream is not None:
            stream.close()
