"""The worker process that annotates a build's few new paragraphs (``ahead.py``).

It is started as early as can be: by the ``sitegen`` command itself, before the
rest of sitegen is imported, when a build looks like an edit (``launch.py``), or
else by the build once it knows the new paragraphs. It begins importing spaCy,
most of the cost of loading the model, at once, then waits for its work. This
module is light for that reason: the command imports it first, and the worker
runs it, importing spaCy before any of sitegen's own modules (a tenth of a
second that would otherwise come first).

The worker is a new Python process running this module (``python -m
sitegen.nlp.worker``), not a multiprocessing child: such a child first runs the
parent's main script again, and for the ``sitegen`` command that imports the
whole command line before the worker even starts on spaCy.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading


def start_worker() -> subprocess.Popen[bytes]:
    """A new worker, importing spaCy while it waits for its texts on standard input."""
    command = [sys.executable, "-m", "sitegen.nlp.worker"]
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


def main() -> None:
    """A worker's life: import spaCy, read the model's name and the texts, load the
    model, annotate them and write the results (``ahead.answer``). No texts at all: it
    was not needed. Once the results are written it ends at once, without freeing the
    model object by object (a tenth of a second the build would wait for, reading
    until the results end)."""
    results = sys.stdout.buffer
    sys.stdout = sys.stderr  # what a library prints must not mix with the results
    # Read while spaCy imports: a build sending more than a pipe holds waits till it is.
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(sys.stdin.buffer.read()))
    reader.start()
    with contextlib.suppress(ImportError):  # (load_model says so, in ``answer``)
        import spacy  # noqa: F401  (most of loading the model, begun before the texts come)
    reader.join()
    request = received[0] if received else b""
    if not request:
        return
    from .ahead import answer

    results.write(answer(request))
    results.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
