"""The ``sitegen`` command starts the NLP worker of an edit before it imports the rest
of sitegen, when a build looks like an edit, and never leaves it behind; it ends the
process at once, its output written."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_elsewhere
from test_golden import tree

from sitegen import launch
from sitegen.options import parse

MakeSite = Callable[..., Path]
SITE = {
    "content/a.md": "---\ntitle: A\ndate: 2015-09-01\n---\nJohn Kerry spoke in Moscow.\n",
    "content/b.md": "---\ntitle: B\ndate: 2015-09-02\n---\nKerry left Syria.\n",
}
#: The ``sitegen`` command in a new process, as the console script runs it, saying as it
#: ends whether it started a worker with the build's modules imported already (None:
#: it started none), and the worker's exit status then (None: it is still running).
SPIED = """
import sys
from sitegen import launch
started = []
def spy():
    started.append("sitegen.pipeline" in sys.modules)
    started.append(start())
    return started[-1]
def report(code):
    worker = started[1] if started else None
    print(code, started[0] if started else None, worker and worker.poll(), flush=True)
def end(code):
    report(code)
    launch.end(code)
start, launch.start_worker = launch.start_worker, spy
report(launch.main(sys.argv[1:], end=end))
"""
#: The environment of the commands run here, with Python's output buffered as a user's
#: is (this machine's sets PYTHONUNBUFFERED).
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def sitegen(*args: str) -> str:
    """What the command (spied on) printed: its exit code, whether the build's modules
    were imported when it started a worker, and the worker's exit status as it ended."""
    command = [sys.executable, "-c", SPIED, *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=BUFFERED)
    assert done.returncode == int(done.stdout.split()[0]), done.stderr
    return done.stdout.strip()


