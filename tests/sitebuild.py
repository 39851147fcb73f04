"""Test helper: the sample site built once per session, as a GitHub Pages project site.

The build goes into ``<session tmp>/sample/served/repo/``, so serving ``served/`` puts
the site under the path prefix ``/repo/``, as GitHub Pages does for a project site.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import build_site_folder

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "repo"
"""The path prefix the site is served under: ``/repo/``."""
BASE_URL = f"https://example.org/{PREFIX}/"
"""The public address the sample is built for (feeds, sitemap, canonical links)."""

#: The sample article and one of its entities, from content/ in the repository.
ARTICLE = "us-russia-syria-talks"
ARTICLE_TITLE = "US, Russia discuss possible coordination, political settlement in Syria"
ARTICLE_TEXT = "initiated high level talks last week"
ENTITY = "entities/person/john-kerry"


def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built sample site (its ``repo`` folder), built with the real model on first use.

    Several test modules share it: a finished build is found again through the
    session's base temporary folder, so the model runs once per session.
    """
    base = tmp_path_factory.getbasetemp() / "sample"
    out = base / "served" / PREFIX
    done = base / "built.ok"
    if not done.exists():
        site = base / "site"
        shutil.copytree(ROOT / "content", site / "content", dirs_exist_ok=True)
        for name in ("sitegen.toml", "entities.toml"):  # settings; curated entities
            if (ROOT / name).is_file():
                shutil.copy(ROOT / name, site / name)
        build_site_folder(site, out=out, use_cache=True, base_url=BASE_URL)
        done.touch()
    return out
