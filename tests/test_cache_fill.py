"""``sitegen cache fill`` and the ``--dask`` / ``[nlp] dask`` settings, without a
cluster: what fill annotates, how bad settings are reported, and that a plain
build never imports Dask. (The cluster itself: tests/test_dask.py.)"""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_site_folder

from sitegen import cli
from sitegen.cache import CACHE_DIR, FILE
from sitegen.errors import BuildFailed
from sitegen.fill import fill
from sitegen.model import MAX_BLOCK_CHARS
from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.pipeline import Pipeline

MakeSite = Callable[..., Path]
SITE = {
    "content/a.md": "---\ntitle: A\n---\nJohn Kerry spoke in Moscow.\n\nKerry met Andrew Tabler.\n",
    "content/b.md": "---\ntitle: B\ndraft: true\n---\nKerry left Syria.\n\n"
    "Kerry met Andrew Tabler.\n",
}


def test_fill_annotates_what_the_cache_lacks_drafts_too_and_builds_nothing(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    site = make_site(SITE)
    pipeline = Pipeline(site, annotator=fake_annotator)
    filled = fill(pipeline)
    assert (filled.articles, filled.blocks, filled.annotated) == (2, 4, 3)  # one repeats
    assert not (site / "build").exists()
    assert fill(Pipeline(site, annotator=fake_annotator)).annotated == 0
    assert build_site_folder(site, fake_annotator, use_cache=True, drafts=True).annotated == 0
    make_site({"content/c.md": "---\ntitle: C\n---\nWashington read the New York Times.\n"})
    assert fill(Pipeline(site, annotator=fake_annotator)).annotated == 1


def test_fill_leaves_a_paragraph_too_long_to_annotate_as_the_build_does(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    long = "Kerry said so. " * (MAX_BLOCK_CHARS // 15 + 1)
    site = make_site({"content/a.md": f"---\ntitle: A\n---\nKerry left.\n\n{long}\n"})
    filled = fill(Pipeline(site, annotator=fake_annotator))
    assert (filled.blocks, filled.annotated) == (2, 1)
    assert build_site_folder(site, fake_annotator, use_cache=True).annotated == 0


def test_fill_reports_bad_content_and_annotates_nothing(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    site = make_site(SITE | {"content/bad.md": "---\ntitle: [unclosed\n---\nText.\n"})
    with pytest.raises(BuildFailed) as failed:
        fill(Pipeline(site, annotator=fake_annotator))
    assert str(failed.value).startswith("content/bad.md:")
    assert not (site / CACHE_DIR).exists()


def test_cache_fill_command_says_what_it_did(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site(SITE)
    monkeypatch.setattr(cli, "Pipeline", functools.partial(Pipeline, annotator=fake_annotator))
    assert cli.main(["cache", "fill", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Annotated 3 of 4 paragraphs (2 articles) into ")
    assert out.endswith("; the others were there already.\n")
    alone = make_site({"content/c.md": "---\ntitle: C\n---\nKerry left.\n"}, name="alone")
    assert cli.main(["cache", "fill", "--site", str(alone)]) == 0
    assert capsys.readouterr().out == (
        f"Annotated 1 of 1 paragraph (1 article) into {alone / CACHE_DIR / FILE}.\n"
    )
    assert cli.main(["cache", "--site", str(site)]) == 0
    assert "3 annotated paragraphs, 0 enriched articles" in capsys.readouterr().out


@pytest.mark.parametrize(
    "value", ["tcp:/host", "host:8786", "local:0", "local:two", "http://host:8786", ""]
)
def test_a_bad_dask_setting_names_the_file_and_line(make_site: MakeSite, value: str) -> None:
    site = make_site({"sitegen.toml": f'[site]\ntitle = "T"\n\n[nlp]\ndask = "{value}"\n'})
    with pytest.raises(BuildFailed) as failed:
        Pipeline(site).refresh()
    assert str(failed.value) == (
        "sitegen.toml:5: [nlp] dask must be 'local', 'local:N' or a scheduler address "
        f"such as 'tcp://host:8786', not '{value}'"
    )


@pytest.mark.parametrize("value", ["local", "local:3", "tcp://10.0.0.5:8786", "tls://sched:8786"])
def test_dask_addresses_sitegen_takes(make_site: MakeSite, value: str) -> None:
    site = make_site({"sitegen.toml": f'[nlp]\ndask = "{value}"\n'})
    pipeline = Pipeline(site)
    pipeline.refresh()
    assert pipeline.annotators.address == value
    assert Pipeline(site, dask="local:1").annotators.address == "local:1", "--dask wins"
    here = Pipeline(site, jobs=2)
    here.refresh()
    assert here.annotators.address is None, "--jobs annotates here"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dask", "nowhere"], "argument --dask: must be 'local', 'local:N' or a scheduler"),
        (["--dask", "local", "--jobs", "2"], "not allowed with argument"),
    ],
)
def test_bad_dask_options_are_usage_errors(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["build", "--site", str(tmp_path), *args])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_sitegen_never_imports_dask_unless_asked() -> None:
    check = (
        "import sys, sitegen.cli, sitegen.pipeline, sitegen.nlp.cluster; "
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.model
def test_dask_without_the_extra_says_how_to_install_it(make_site: MakeSite) -> None:
    site = make_site(SITE)
    check = (
        "import sys; sys.modules['distributed'] = None; from sitegen.cli import main; "
        f"raise SystemExit(main(['build', '--site', {str(site)!r}, '--dask', 'local:2']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stderr) == (
        1,
        "error: annotating on a Dask cluster needs Dask: pip install 'sitegen[dask]'\n",
    )
    assert not (site / "build").exists()
