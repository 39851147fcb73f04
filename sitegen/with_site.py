"""``sitegen annotate``'s reading: one file with the site folder it belongs to, so
that names resolve across articles as in the build."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .errors import BuildFailed, Problems, SitegenError, seen_from
from .model import Site
from .names import CONFIG_NAME
from .pipeline import ContentFile, Pipeline


def read_with_its_site(pipeline: Pipeline, path: Path, shown: str, named: Path) -> Site:
    """The site with the file ``path`` (``shown`` in it), drafts and future articles
    too. Other articles with errors of their own are left out, each said in a note
    (``named``: the site folder as the command line names it), so that one broken
    article does not keep another's annotations from its author."""
    problems = Problems()
    # (content/ may hold no article: the site then holds this file alone)
    files = pipeline.reader.read(pipeline.config.content_dir, problems, empty_ok=True)
    # A file the build does not read (outside content/, hidden) is read with it;
    # one it read, or tried to (its errors are said), is not read again.
    own = shown in {file.path for file in files} | {e.path for e in problems.errors}
    extra = [] if own else [ContentFile.of(shown, path.read_bytes())]

    def analysed(files: Sequence[ContentFile], problems: Problems) -> Site:
        site = pipeline.analyse(problems, drafts=True, future=True, files=files, extra=extra)
        if mine := [e for e in problems.errors if e.path == shown]:  # (found enriching it)
            raise BuildFailed(mine)
        return site

    try:
        return analysed(files, problems)
    except BuildFailed as exc:
        places = {e.path for e in exc.errors}
        others = {p for p in places if p and p != shown and p.startswith("content/")}
        if places != others:  # (this file's own, or the settings')
            raise
    for other in sorted(others):
        pipeline.notices.append(f"left out {seen_from(other, named)}: it has errors")
    return analysed([file for file in files if file.path not in others], Problems())


def placed(errors: list[SitegenError], shown: str, place: str) -> list[SitegenError]:
    """``errors``, those of the file read as ``shown`` at its ``place``."""
    return [
        SitegenError(e.message, place, e.line, e.cites) if e.path == shown else e for e in errors
    ]


def site_of(path: Path) -> Path | None:
    """The site folder ``path`` is in: the nearest folder above it with a sitegen.toml,
    or whose content/ holds it; None if there is none."""
    above = path.resolve().parents
    for folder in above:
        if (folder / CONFIG_NAME).is_file() or folder / "content" in above:
            return folder
    return None
