"""Same input, byte-identical output: across runs and across hash seeds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_golden import tree

pytestmark = pytest.mark.model


def build_with_seed(site: Path, out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = ["sitegen", "build", "--site", str(site), "--out", str(out), "-q"]
    subprocess.run(
        [sys.executable, "-m", *command, "--base-url", "https://example.org/"],
        check=True,
        env=env,
        timeout=300,
    )


def test_two_builds_are_byte_identical(sample_site: Path, tmp_path: Path, real_nlp: object) -> None:
    (sample_site / "content" / "second.md").write_text(
        "---\ntitle: Second\ndate: 2015-09-21\n---\n\nJohn Kerry and Tabler met in Moscow.\n",
        encoding="utf-8",
    )
    build_with_seed(sample_site, tmp_path / "one", "1")
    build_with_seed(sample_site, tmp_path / "two", "2")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert len(one) > 10
    assert one.keys() == two.keys()
    assert [p for p in one if one[p] != two[p]] == []
