"""Shared fixtures. Tests that need the real spaCy model or Chromium run for
real in CI (CI=true) and fail there if it is missing; elsewhere they skip."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from sitegen.config import DEFAULT_MODEL
from sitegen.errors import BuildFailed, ModelMissingError, Problems
from sitegen.model import Article, BlockNLP, BuildReport, EntitySpan
from sitegen.nlp.annotator import Annotator, SpacyAnnotator, load_model
from sitegen.pipeline import ContentFile, Pipeline

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = Path("/usr/bin/chromium")

#: Names the fake annotator finds, so fast tests need no statistical model.
FAKE_PATTERNS = [
    {"label": "PERSON", "pattern": "John Kerry"},
    {"label": "PERSON", "pattern": "Kerry"},
    {"label": "PERSON", "pattern": "Andrew Tabler"},
    {"label": "PERSON", "pattern": "Tabler"},
    {"label": "ORG", "pattern": "New York Times"},
    {"label": "ORG", "pattern": "the White House"},
    {"label": "GPE", "pattern": "Moscow"},
    {"label": "GPE", "pattern": "Syria"},
    {"label": "GPE", "pattern": "Washington"},
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        help="rewrite tests/sites/*/expected from the current output (review the diff!)",
    )


def missing(what: str) -> None:
    """Skip outside CI; in CI a missing dependency is a failure."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="session")
def real_nlp() -> object:
    """The real spaCy pipeline, loaded once for the whole run."""
    try:
        return load_model(DEFAULT_MODEL)
    except ModelMissingError:
        missing(f"spaCy model {DEFAULT_MODEL}")
        raise  # unreachable


@pytest.fixture(scope="session")
def real_annotator(real_nlp: object) -> SpacyAnnotator:
    return SpacyAnnotator(real_nlp)


class FindsPhrases:
    """An annotator with no model: every match of each regular expression in
    ``patterns`` is an entity of ``label``."""

    def __init__(self, *patterns: str, label: str = "ORG") -> None:
        self.patterns, self.label = patterns, label
        self.fingerprint = f"finds {label} {patterns}"

    def annotate(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[BlockNLP]:
        return [
            BlockNLP(
                tuple(
                    EntitySpan(m.start(), m.end(), self.label)
                    for pattern in self.patterns
                    for m in re.finditer(pattern, text)
                ),
                ((0, len(text)),),
            )
            for text in texts
        ]


def make_fake_annotator(extra: Sequence[tuple[str, str]] = ()) -> SpacyAnnotator:
    """Finds FAKE_PATTERNS and the extra (label, text) names; its cache fingerprint
    names the patterns, so results of different fakes never mix in a cache."""
    import spacy

    patterns = FAKE_PATTERNS + [{"label": label, "pattern": text} for label, text in extra]
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)
    return SpacyAnnotator(nlp, fingerprint=f"fake {patterns}")


NO_SITE = Path("/nonexistent/sitegen-test-site")
"""A site folder that does not exist: default settings, no curated entities."""


def read_article(
    text: str,
    annotator: Annotator,
    *,
    path: str = "content/a.md",
    site: Path = NO_SITE,
) -> Article:
    """One Markdown file read, parsed, annotated and enriched by the pipeline, as
    the build does it (with ``site``'s settings and entities.toml)."""
    problems = Problems()
    pipeline = Pipeline(site, annotator=annotator, use_cache=False)
    articles = pipeline.articles([ContentFile.of(path, text.encode())], problems, drafts=True)
    if problems.errors:
        raise BuildFailed(problems.errors)
    return articles[0]


def build_site_folder(
    site: Path,
    annotator: Annotator | None = None,
    out: Path | None = None,
    *,
    use_cache: bool = False,
    drafts: bool = False,
    strict: bool = False,
    **options: Any,
) -> BuildReport:
    """Build ``site`` into ``out`` (default: ``site/build``) through the pipeline;
    ``options`` as ``Pipeline.build`` takes them (``base_url``, ``future``, ``today``)."""
    pipeline = Pipeline(site, annotator=annotator, use_cache=use_cache)
    return pipeline.build(out or site / "build", drafts=drafts, strict=strict, **options)


@pytest.fixture(scope="session")
def fake_annotator() -> SpacyAnnotator:
    """A blank English pipeline with fixed patterns: fast and deterministic."""
    return make_fake_annotator()


#: How the tests start Chromium: headless, without the background connections this
#: machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: How long a browser test waits for what it expects (a page, a search result, a
#: rebuilt page): generous, as it only runs out when the test fails anyway, and a CI
#: machine running Chromium, builds and Pagefind on two cores can take ten seconds.
BROWSER_WAIT_MS = 30_000


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Any]:
    """Headless Chromium, one per test module (each test opens its own pages)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        missing("Chromium (/usr/bin/chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing("playwright")
    return CHROMIUM


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Write a site folder from {relative path: text or bytes} and return it."""

    def make(files: dict[str, str | bytes], name: str = "site") -> Path:
        site = tmp_path / name
        for rel, content in files.items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        (site / "content").mkdir(parents=True, exist_ok=True)
        return site

    return make


@pytest.fixture
def sample_site(tmp_path: Path) -> Iterator[Path]:
    """A copy of the repository's sample site (content/, sitegen.toml, entities.toml)."""
    site = tmp_path / "sample"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copy(ROOT / "sitegen.toml", site / "sitegen.toml")
    shutil.copy(ROOT / "entities.toml", site / "entities.toml")
    yield site


@pytest.fixture
def fake_cli(fake_annotator: SpacyAnnotator, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """``sitegen`` commands run in this process use the fake annotator and no cache.

    Returns how many blocks each annotation run was given: empty while the NLP
    has not run.
    """
    from sitegen import cli

    counting = Counting(fake_annotator)

    def pipeline(site_dir: Path, **options: Any) -> Pipeline:
        return Pipeline(site_dir, **{**options, "annotator": counting, "use_cache": False})

    monkeypatch.setattr(cli, "Pipeline", pipeline)
    return counting.runs


class Counting:
    """``inner``, recording how many blocks each annotation run was given (``runs``)."""

    def __init__(self, inner: SpacyAnnotator) -> None:
        self.inner = inner
        self.fingerprint = inner.fingerprint
        self.runs: list[int] = []

    def annotate(self, texts: Sequence[str], progress: Any = None) -> list[BlockNLP]:
        self.runs.append(len(texts))
        return self.inner.annotate(texts, progress)


def run_in(folder: Path, argv: Sequence[str]) -> int:
    """``sitegen argv`` run in this process from ``folder``, as a user in it runs it:
    the paths of problems are shown as seen from there (``content/a.md:3``)."""
    from sitegen.cli import main

    with contextlib.chdir(folder):
        return main(argv)


def build_elsewhere(site: Path, *args: str, timeout: int = 300) -> tuple[str, str]:
    """``sitegen build --site site -q *args`` in a new Python process: what it printed
    (its exit code, and whether that process imported spaCy: "0 False"), and its
    standard error."""
    check = (
        "import sys; from sitegen.launch import main; "
        f"code = main(['build', '--site', {str(site)!r}, '-q', *{list(args)!r}]); "
        "print(code, 'spacy' in sys.modules)"
    )
    command = [sys.executable, "-c", check]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    return result.stdout.strip(), result.stderr
