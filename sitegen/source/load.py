"""Load: find the content files (sorted) and split off their front matter -> Source.

This is the only stage that reads content from disk. Problems are collected,
not raised one by one, so a run reports every broken file at once.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from ..cache import digest
from ..errors import Problems, SitegenError
from ..model import Source
from .files import confined, decode, walk


class _Loader(yaml.SafeLoader):
    """YAML as usual, but dates stay text: the metadata stage validates them with a
    message and line (PyYAML itself fails without either on ``2015-02-30``); and a key
    given twice is an error (PyYAML keeps the last one without a word)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[Any, yaml.ScalarNode] = {}
        for key in (k for k, _ in node.value if isinstance(k, yaml.ScalarNode)):
            # (by value: "yes" and "true" are one key, True; a scalar is hashable)
            earlier = first.setdefault(self.construct_object(key), key)
            if earlier is not key:
                line = earlier.start_mark.line + 2  # (the front matter starts on line 2)
                said = f"{key.value!r} is given twice (first on line {line})"
                if earlier.value != key.value:
                    said = f"{key.value!r} is the same key as {earlier.value!r} on line {line}"
                raise yaml.constructor.ConstructorError(None, None, said, key.start_mark)
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


def find_content(content_dir: Path) -> list[Path]:
    """Every ``*.md`` below ``content_dir`` (the site's ``content/``) in a stable order.

    Hidden files and folders and links to outside the site folder are left out.
    """
    site = content_dir.parent
    confined(content_dir, site.resolve(), "content/", "folder")
    found = [p for p in walk(content_dir, site.resolve(), site) if p.suffix == ".md"]
    return sorted(found, key=lambda p: relative(p, content_dir))


def relative(path: Path, folder: Path) -> str:
    """``path`` below ``folder`` as a POSIX path (``path.relative_to(folder).as_posix()``,
    by string where it can: a preview's every build names a thousand files)."""
    text, prefix = str(path), str(folder).rstrip(os.sep) + os.sep
    if text.startswith(prefix) and os.sep + ".." not in text:
        return text[len(prefix) :].replace(os.sep, "/")
    return path.relative_to(folder).as_posix()


def content_name(path: Path, site_dir: Path, problems: Problems) -> str | None:
    """The file's path in the site (``content/a.md``); None, reported, when it cannot
    be shown in a page nor named in JSON (a name that is not UTF-8)."""
    rel = relative(path, site_dir)
    if not _utf8(rel):
        problems.error("the file name is not valid UTF-8; rename it", rel)
        return None
    return rel


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.fsdecode's stand-ins for bytes that are not UTF-8
        return False
    return True


def load_source(rel: str, raw: bytes, problems: Problems) -> Source | None:
    """Decode one file and split its front matter; None when it cannot be used."""
    try:
        text = decode(raw, rel)
    except SitegenError as exc:
        problems.errors.append(exc)
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problems.error("the file is empty", rel, 1)
        return None
    source = _split_front_matter(rel, text, problems)
    return dataclasses.replace(source, digest=file_digest(rel, raw)) if source else None


def file_digest(rel: str, raw: bytes) -> str:
    """What identifies a content file: its path in the site and its bytes."""
    return digest(rel, raw).hex()


def _split_front_matter(rel: str, text: str, problems: Problems) -> Source | None:
    lines = text.split("\n")
    if not _FENCE.match(lines[0]):
        return Source(rel, MappingProxyType({}), MappingProxyType({}), text, 1)
    end = next((i for i in range(1, len(lines)) if _FENCE_END.match(lines[i])), None)
    if end is None:
        problems.error("front matter: no closing '---' line", rel, 1)
        return None
    yaml_text = "\n".join(lines[1:end])
    try:
        meta: Any = yaml.load(yaml_text, Loader=_Loader)
    except yaml.YAMLError as exc:
        problem, line = _yaml_problem(exc)
        problems.error(f"front matter: {problem}", rel, line)
        return None
    except RecursionError:
        problems.error("front matter: nested too deeply", rel, 2)
        return None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problems.error("front matter: expected 'key: value' lines", rel, 2)
        return None
    key_lines = _key_lines(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    return Source(
        rel,
        MappingProxyType({str(k): v for k, v in meta.items()}),
        MappingProxyType(key_lines),
        body,
        end + 2,
    )


#: What PyYAML was reading when a bracket or quote it opened was not closed.
_UNCLOSED = {
    "while parsing a flow sequence": "this '[' is never closed by a ']'",
    "while parsing a flow mapping": "this '{' is never closed by a '}'",
    "while scanning a quoted scalar": "this quoted value is never closed",
}


def _yaml_problem(exc: yaml.YAMLError) -> tuple[str, int]:
    """What is wrong in the front matter, and its line in the file (the front matter
    starts on line 2). A bracket or quote left open is said of the line that opens it,
    where PyYAML notices it later, on a line that may be right ("expected ',' or ']'")."""
    problem = getattr(exc, "problem", None) or "invalid YAML"
    mark, context = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    unclosed = _UNCLOSED.get(getattr(exc, "context", None) or "")
    if unclosed and context is not None:
        at_end = "stream end" in problem or "end of stream" in problem
        if mark is None or mark.line != context.line or at_end:
            return unclosed, context.line + 2
    return problem, mark.line + 2 if mark is not None else 1


def _key_lines(lines: list[str]) -> dict[str, int]:
    """Top-level YAML keys and their file line numbers (front matter starts on line 2)."""
    found: dict[str, int] = {}
    for number, line in enumerate(lines, start=2):
        match = re.match(r"^([^\s#:][^:]*?)\s*:", line)
        if match:
            found.setdefault(match.group(1).strip("'\""), number)
    return found
