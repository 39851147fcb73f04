"""Benchmark: attribution precision and recall on hand-labelled news, against textacy.

Labels: tests/attribution/labels/*.json (40 ABC news articles from the shared
corpus) and tests/attribution/sample.json (the sample article). Each article
goes through sitegen's own pipeline (parse, spaCy, enrich); each prediction is
matched to at most one label:

- the source matches: same words after normalising ("the", case, possessive),
  or one name contains the other's last word ("Kerry" ~ "John Kerry");
- the attributed text overlaps: token F1 >= 0.5 after normalising quotes.

Kinds (direct, indirect, according_to) are scored together and apart. textacy's
``direct_quotations`` (direct quotes only) runs on the same spaCy pipeline and
is scored on the same labels: overall, and on direct quotes alone.

    python bench/attribution_quality.py [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from sitegen.config import DEFAULT_MODEL
from sitegen.errors import Problems
from sitegen.nlp.annotator import SpacyAnnotator, load_model
from sitegen.pipeline import ContentFile, Pipeline

LABELS = Path(__file__).resolve().parents[1] / "tests" / "attribution"
KINDS = ("direct", "indirect", "according_to")

Item = tuple[str, str, str]  # (source, kind, text)


def normalise(text: str) -> str:
    text = text.translate(
        str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "--", "–": "-", "…": "..."})
    )
    return " ".join(text.replace("*", "").split())


def words(text: str) -> list[str]:
    return re.findall(r"\w+", normalise(text).lower())


def same_source(a: str, b: str) -> bool:
    wa = words(re.sub(r"^the\s+", "", a, flags=re.IGNORECASE))
    wb = words(re.sub(r"^the\s+", "", b, flags=re.IGNORECASE))
    if not wa or not wb:
        return False
    return wa == wb or wa[-1] in wb or wb[-1] in wa


def overlap(a: str, b: str) -> float:
    ta, tb = Counter(words(a)), Counter(words(b))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(ta.values()), common / sum(tb.values())
    return 2 * precision * recall / (precision + recall)


def match(predicted: list[Item], gold: list[Item]) -> list[tuple[Item, Item]]:
    """Greedy one-to-one matching, best text overlap first."""
    pairs = sorted(
        (
            (overlap(p[2], g[2]), i, j)
            for i, p in enumerate(predicted)
            for j, g in enumerate(gold)
            if same_source(p[0], g[0])
        ),
        reverse=True,
    )
    used_p, used_g, out = set(), set(), []
    for score, i, j in pairs:
        if score >= 0.5 and i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((predicted[i], gold[j]))
    return out


def sitegen_predictions(text: str, pipeline: Pipeline) -> list[Item]:
    problems = Problems()
    raw = f"---\ntitle: Bench\n---\n{text}\n".encode()
    articles = pipeline.articles([ContentFile.of("content/bench.md", raw)], problems)
    if not articles:
        raise SystemExit(f"cannot parse: {problems.errors}")
    return [(a.source, a.kind, a.text) for a in articles[0].attributions]


def textacy_predictions(text: str, nlp: object) -> list[Item]:
    from textacy.extract.triples import direct_quotations

    out = []
    for paragraph in text.split("\n\n"):
        doc = nlp(normalise(paragraph))  # type: ignore[operator]
        try:
            triples = list(direct_quotations(doc))
        except ValueError:  # textacy gives up on a paragraph with an unclosed quotation
            continue
        for triple in triples:
            speaker = " ".join(t.text for t in triple.speaker)
            content = " ".join(t.text for t in triple.content).strip('"')
            out.append((speaker, "direct", content))
    return out


def score(name: str, runs: Iterable[tuple[list[Item], list[Item]]], kinds: Iterable[str]) -> None:
    kinds = tuple(kinds)
    tp = fp = fn = 0
    by_kind: Counter[str] = Counter()
    for predicted, gold in runs:
        predicted = [p for p in predicted if p[1] in kinds]
        gold = [g for g in gold if g[1] in kinds]
        matched = match(predicted, gold)
        tp += len(matched)
        fp += len(predicted) - len(matched)
        fn += len(gold) - len(matched)
        by_kind.update("kind right" if p[1] == g[1] else "kind wrong" for p, g in matched)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    kind_note = f"  kind right {by_kind['kind right']}/{tp}" if len(kinds) > 1 else ""
    print(
        f"  {name:<34} P={precision:.3f}  R={recall:.3f}  F1={f1:.3f}  "
        f"(tp={tp} fp={fp} fn={fn}){kind_note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="list misses and extras")
    args = parser.parse_args()
    files = [LABELS / "sample.json", *sorted((LABELS / "labels").glob("*.json"))]
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    nlp = load_model(DEFAULT_MODEL)
    # No site folder: default settings, no curated entities, no cache.
    pipeline = Pipeline(Path("/nonexistent"), annotator=SpacyAnnotator(nlp), use_cache=False)
    runs = []
    for doc in docs:
        gold = [(a["source"], a["kind"], a["text"]) for a in doc["attributions"]]
        runs.append((doc["id"], sitegen_predictions(doc["text"], pipeline), gold))
    try:
        theirs = [
            (textacy_predictions(doc["text"], nlp), run[2])
            for doc, run in zip(docs, runs, strict=True)
        ]
    except ImportError:
        theirs = None
    labelled = Counter(g[1] for _, _, gold in runs for g in gold)
    print(
        f"{len(docs)} articles, {sum(labelled.values())} labelled attributions "
        f"({', '.join(f'{k} {labelled[k]}' for k in KINDS)})"
    )
    for title, subset in (
        ("sample article", runs[:1]),
        ("labelled corpus", runs[1:]),
        ("all", runs),
    ):
        print(f"{title}:")
        score("sitegen, all kinds", [(p, g) for _, p, g in subset], KINDS)
        for kind in KINDS:
            score(f"sitegen, {kind}", [(p, g) for _, p, g in subset], (kind,))
        if theirs is not None:
            mine = (
                theirs[: len(subset)]
                if title == "sample article"
                else (theirs[1:] if title == "labelled corpus" else theirs)
            )
            score("textacy direct_quotations, all", mine, KINDS)
            score("textacy direct_quotations, direct", mine, ("direct",))
    if theirs is None:
        print("textacy is not installed (pip install -e '.[bench]'): comparison skipped")
    if args.show_errors:
        for name, predicted, gold in runs:
            matched = match(predicted, gold)
            for p in predicted:
                if all(p is not m[0] for m in matched):
                    print(f"{name}: EXTRA {p[1]} {p[0]!r}: {p[2][:70]!r}")
            for g in gold:
                if all(g is not m[1] for m in matched):
                    print(f"{name}: MISSED {g[1]} {g[0]!r}: {g[2][:70]!r}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
