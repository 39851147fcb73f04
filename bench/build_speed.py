"""Benchmark: where a cold build's time goes, as ratios against plain Markdown.

Makes a site of N articles from ../shared/corpus/lee_news.txt (each article
several corpus lines, so a few hundred words), then times in this one process:
the baseline (markdown-it parse + render of every article), each pipeline
stage, and a whole build. Prints seconds and each figure as a ratio to the
baseline, so runs on a noisy machine compare by ratio.

    python bench/build_speed.py [--articles 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sitegen.build import annotate, build, read_documents
from sitegen.config import load_config
from sitegen.enrich.article import enrich
from sitegen.errors import Problems
from sitegen.nlp.annotator import SpacyAnnotator, load_model
from sitegen.render.pages import Settings, make_theme, render_site
from sitegen.site.index import build_site
from sitegen.source.parse import markdown

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "lee_news.txt"


def make_site(root: Path, count: int) -> Path:
    lines = [line.strip() for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    content = root / "content"
    content.mkdir(parents=True)
    for i in range(count):
        paragraphs = [lines[(i * 3 + k) % len(lines)] for k in range(3)]
        body = "\n\n".join(paragraphs)
        date = f"2002-{1 + i % 12:02d}-{1 + i % 28:02d}"
        (content / f"a{i:04d}.md").write_text(
            f"---\ntitle: Article {i}\ndate: {date}\n---\n\n{body}\n", encoding="utf-8"
        )
    return root


def timed(label: str, fn, results: dict[str, float]):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp) / "site", args.articles)
        config = load_config(site)
        texts = [p.read_text(encoding="utf-8") for p in sorted((site / "content").glob("*.md"))]
        words = sum(len(t.split()) for t in texts)
        r: dict[str, float] = {}
        md = markdown()
        timed("baseline: markdown-it parse+render", lambda: [md.render(t) for t in texts], r)
        nlp = timed("load spaCy model", lambda: load_model(config.model), r)
        annotator = SpacyAnnotator(nlp, config.labels, config.batch_size)
        docs = timed("load + parse", lambda: read_documents(config, Problems(), drafts=False), r)
        results = timed("NLP: entities + parse (nlp.pipe)", lambda: annotate(docs, annotator), r)
        pairs = list(zip(docs, results, strict=True))
        articles = timed("enrich", lambda: [enrich(d, x) for d, x in pairs], r)
        site_data = timed("site indexes", lambda: build_site(articles), r)
        theme = make_theme(site)
        timed("render", lambda: render_site(site_data, Settings("b", "", "en"), theme), r)
        timed(
            "whole build (model loaded)",
            lambda: build(config, site / "build", annotator=annotator),
            r,
        )
    base = r["baseline: markdown-it parse+render"]
    print(f"{args.articles} articles, {words} words")
    for label, seconds in r.items():
        print(f"{label:<36} {seconds:8.3f} s  {seconds / base:8.1f}x baseline")
    nlp_seconds = r["NLP: entities + parse (nlp.pipe)"]
    print(f"{'NLP throughput':<36} {words / nlp_seconds:8.0f} words/s")


if __name__ == "__main__":
    main()
