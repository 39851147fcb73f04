"""Whole-site golden tree: build tests/sites/basic and compare with expected/.

Run ``pytest tests/test_golden.py --regen-golden`` to rewrite expected/ after an
intended change, and review the diff before committing.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SITES, build_site_folder

from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.output.record import MARKER

pytestmark = pytest.mark.model


def tree(root: Path, *skip: str) -> dict[str, bytes]:
    """Every file below ``root`` by relative path (those under the ``skip`` folders left out)."""
    found = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
    return {k: v for k, v in found.items() if not any(k.startswith(s + "/") for s in skip)}


def test_basic_site_matches_golden_tree(
    tmp_path: Path, real_annotator: SpacyAnnotator, request: pytest.FixtureRequest
) -> None:
    site = tmp_path / "basic"
    shutil.copytree(SITES / "basic", site, ignore=shutil.ignore_patterns("expected"))
    build_site_folder(site, real_annotator)
    expected_dir = SITES / "basic" / "expected"
    # The theme's static files are copied byte for byte; pinning them again here
    # would only duplicate templates/static/. The search bundle is Pagefind's
    # (binary, per Pagefind version): tests/test_search.py checks it in a browser.
    assert tree(site / "build" / "static") == tree(ROOT / "templates" / "static")
    assert (site / "build" / "pagefind" / "pagefind-entry.json").is_file()
    if request.config.getoption("--regen-golden"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        # The marker lists each file's key, which names sitegen's code: not pinned.
        ignore = shutil.ignore_patterns("static", "pagefind", MARKER)
        shutil.copytree(site / "build", expected_dir, ignore=ignore)
    got, expected = tree(site / "build", "static", "pagefind"), tree(expected_dir)
    assert MARKER in got
    del got[MARKER]
    assert sorted(got) == sorted(expected), "the set of output files changed"
    for path in sorted(expected):
        if got[path] != expected[path]:
            diff = difflib.unified_diff(
                expected[path].decode(errors="replace").splitlines(),
                got[path].decode(errors="replace").splitlines(),
                f"expected/{path}",
                f"built/{path}",
                lineterm="",
                n=2,
            )
            pytest.fail("output differs from the golden tree:\n" + "\n".join(list(diff)[:80]))
