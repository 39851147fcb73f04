"""A ``sitegen build`` with a few new paragraphs annotates them in a worker process
that loads the model while the build reads and indexes the cached articles."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

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
    worker is a process of its own (``python -m sitegen.nlp.ahead``), which neither
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