def edited_later(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as an edit made well after the last build, however
    coarse the file system's clock (the last build's time set back a minute)."""
    stamp = path.parents[1] / ".sitegen-cache/built"
    before = stamp.stat().st_mtime_ns - 60 * 10**9
    os.utime(stamp, ns=(before, before))
    path.write_text(text, encoding="utf-8")


def built(make_site: MakeSite) -> Path:
    site = make_site(SITE)
    assert sitegen("build", "--site", str(site), "-q") == "0 None None"  # no cache yet
    return site


@pytest.mark.model
def test_an_edit_is_annotated_by_a_worker_started_before_the_build_is_imported(
    make_site: MakeSite, real_nlp: object, tmp_path: Path
) -> None:
    site = built(make_site)
    edited = SITE["content/b.md"] + "\nAndrew Tabler, a fellow in Washington, said so.\n"
    edited_later(site / "content/b.md", edited)
    assert sitegen("build", "--site", str(site), "-q") == "0 False 0"
    assert "Tabler" in (site / "build/b/index.html").read_text()
    fresh = tmp_path / "fresh"
    assert sitegen("build", "--site", str(site), "--out", str(fresh), "--no-cache", "-q")
    assert tree(site / "build") == tree(fresh)


@pytest.mark.model
def test_the_worker_of_an_edit_is_the_only_one_and_the_build_loads_no_model(
    make_site: MakeSite, real_nlp: object
) -> None:
    site = built(make_site)
    edited_later(site / "content/a.md", SITE["content/a.md"] + "\nAngela Merkel came.\n")
    printed, errors = build_elsewhere(site)
    assert printed == "0 False", f"the model was loaded in the build's process: {errors}"
    assert "Merkel" in (site / "build/a/index.html").read_text()


@pytest.mark.model
def test_a_worker_not_needed_is_stopped(make_site: MakeSite, real_nlp: object) -> None:
    """A file saved again unchanged: nothing to annotate, so the worker, still
    importing spaCy or waiting for texts, is stopped, not left to run; and the build
    after that, with nothing changed since, starts none."""
    site = built(make_site)
    edited_later(site / "content/a.md", SITE["content/a.md"])
    code, imported, ended = sitegen("build", "--site", str(site), "-q").split()
    assert (code, imported) == ("0", "False")
    assert ended != "None", "the worker was left running"
    assert sitegen("build", "--site", str(site), "-q") == "0 None None"


@pytest.mark.model
def test_a_failed_build_stops_the_worker(make_site: MakeSite, real_nlp: object) -> None:
    site = built(make_site)
    edited_later(site / "content/a.md", "---\ntitle: [A\n---\nJohn Kerry spoke.\n")
    command = [sys.executable, "-c", SPIED, "build", "--site", str(site), "-q"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=BUFFERED)
    assert "content/a.md:2: front matter" in done.stderr
    assert done.stdout.split() == ["1", "False", str(-signal.SIGTERM)], done.stderr


def args(site: Path, *more: str) -> argparse.Namespace:
    return parse(["build", "--site", str(site), *more])


def test_a_build_looks_like_an_edit_when_a_content_file_changed_since_the_last_build(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({**SITE, "content/.draft.md": "x", "content/sub/c.md": "x"})
    (tmp_path / "elsewhere.md").write_text("x")
    (site / "content/outside").symlink_to(tmp_path, target_is_directory=True)
    (site / "content/sub/loop").symlink_to(site / "content", target_is_directory=True)
    (site / ".sitegen-cache").mkdir()
    (site / ".sitegen-cache/built").write_text("")
    assert not launch.looks_like_an_edit(args(site)), "no cache: a first build"
    (site / ".sitegen-cache/cache.sqlite").write_bytes(b"")
    built_at = (site / ".sitegen-cache/built").stat().st_mtime_ns
    for path in [*site.rglob("*.md"), tmp_path / "elsewhere.md"]:
        os.utime(path, ns=(built_at - 10**9, built_at - 10**9))
    assert not launch.looks_like_an_edit(args(site)), "nothing changed since"
    for path in (site / "content/.draft.md", tmp_path / "elsewhere.md"):
        os.utime(path, ns=(built_at + 10**9, built_at + 10**9))
    assert not launch.looks_like_an_edit(args(site)), "hidden, or outside: no content"
    os.utime(site / "content/sub/c.md", ns=(built_at + 10**9, built_at + 10**9))
    assert launch.looks_like_an_edit(args(site))
    assert launch.looks_like_an_edit(args(site, "--out", str(tmp_path / "out")))
    assert not launch.looks_like_an_edit(args(site, "--no-cache"))
    assert not launch.looks_like_an_edit(args(site, "--jobs", "1")), "no core to spare"
    assert not launch.looks_like_an_edit(args(site, "--dask", "local:2"))
    assert not launch.looks_like_an_edit(parse(["entities", "--site", str(site)]))
    (site / "sitegen.toml").write_text('[nlp]\ndask = "tcp://10.0.0.1:8786"\n')
    assert not launch.looks_like_an_edit(args(site)), "sitegen.toml: annotated on Dask"
    assert launch.looks_like_an_edit(args(site, "--jobs", "2")), "--jobs: annotated here"
    (site / "sitegen.toml").write_text("[nlp\n")
    assert launch.looks_like_an_edit(args(site)), "not TOML: the build says so"
    (site / ".sitegen-cache/built").unlink()
    assert not launch.looks_like_an_edit(args(site)), "no build has succeeded"


@pytest.mark.model
def test_the_command_exits_at_once_with_its_output_written_and_its_cache_closed(
    make_site: MakeSite, real_nlp: object
) -> None:
    """``sitegen`` ends without Python's teardown: what it printed must still reach the
    pipe, and the cache be closed (SQLite's log beside it folded back into the file)."""
    site = make_site(SITE)
    for command in (["build", "-v"], ["entities", "--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "sitegen", *command, "--site", str(site), "--no-cache"],
            capture_output=True,
            text=True,
            timeout=300,
            env=BUFFERED,
        )
        assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("]"), "the JSON was cut short"
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "-v", "--site", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
        env=BUFFERED,
    )
    assert "Built 2 articles" in done.stdout and "rendered." in done.stdout
    assert not list((site / ".sitegen-cache").glob("*-wal")), "the cache was left open"


@pytest.mark.model
def test_a_reader_that_stops_early_is_not_an_error(make_site: MakeSite, real_nlp: object) -> None:
    """``sitegen entities --json | head``: the pipe closes while sitegen prints."""
    site = make_site(SITE)
    build = [sys.executable, "-m", "sitegen", "build", "-q", "--site", str(site)]
    subprocess.run(build, check=True, timeout=300)
    for env in (BUFFERED, {**BUFFERED, "PYTHONUNBUFFERED": "1"}):
        command = [sys.executable, "-m", "sitegen", "entities", "--json", "--site", str(site)]
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        ) as run:
            assert run.stdout is not None and run.stderr is not None
            run.stdout.close()  # before it prints anything
            assert run.wait(timeout=300) == 0
            assert run.stderr.read() == b""


