"""Check the attribution gold labels in labels/*.json (tune part) and check/*.json (check part).

Run: python tests/attribution/validate.py [path/to/lee_news.txt]
Exits non-zero on the first inconsistent file.
"""

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/corpus/lee_news.txt")
KINDS = {"direct", "indirect", "according_to"}
TOP_KEYS = {"id", "line", "text", "attributions"}
ATT_KEYS = {"source", "kind", "cue", "text", "medium"}


def main() -> int:
    lines = CORPUS.read_text().split("\n") if CORPUS.exists() else None
    for part in ("labels", "check"):
        files = sorted((HERE / part).glob("lee-*.json"))
        kinds = _validate(files, lines)
        total = sum(kinds.values())
        print(
            f"{part}/: {len(files)} articles, {total} attributions: "
            + ", ".join(f"{k}={kinds[k]}" for k in sorted(KINDS))
        )
    return 0


def _validate(files: list[Path], lines: list[str] | None) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for path in files:
        doc = json.loads(path.read_text())
        assert set(doc) == TOP_KEYS, (path.name, set(doc))
        n = doc["line"]
        assert isinstance(n, int) and doc["id"] == f"lee-{n:03d}" == path.stem, path.name
        assert isinstance(doc["text"], str) and doc["text"], path.name
        if lines is not None:
            assert doc["text"] == lines[n - 1].rstrip("\n"), (path.name, "text differs from corpus")
        assert isinstance(doc["attributions"], list), path.name
        for att in doc["attributions"]:
            assert set(att) == ATT_KEYS, (path.name, set(att))
            assert att["kind"] in KINDS, (path.name, att["kind"])
            assert isinstance(att["source"], str) and att["source"].strip(), (path.name, att)
            assert isinstance(att["text"], str) and att["text"], (path.name, att)
            assert att["text"] in doc["text"], (path.name, att["text"])
            assert att["cue"] is None or (isinstance(att["cue"], str) and att["cue"]), (
                path.name,
                att,
            )
            assert att["medium"] is None or (isinstance(att["medium"], str) and att["medium"]), (
                path.name,
                att,
            )
            kinds[att["kind"]] += 1
    return kinds


if __name__ == "__main__":
    sys.exit(main())
