"""Benchmark: build time and output size against the size of one article.

Builds a site of one article of growing size (50 KB, 500 KB, 5 MB by default)
made of real news sentences from ../shared/corpus/lee_news.txt, recombined so
no paragraph repeats (a repeated one would be annotated once), and prints, per
size, the seconds of each stage, seconds per MB of input and output bytes per
input byte. Time linear in input size shows as a flat "s/MB" column; a
quadratic spot shows as s/MB growing tenfold with each tenfold size.

The NLP stage is a fast stand-in by default (spaCy's blank English pipeline
with a sentencizer and a rule that takes runs of capitalised words for names),
so the cost of sitegen's own stages is what is measured; ``--real`` uses the
spaCy model instead, and ``--repeat-after 200000`` keeps its cost to that of
200 KB (paragraphs repeat after it; a repeated one is annotated once) while
sitegen's stages still see the whole article. ``--shape sentence`` writes the
text as one paragraph with no sentence breaks, the worst case for passages.

    python bench/article_size.py [--sizes 50000 500000 5000000] [--real]
        [--repeat-after BYTES] [--shape sentence]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sites import CORPUS, sentences

from sitegen.cache import digest
from sitegen.config import DEFAULT_MODEL
from sitegen.errors import Problems
from sitegen.model import BlockNLP
from sitegen.nlp.annotator import SpacyAnnotator, load_model
from sitegen.output.write import write_site
from sitegen.pipeline import ContentFile, Pipeline
from sitegen.render.pages import plan_site
from sitegen.site.index import build_site

MB = 1_000_000
STAGES = ("parse+enrich", "nlp", "site", "render+write")


def article_text(size: int, shape: str, repeat: int = 0, seed: int = 7) -> str:
    """About ``size`` bytes of corpus sentences recombined (seeded) into paragraphs of
    3-6 sentences that never repeat (as bench/sites.py does), or into one sentence.
    With ``repeat``, the paragraphs start over after that many bytes."""
    rng = random.Random(seed)
    pool = sentences()
    out: list[str] = []
    total = unique = 0
    while total < size:
        if repeat and total >= repeat:
            unique = unique or len(out)
            paragraph = out[len(out) % unique]
        else:
            paragraph = " ".join(rng.sample(pool, rng.randint(3, 6)))
            if shape == "sentence":
                paragraph = paragraph.replace(".", ",").replace("?", ",").replace("!", ",")
        out.append(paragraph)
        total += len(paragraph.encode()) + 2
    return (" " if shape == "sentence" else "\n\n").join(out)


def stand_in() -> SpacyAnnotator:
    """Sentences and plenty of names at a fraction of the model's cost."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    title = {"IS_TITLE": True, "IS_SENT_START": False}
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": [title, title]},
            {"label": "ORG", "pattern": [title, title, title]},
            {"label": "GPE", "pattern": [title]},
        ]
    )
    return SpacyAnnotator(nlp, fingerprint="bench stand-in")


class Timed:
    """An annotator that adds the time it takes to ``seconds``."""

    def __init__(self, inner: SpacyAnnotator) -> None:
        self.inner = inner
        self.fingerprint = inner.fingerprint
        self.seconds = 0.0

    def annotate(self, texts: Sequence[str], progress: Any = None) -> list[BlockNLP]:
        start = time.perf_counter()
        try:
            return self.inner.annotate(texts, progress)
        finally:
            self.seconds += time.perf_counter() - start


def timed(times: dict[str, float], label: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = fn()
    times[label] = time.perf_counter() - start
    return value


def run(
    size: int, shape: str, repeat: int, annotator: Timed, root: Path
) -> tuple[int, dict[str, float], int]:
    """Build one article of ``size`` bytes: (input bytes, seconds per stage, output bytes)."""
    site = root / f"site-{size}"
    (site / "content").mkdir(parents=True)
    text = article_text(size, shape, repeat)
    (site / "content" / "big.md").write_text(
        f"---\ntitle: Big\ndate: 2002-01-01\n---\n\n{text}\n", encoding="utf-8"
    )
    pipeline = Pipeline(site, annotator=annotator, use_cache=False)
    pipeline.refresh()
    files = [ContentFile.of("content/big.md", (site / "content" / "big.md").read_bytes())]
    t: dict[str, float] = {}
    annotator.seconds = 0.0
    problems = Problems()
    articles = timed(t, "parse+enrich", lambda: pipeline.articles(files, problems))
    t["nlp"] = annotator.seconds
    t["parse+enrich"] -= annotator.seconds
    site_data = timed(t, "site", lambda: build_site(articles, pipeline.catalog))
    pages = plan_site(site_data, pipeline.settings, pipeline.theme, digest("bench").hex())
    timed(t, "render+write", lambda: write_site(pages, site / "build"))
    written = sum(p.stat().st_size for p in (site / "build").rglob("*") if p.is_file())
    return len(text.encode()), t, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 500_000, 5_000_000])
    parser.add_argument("--real", action="store_true", help="use the real spaCy model")
    parser.add_argument("--shape", choices=("paragraphs", "sentence"), default="paragraphs")
    parser.add_argument(
        "--repeat-after",
        type=int,
        default=0,
        metavar="BYTES",
        help="repeat the paragraphs after BYTES: spaCy annotates a repeated paragraph once, "
        "so --real can measure sitegen's own stages on big articles in minutes",
    )
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    inner = SpacyAnnotator(load_model(DEFAULT_MODEL)) if args.real else stand_in()
    annotator = Timed(inner)
    print(f"{'input':>9} " + " ".join(f"{s:>12}" for s in STAGES) + "    total     s/MB  out/in")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            got, t, written = run(size, args.shape, args.repeat_after, annotator, Path(tmp))
            total = sum(t.values())
            cells = " ".join(f"{t[s]:12.2f}" for s in STAGES)
            print(
                f"{got / MB:7.2f}MB {cells} {total:8.2f} {total / (got / MB):8.2f} "
                f"{written / got:7.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
