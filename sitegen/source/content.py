"""The content files of a site as the pipeline sees them before parsing them.

A long-lived reader (the preview's) does not read a file again while its
size and times are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problems, SitegenError
from ..model import Document
from ..names import CONFIG_NAME
from .files import read_bytes
from .load import content_name, file_digest, find_content


@dataclass(frozen=True)
class ContentFile:
    """A content file before it is parsed."""

    path: str
    """Relative to the site folder, POSIX style: ``content/a.md``."""
    digest: str
    """``file_digest`` of its path and bytes: the key of everything made from it."""
    read: Callable[[], bytes]

    @classmethod
    def of(cls, path: str, raw: bytes) -> ContentFile:
        return cls(path, file_digest(path, raw), lambda: raw)


_Stamp = tuple[int, int, int, int]


class ContentReader:
    """Finds and reads the content files of one site folder, remembering each
    file's stat so an unchanged file is not read again."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self._files: dict[Path, tuple[_Stamp, ContentFile]] = {}

    def read(
        self, content: Path, problems: Problems, *, empty_ok: bool = False
    ) -> list[ContentFile]:
        """The content files under ``content``; unreadable ones are errors in ``problems``,
        and so is finding none, unless ``empty_ok`` (a file from elsewhere joins them)."""
        if not content.is_dir():
            here = content.parent.resolve()  # run from a site's content/ itself?
            inside = here.name == "content" and (
                (here.parent / CONFIG_NAME).is_file() or any(here.glob("*.md"))
            )
            hint = " (or run sitegen from the site folder, or give --site)" if inside else ""
            if not inside and not (content.parent / CONFIG_NAME).is_file():  # no site at all
                hint = " (not a site folder? 'sitegen init DIR' makes a new site)"
            raise SitegenError(f"no content/ folder: put your Markdown articles there{hint}", ".")
        paths = find_content(content)
        if not paths and not empty_ok:
            problems.error("no Markdown (*.md) files found", "content/")
        files, seen = [], {}
        for path in paths:
            if (rel := content_name(path, self.site_dir, problems)) is None:
                continue
            stat = path.stat()
            stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
            known = self._files.get(path)
            if known is not None and known[0] == stamp:
                file = known[1]
            else:
                try:
                    raw = read_bytes(path, rel)
                except SitegenError as exc:  # unreadable: named, and the build fails
                    problems.errors.append(exc)
                    continue
                file = ContentFile.of(rel, raw)  # this build uses the bytes read,
                known = (
                    stamp,
                    ContentFile(rel, file.digest, path.read_bytes),
                )  # later ones re-read
            files.append(file)
            seen[path] = known
        self._files = seen
        return files


def check_slugs(documents: Sequence[Document], problems: Problems) -> None:
    """Two articles with one slug (ignoring case) are an error at the second."""
    owners: dict[str, Document] = {}
    for doc in documents:
        first = owners.setdefault(doc.slug.lower(), doc)
        if first is not doc:
            message = f"slug '{doc.slug}' is already used by {first.source}; set another 'slug:'"
            line = doc.lines.get("slug", 1)
            problems.errors.append(SitegenError(message, doc.source, line, (first.source,)))
