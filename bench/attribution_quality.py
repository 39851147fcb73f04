"""Benchmark: attribution precision and recall on labelled news, beside textacy.

Three labelled sets, each run through sitegen's whole analysis (parse, spaCy,
enrich, and the site stage that resolves names across the set's articles):

- tune: tests/attribution/sample.json and tests/attribution/labels/*.json, the
  articles rules are developed on (``--show-errors`` lists their misses);
- check: tests/attribution/check/*.json, articles no rule was tuned on. Only
  their figures are printed, never their errors: look, do not tune;
- PolNeAR dev: ../shared/attribution-eval/polnear-dev (84 political news
  articles labelled by the corpus' annotators), scored by that folder's own
  ``score.py`` (see its README).

On the project's labels a prediction matches at most one label: the source
matches (same words after normalising "the", case and possessive, or one name
contains the other's last word: "Kerry" ~ "John Kerry") and the text overlaps
(token F1 >= 0.5 after normalising quotes). Kinds (direct, indirect,
according_to) are scored together and apart. textacy's ``direct_quotations``
(direct quotes only) runs on the same spaCy pipeline and is scored the same way.

    python bench/attribution_quality.py [--show-errors] [--eval DIR] [--sets tune,check,polnear]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sitegen.config import DEFAULT_MODEL
from sitegen.errors import Problems
from sitegen.nlp.annotator import SpacyAnnotator, load_model
from sitegen.pipeline import ContentFile, Pipeline
from sitegen.site.index import build_site

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "attribution"
EVAL = ROOT.parent / "shared" / "attribution-eval"
KINDS = ("direct", "indirect", "according_to")

Item = tuple[str, str, str]  # (source, kind, text)
#: One labelled article: (id, Markdown with front matter, gold items).
Labelled = tuple[str, str, list[Item]]


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


def load_labelled(files: Iterable[Path]) -> list[Labelled]:
    out = []
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        gold = [(a["source"], a["kind"], a["text"]) for a in doc["attributions"]]
        out.append((doc["id"], f"---\ntitle: {doc['id']}\n---\n{doc['text']}\n", gold))
    return out


def load_polnear(folder: Path) -> tuple[list[Labelled], list[dict[str, Any]]]:
    rows = [json.loads(line) for line in (folder / "gold.jsonl").open() if line.strip()]
    files = sorted(folder.glob("polnear_dev_*.md"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))
    docs: list[Labelled] = [(p.stem, p.read_text(encoding="utf-8"), []) for p in files]
    return docs, rows


def sitegen_predictions(docs: Sequence[Labelled], pipeline: Pipeline) -> list[list[Item]]:
    """Each article's attributions after the whole analysis, names resolved across the set."""
    problems = Problems()
    files = [ContentFile.of(f"content/{doc_id}.md", text.encode()) for doc_id, text, _ in docs]
    articles = pipeline.articles(files, problems)
    if len(articles) != len(docs):
        raise SystemExit(f"cannot parse: {problems.errors}")
    site = build_site(articles, pipeline.catalog)
    by_source = {a.document.source: a for a in site.articles}
    return [
        [(a.source, a.kind, a.text) for a in by_source[f"content/{doc_id}.md"].attributions]
        for doc_id, _, _ in docs
    ]


def textacy_predictions(docs: Sequence[Labelled], nlp: Any) -> list[list[Item]] | None:
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    out = []
    for _, markdown, _ in docs:
        found = []
        body = markdown.split("\n---\n", 1)[-1]
        for paragraph in body.split("\n\n"):
            doc = nlp(normalise(paragraph))
            try:
                triples = list(direct_quotations(doc))
            except ValueError:  # textacy gives up on a paragraph with an unclosed quotation
                continue
            for triple in triples:
                speaker = " ".join(t.text for t in triple.speaker)
                content = " ".join(t.text for t in triple.content).strip('"')
                found.append((speaker, "direct", content))
        out.append(found)
    return out


def figures(name: str, tp: int, n_pred: int, n_gold: int, note: str = "") -> None:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(
        f"  {name:<40} P={precision:.3f}  R={recall:.3f}  F1={f1:.3f}  "
        f"(tp={tp} fp={n_pred - tp} fn={n_gold - tp}){note}"
    )


def score_own(
    name: str, runs: Iterable[tuple[list[Item], list[Item]]], kinds: Sequence[str]
) -> None:
    tp = n_pred = n_gold = right = 0
    for predicted, gold in runs:
        predicted = [p for p in predicted if p[1] in kinds]
        gold = [g for g in gold if g[1] in kinds]
        matched = match(predicted, gold)
        tp, n_pred, n_gold = tp + len(matched), n_pred + len(predicted), n_gold + len(gold)
        right += sum(p[1] == g[1] for p, g in matched)
    figures(name, tp, n_pred, n_gold, f"  kind right {right}/{tp}" if len(kinds) > 1 else "")


def report_own(title: str, gold: list[list[Item]], mine: list[list[Item]], theirs: Any) -> None:
    counts = Counter(g[1] for items in gold for g in items)
    print(
        f"{title}: {len(gold)} articles, {sum(counts.values())} attributions "
        f"({', '.join(f'{k} {counts[k]}' for k in KINDS)})"
    )
    score_own("sitegen, all kinds", zip(mine, gold, strict=True), KINDS)
    for kind in KINDS:
        score_own(f"sitegen, {kind}", zip(mine, gold, strict=True), (kind,))
    if theirs is not None:
        score_own("textacy direct_quotations, all", zip(theirs, gold, strict=True), KINDS)
        score_own("textacy direct_quotations, direct", zip(theirs, gold, strict=True), ("direct",))


