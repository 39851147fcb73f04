"""Shared fixtures. Tests that need the real spaCy model or Chromium run for
real in CI (CI=true) and fail there if it is missing; elsewhere they skip."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.config import DEFAULT_MODEL
from sitegen.errors import ModelMissingError
from sitegen.model import DEFAULT_LABELS
from sitegen.nlp.annotator import SpacyAnnotator, load_model

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
    return SpacyAnnotator(real_nlp, DEFAULT_LABELS)


def make_fake_annotator() -> SpacyAnnotator:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(FAKE_PATTERNS)
    return SpacyAnnotator(nlp, DEFAULT_LABELS)


@pytest.fixture(scope="session")
def fake_annotator() -> SpacyAnnotator:
    """A blank English pipeline with fixed patterns: fast and deterministic."""
    return make_fake_annotator()


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