def test_a_closed_output_is_not_an_error(make_site: MakeSite) -> None:
    """``sitegen cache >&-``: Python has no standard output; nothing to say it to."""
    site = make_site(SITE)
    closed = 'exec "$0" -m sitegen cache --site "$1" >&-'
    command = ["sh", "-c", closed, sys.executable, str(site)]
    done = subprocess.run(command, stderr=subprocess.PIPE, text=True, env=BUFFERED, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")


def test_a_full_disk_under_the_output_is_said_in_one_line(make_site: MakeSite) -> None:
    """``sitegen cache > /dev/full``: the machine's problem (1), not an internal error."""
    site = make_site(SITE)
    for env in (BUFFERED, {**BUFFERED, "PYTHONUNBUFFERED": "1"}):
        command = [sys.executable, "-m", "sitegen", "cache", "--site", str(site)]
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                command, stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60
            )
        assert done.returncode == 1
        assert done.stderr == "error: writing the output failed: No space left on device\n"


#: ``sitegen`` as the console script runs it, with a search shard per page, saying when
#: Pagefind starts on one, which then takes 3 s more.
SLOW_SEARCH = """
import sys, time
import sitegen.render.search as search
search.SHARD_PAGES = {"a": 1, "e": 1}
real = search.finish_pagefind
def slow(run):
    print("indexing", flush=True)
    time.sleep(3)
    return real(run)
search.finish_pagefind = slow
from sitegen import launch
launch.command()
"""
#: The same, saying when the build starts moving its files into the output folder,
#: which then takes 2 s more.
SLOW_MOVES = """
import sys, time
import sitegen.output.write as write
real = write._move_in
def slow(*args):
    print("moving", flush=True)
    time.sleep(2)
    return real(*args)
write._move_in = slow
from sitegen import launch
launch.command()
"""

#: The same, saying when it starts Pagefind on a shard, and the process's id.
STARTS_PAGEFIND = """
import sitegen.render.search as search
real = search.start_pagefind
def start(*args):
    run = real(*args)
    print("indexing", run.process.pid, flush=True)
    return run
search.start_pagefind = start
from sitegen import launch
launch.command()
"""

#: The same, its pages rendered by a forked copy beside it (a page a copy), the copy
#: saying its process id as it starts on them, which then takes a minute.
SLOW_COPY = """
import os, time
import sitegen.output.shares as shares
shares.MIN_SHARE = 1
real = shares._render_share
def slow(n):
    print("rendering", os.getpid(), flush=True)
    time.sleep(60)
    return real(n)
shares._render_share = slow
from sitegen import launch
launch.command()
"""