def show_own_errors(docs: Sequence[Labelled], mine: list[list[Item]]) -> None:
    for (doc_id, _, gold), predicted in zip(docs, mine, strict=True):
        matched = match(predicted, gold)
        for p in predicted:
            if all(p is not m[0] for m in matched):
                print(f"{doc_id}: EXTRA {p[1]} {p[0]!r}: {p[2][:70]!r}")
        for g in gold:
            if all(g is not m[1] for m in matched):
                print(f"{doc_id}: MISSED {g[1]} {g[0]!r}: {g[2][:70]!r}")


def scorer(folder: Path) -> Any:
    """The eval folder's own score.py, imported as it is."""
    spec = importlib.util.spec_from_file_location("attribution_eval_score", folder / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_predictions(docs: Sequence[Labelled], found: list[list[Item]]) -> dict[str, Any]:
    return {
        doc_id: [{"source": s, "kind": k, "text": t} for s, k, t in items]
        for (doc_id, _, _), items in zip(docs, found, strict=True)
    }


def score_polnear(
    module: Any, name: str, rows: list[dict[str, Any]], preds: dict[str, Any]
) -> None:
    """All kinds by score.py, then each kind alone (gold and predictions of that kind)."""
    p, r, f1, n_pred, n_gold, _ = module.score(rows, preds)
    _polnear_line(f"{name}, all kinds", p, r, f1, n_pred, n_gold)
    for kind in KINDS:
        only = {d: [x for x in items if x["kind"] == kind] for d, items in preds.items()}
        p, r, f1, n_pred, n_gold, _ = module.score([g for g in rows if g["kind"] == kind], only)
        _polnear_line(f"{name}, {kind}", p, r, f1, n_pred, n_gold)


def _polnear_line(name: str, p: float, r: float, f1: float, n_pred: int, n_gold: int) -> None:
    print(f"  {name:<40} P={p:.3f}  R={r:.3f}  F1={f1:.3f}  (pred {n_pred}, gold {n_gold})")


def show_polnear_errors(module: Any, rows: list[dict[str, Any]], preds: dict[str, Any]) -> None:
    """Gold rows no prediction matches alone (with what was found there instead), and
    predictions that match no gold row: a guide for reading, score.py gives the figures."""
    for row in rows:
        head = module.head(row["content_start"])
        near = [
            p
            for p in preds.get(row["doc"], [])
            if module._starts_near(head, module.norm(p["text"]))
        ]
        if not any(module.source_ok(p["source"], row) for p in near):
            instead = f" (found as {near[0]['source']!r})" if near else ""
            print(
                f"{row['doc']}: MISSED {row['kind']} {row['source']!r} {row['cue']!r}: "
                f"{row['content_start'][:60]!r}{instead}"
            )
    for doc, items in preds.items():
        gold = [g for g in rows if g["doc"] == doc]
        for p in items:
            if not any(module.score([g], {doc: [p]})[0] for g in gold):
                print(f"{doc}: EXTRA {p['kind']} {p['source']!r}: {p['text'][:70]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--show-errors", action="store_true", help="list misses and extras of the tune sets"
    )
    parser.add_argument("--eval", type=Path, default=EVAL, help="the attribution-eval folder")
    parser.add_argument(
        "--sets", default="tune,check,polnear", help="which sets to score (default: all three)"
    )
    args = parser.parse_args()
    sets = set(args.sets.split(","))
    nlp = load_model(DEFAULT_MODEL)
    # No site folder: default settings, no curated entities, no cache.
    pipeline = Pipeline(Path("/nonexistent"), annotator=SpacyAnnotator(nlp), use_cache=False)
    tune = load_labelled([LABELS / "sample.json", *sorted((LABELS / "labels").glob("*.json"))])
    check = load_labelled(sorted((LABELS / "check").glob("*.json")))
    for title, docs in (("own labels, tune part", tune), ("own labels, check part", check)):
        if title.split()[2] not in sets:
            continue
        mine = sitegen_predictions(docs, pipeline)
        report_own(title, [g for _, _, g in docs], mine, textacy_predictions(docs, nlp))
        if args.show_errors and docs is tune:
            show_own_errors(docs, mine)
    if "polnear" in sets:
        run_polnear(args.eval, pipeline, nlp, args.show_errors)
    sys.stdout.flush()


def run_polnear(folder: Path, pipeline: Pipeline, nlp: Any, show_errors: bool) -> None:
    """PolNeAR's development split, scored by the eval folder's score.py."""
    if not (folder / "score.py").exists():
        print(f"{folder}: no attribution-eval folder, PolNeAR skipped")
        return
    module = scorer(folder)
    docs, rows = load_polnear(folder / "polnear-dev")
    preds = as_predictions(docs, sitegen_predictions(docs, pipeline))
    counts = Counter(r["kind"] for r in rows)
    print(
        f"PolNeAR dev: {len(docs)} articles, {len(rows)} attributions "
        f"({', '.join(f'{k} {counts[k]}' for k in KINDS)}), scored by score.py"
    )
    score_polnear(module, "sitegen", rows, preds)
    theirs = textacy_predictions(docs, nlp)
    if theirs is not None:
        score_polnear(module, "textacy direct_quotations", rows, as_predictions(docs, theirs))
    else:
        print("textacy is not installed (pip install -e '.[bench]'): comparison skipped")
    if show_errors:
        show_polnear_errors(module, rows, preds)


if __name__ == "__main__":
    main()
