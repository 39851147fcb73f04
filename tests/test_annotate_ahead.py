"""A ``sitegen build`` with a few new paragraphs annotates them in a worker process
that loads the model while the build reads and indexes the cached articles."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
from conftest import build_elsewhere
from test_golden import tree

from sitegen.config import DEFAULT_MODEL
from sitegen.nlp.ahead import Ahead
from sitegen.nlp.annotator import SpacyAnnotator

MakeSite = Callable[..., Path]
SITE = {
    "content/a.md": "---\ntitle: A\ndate: 2015-09-01\n---\nJohn Kerry spoke in Moscow.\n",
    "content/b.md": "---\ntitle: B\ndate: 2015-09-02\n---\nKerry left Syria.\n",
}


def sitegen(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sitegen", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)


@pytest.mark.model
def test_an_edits_paragraph_is_annotated_elsewhere_and_builds_the_same_site(
    make_site: MakeSite, real_nlp: object, tmp_path: Path
) -> None:
    site = make_site(SITE)
    sitegen("build", "--site", str(site), "-q")
    edited = SITE["content/b.md"] + "\nAndrew Tabler, a fellow in Washington, said so.\n"
    make_site({"content/b.md": edited})
    printed, errors = build_elsewhere(site, "--jobs", "2")
    assert printed == "0 False", f"the model was loaded in the build's process: {errors}"
    assert "Tabler" in (site / "build/b/index.html").read_text()
    sitegen("build", "--site", str(site), "--out", str(tmp_path / "fresh"), "--no-cache", "-q")
    assert tree(site / "build") == tree(tmp_path / "fresh")


UNGUARDED = """
from pathlib import Path
from sitegen.pipeline import Pipeline
with open({runs!r}, "a") as runs:
    runs.write("ran\\n")
site = Path({site!r})
report = Pipeline(site, once=True).build(site / "build")
print(report.annotated)
"""


@pytest.mark.model
def test_the_worker_does_not_run_the_building_script_again(
    make_site: MakeSite, real_nlp: object, tmp_path: Path
) -> None:
    """A script that builds without ``if __name__ == "__main__":`` runs once: the
    worker is a process of its own (``python -m sitegen.nlp.worker``), which neither
    runs the script again nor, for the ``sitegen`` command, imports the command line."""
    site = make_site(SITE)
    sitegen("build", "--site", str(site), "-q")
    make_site({"content/b.md": SITE["content/b.md"] + "\nAndrew Tabler left Moscow.\n"})
    script, runs = tmp_path / "build_it.py", tmp_path / "runs.txt"
    script.write_text(UNGUARDED.format(runs=str(runs), site=str(site)))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1"]  # the edited paragraph, annotated
    assert runs.read_text() == "ran\n"
    assert "Tabler" in (site / "build/b/index.html").read_text()


def test_a_worker_that_fails_leaves_its_blocks_to_this_process(
    fake_annotator: SpacyAnnotator,
) -> None:
    texts = ["John Kerry spoke.", "Moscow, said Kerry."]
    ahead = Ahead("xx_no_such_model", fake_annotator.fingerprint, 64, texts, lambda: fake_annotator)
    try:
        found = ahead.annotate([texts[1], texts[0], "Syria."])
    finally:
        ahead.close()
    assert found == fake_annotator.annotate([texts[1], texts[0], "Syria."])


def test_a_worker_that_dies_before_reading_its_texts_leaves_them_to_this_process(
    fake_annotator: SpacyAnnotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More texts than a pipe holds, to a worker that exits at once (here: a program
    that is not Python): sending them fails, and this process annotates them."""
    monkeypatch.setattr(sys, "executable", "/bin/true")
    texts = [f"Kerry spoke in Moscow {n} times." for n in range(20_000)]
    ahead = Ahead(DEFAULT_MODEL, fake_annotator.fingerprint, 64, texts, lambda: fake_annotator)
    try:
        found = ahead.annotate(texts[:2])
    finally:
        ahead.close()
    assert found == fake_annotator.annotate(texts[:2])


@pytest.mark.model
def test_a_build_that_fails_stops_the_worker_still_loading_the_model(
    real_nlp: object, fake_annotator: SpacyAnnotator
) -> None:
    ahead = Ahead(DEFAULT_MODEL, "fingerprint", 64, ["John Kerry spoke."], lambda: fake_annotator)
    worker = ahead._worker.pid
    os.kill(worker, 0)  # it runs
    ahead.close()  # as a build whose input has an error closes it, before any result
    with pytest.raises(ProcessLookupError):  # the worker outlives the build, if not
        os.kill(worker, 0)
    # stopped, not waited for until it had loaded the model and annotated the text
    assert ahead._worker.returncode == -signal.SIGTERM


#: The worker, with an import of spaCy that waits for the file GO and then fails.
WAITING = """
import os, sys, time
class Waiting:
    def find_spec(self, name, path=None, target=None):
        if name == "spacy":
            while not os.path.exists({go!r}):
                time.sleep(0.01)
            raise ImportError("no spaCy here")
        return None
sys.meta_path.insert(0, Waiting())
from sitegen.nlp.worker import main
main()
"""


def test_the_worker_takes_its_texts_while_spacy_is_still_importing(tmp_path: Path) -> None:
    """More texts than a pipe holds are taken at once, not after spaCy has imported: the
    build sending them goes on meanwhile. (Here spaCy's import waits until they are
    sent: a worker that read them only after it would never get them.)"""
    go = tmp_path / "go"
    command = [sys.executable, "-c", WAITING.format(go=str(go))]
    pipes = subprocess.PIPE
    worker = subprocess.Popen(command, stdin=pipes, stdout=pipes, stderr=subprocess.DEVNULL)
    assert worker.stdin is not None
    request = msgspec.msgpack.encode(("xx_none", 64, ["Kerry spoke in Moscow. " * 40] * 500))
    assert len(request) > 2**18
    sending = threading.Thread(target=lambda: (worker.stdin.write(request), worker.stdin.close()))
    sending.start()
    sending.join(timeout=60)
    sent = not sending.is_alive()
    go.touch()  # (lets the import go on, and so the sending thread, if it waits)
    assert worker.stdout is not None
    results = worker.stdout.read()
    worker.stdout.close()
    worker.wait(timeout=120)
    sending.join()
    assert sent, "the texts waited for spaCy's import"
    assert msgspec.msgpack.decode(results) is None  # no spaCy here: this process annotates