def running_in(folder: Path) -> list[str]:
    """The command lines of the processes naming ``folder``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):  # gone meanwhile
            found.append(cmdline.read_bytes().replace(b"\0", b" ").decode())
    return [line for line in found if str(folder) in line]


def stopped_while(
    site: Path, script: str, said: str, tmp_path: Path, jobs: int = 1, **env: str
) -> tuple[str, Path]:
    """An edit's build of ``site`` run by ``script``, sent SIGTERM once it prints a line
    starting ``said``; what it printed in all (it must exit 143 saying "terminated", in
    less than the minute a slow step takes) and its temp folder."""
    edited_later(site / "content/a.md", SITE["content/a.md"].replace("spoke", "spoke again"))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    script = "import faulthandler, signal\nfaulthandler.register(signal.SIGUSR1)\n" + script
    command = [sys.executable, "-c", script, "build", "--site", str(site), "--jobs", str(jobs)]
    env = {**BUFFERED, "TMPDIR": str(scratch), **env}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as run:
        assert run.stdout is not None and run.stderr is not None
        timer = threading.Timer(120, run.kill)  # (never said: the line check fails)
        timer.start()
        first = run.stdout.readline().decode()
        timer.cancel()
        assert first.startswith(said), run.stderr.read().decode()
        run.send_signal(signal.SIGTERM)
        try:
            out, err = run.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            run.send_signal(signal.SIGUSR1)  # (its threads' stacks, on stderr)
            with contextlib.suppress(subprocess.TimeoutExpired):
                run.wait(timeout=2)
            run.kill()
            out, err = run.communicate(timeout=30)
            pytest.fail(f"still running 30 s after SIGTERM:\n{err.decode()}")
        assert (run.returncode, err.decode().splitlines()[-1:]) == (143, ["terminated"]), err
        return first + out.decode(), scratch


@pytest.mark.model
def test_sigterm_stops_a_build_as_ctrl_c_does(
    make_site: MakeSite, real_nlp: object, tmp_path: Path
) -> None:
    """``timeout`` or a cancelled CI job: the build stops, starting no more Pagefind
    runs, leaving the output as it was, no scratch files and no process behind."""
    site = make_site(SITE)
    build = [sys.executable, "-m", "sitegen", "build", "-q", "--site", str(site)]
    subprocess.run(build, check=True, timeout=300, env=BUFFERED)
    before = tree(site / "build")
    printed, scratch = stopped_while(site, SLOW_SEARCH, "indexing", tmp_path)
    assert printed.split() == ["indexing"], "a search shard was started after SIGTERM"
    assert tree(site / "build") == before
    assert [p.name for p in site.iterdir() if "sitegen" in p.name] == [".sitegen-cache"]
    assert list(scratch.iterdir()) == []
    assert running_in(scratch) == []


@pytest.mark.model
def test_sigterm_stops_a_pagefind_run_under_way_at_once(
    make_site: MakeSite, real_nlp: object, tmp_path: Path
) -> None:
    """A shard of a large site's search index can take Pagefind a while (here it never
    ends): the build stops it rather than waiting for it."""
    from sitegen.render.search import pagefind_binary

    site = make_site(SITE)
    build = [sys.executable, "-m", "sitegen", "build", "-q", "--site", str(site)]
    subprocess.run(build, check=True, timeout=300, env=BUFFERED)
    before = tree(site / "build")
    slow = tmp_path / "pagefind"
    slow.write_text(
        f'#!/bin/sh\n[ "$1" = --version ] && exec "{pagefind_binary()}" "$@"\nexec sleep 600\n'
    )
    slow.chmod(0o755)
    printed, _ = stopped_while(
        site, STARTS_PAGEFIND, "indexing", tmp_path, PAGEFIND_BINARY_PATH=str(slow)
    )
    assert not Path(f"/proc/{printed.split()[1]}").exists(), "Pagefind was left running"
    assert tree(site / "build") == before


@pytest.mark.model
def test_sigterm_waits_while_the_output_folder_changes(
    make_site: MakeSite, real_nlp: object, tmp_path: Path
) -> None:
    """Stopped while moving its files in, a build finishes the moves: the output is the
    new site whole, not half of it."""
    site = make_site(SITE)
    build = [sys.executable, "-m", "sitegen", "build", "-q", "--site", str(site)]
    subprocess.run(build, check=True, timeout=300, env=BUFFERED)
    stopped_while(site, SLOW_MOVES, "moving", tmp_path)
    fresh = tmp_path / "fresh"
    subprocess.run([*build, "--no-cache", "--out", str(fresh)], check=True, timeout=300)
    assert tree(site / "build") == tree(fresh)


@pytest.mark.model
def test_sigterm_stops_the_forked_copies_rendering_pages_at_once(
    make_site: MakeSite, real_nlp: object, tmp_path: Path
) -> None:
    """A copy forked to render its share of the pages is stopped with the build, not
    waited for until it has rendered them all."""
    site = make_site(SITE)
    build = [sys.executable, "-m", "sitegen", "build", "-q", "--site", str(site)]
    subprocess.run(build, check=True, timeout=300, env=BUFFERED)
    before = tree(site / "build")
    printed, _ = stopped_while(site, SLOW_COPY, "rendering", tmp_path, jobs=2)
    copy = int(printed.split()[1])
    assert not Path(f"/proc/{copy}").exists(), "the copy was left running"
    assert tree(site / "build") == before
    assert [p.name for p in site.iterdir() if "sitegen-tmp" in p.name] == []


@pytest.mark.parametrize(
    ("stop", "said", "code"),
    [("Terminated", "terminated", 143), ("KeyboardInterrupt", "interrupted", 130)],
)
def test_a_stop_before_the_command_runs_is_one_line(stop: str, said: str, code: int) -> None:
    """SIGTERM or Ctrl-C while the command starts (reading its options, looking at the
    content, importing the build): one line and its status, no traceback."""
    script = (
        "from sitegen import launch\n"
        "from sitegen.errors import Terminated\n"
        f"def main(*args, **kwargs): raise {stop}()\n"
        "launch.main = main\n"
        "launch.command()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=BUFFERED
    )
    assert (done.returncode, done.stderr) == (code, said + "\n")
