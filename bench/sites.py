"""Generated sites for benchmarks: real news sentences, paragraphs that never repeat.

Sentences of ``../shared/corpus/lee_news.txt`` are recombined (seeded, so every
run makes the same site) into paragraphs of 3-6 sentences, and paragraphs into
articles of about 1,000 words; every 7th article also quotes the sample article,
so attributions are found too. No paragraph repeats, so a per-paragraph cache
cannot shortcut a cold build.

    python bench/sites.py DIR [--articles 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "lee_news.txt"
SAMPLE = SHARED / "samples" / "000_70b28fbfd997f5f1.txt"
WORDS_PER_ARTICLE = 1000


def as_a_user_runs_it() -> None:
    """Let the Python processes a benchmark starts keep their compiled bytecode, as
    Python does unless told not to. This machine's environment sets
    PYTHONDONTWRITEBYTECODE, so every timed process would compile sitegen's modules
    from source again (0.3 s or more of a fresh build that imports them all), which no
    user's Python does: pip compiles an installed package once."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def sentences() -> list[str]:
    text = CORPUS.read_text(encoding="utf-8")
    found = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text.replace("\n", " "))
    return [s.strip() for s in found if len(s.split()) >= 5]


def quotes() -> list[str]:
    """Paragraphs of the sample article that hold a quotation."""
    paragraphs = SAMPLE.read_text(encoding="utf-8").split("\n\n")
    return [p.strip() for p in paragraphs if '"' in p]


def articles(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(file name, Markdown) of ``count`` articles."""
    rng = random.Random(seed)
    pool, quoted = sentences(), quotes()
    seen: set[str] = set()
    out = []
    for number in range(count):
        paragraphs, words = [], 0
        if number % 7 == 0:
            paragraphs.append(quoted[number // 7 % len(quoted)])
        while words < WORDS_PER_ARTICLE - 60:
            paragraph = " ".join(rng.sample(pool, rng.randint(3, 6)))
            if paragraph in seen:
                continue
            seen.add(paragraph)
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        date = f"{2001 + number % 3}-{1 + number % 12:02d}-{1 + number % 28:02d}"
        title = " ".join(paragraphs[-1].split()[:7]).rstrip(",.;:")
        front = f"---\ntitle: {json.dumps(title)}\ndate: {date}\n---\n\n"
        out.append((f"a{number:05d}.md", front + "\n\n".join(paragraphs) + "\n"))
    return out


def make_site(root: Path, count: int, seed: int = 7) -> Path:
    """A sitegen site folder at ``root`` with ``count`` generated articles."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for name, text in articles(count, seed):
        (content / name).write_text(text, encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    make_site(args.dir, args.articles)
    print(f"{args.articles} articles in {args.dir}/content/")


if __name__ == "__main__":
    main()
