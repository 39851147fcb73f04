"""Parse: Source -> Document. Markdown by markdown-it-py, prose blocks located.

CommonMark plus tables, footnotes and strikethrough, with typographic quotes
and dashes. Every quotation mark in the output is directional (“ or ”), even
one left open until a later paragraph, so the enrich stage can see where each
quotation opens and closes. Token line maps are kept for messages.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from ..errors import Problems, SitegenError
from ..model import MAX_BLOCK_CHARS, Block, Document, Source
from .load import load_source
from .meta import read_meta

if TYPE_CHECKING:
    from .content import ContentFile

#: HTML elements that have no closing tag.
VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
_TAG = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>$", re.S)
#: How deep blocks may nest (a block quote is one level, a list two). markdown-it-py
#: itself drops whatever is deeper than its limit; it takes about 400 levels within
#: Python's default recursion limit, and 100 leaves room for whatever calls it.
MAX_NESTING = 100
_TOO_DEEP = "sitegen_too_deep"


@cache
def markdown() -> MarkdownIt:
    """The parser every article is parsed with (shared; never given render rules)."""
    return new_markdown()


def new_markdown() -> MarkdownIt:
    """A markdown-it instance in sitegen's one configuration: CommonMark, tables,
    strikethrough, footnotes, typographic quotes made directional."""
    md = MarkdownIt("commonmark", {"typographer": True, "maxNesting": MAX_NESTING + 1})
    md.enable(["replacements", "smartquotes", "table", "strikethrough"])
    md.block.ruler.before("table", "too_deep", _too_deep)
    md.use(footnote_plugin)
    md.core.ruler.after("smartquotes", "open_quotes", _direct_open_quotes)
    return md


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Note the first line nested MAX_NESTING deep: markdown-it leaves out what is deeper."""
    if state.level >= MAX_NESTING:
        state.env.setdefault(_TOO_DEEP, start + 1)
    return False


def _direct_open_quotes(state: StateCore) -> None:
    """Turn the straight double quotes smartquotes left unpaired into “ or ”.

    A quotation that runs across paragraphs opens in one block and closes in a
    later one; smartquotes pairs quotes within a block only.
    """
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        before = " "  # the character before, across inline markup; a line break is a space
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                before = " "
            if child.type != "text" or not child.content:
                continue
            if '"' in child.content:
                child.content = _directional(child.content, before)
            before = child.content[-1]


def _directional(text: str, before: str) -> str:
    """``text`` with each straight double quote made “ or ”, by the character before
    it (``before`` for the first character)."""
    parts = text.split('"')
    out = [parts[0]]
    last = parts[0][-1] if parts[0] else before
    for part in parts[1:]:
        last = "“" if last.isspace() or last in "([{—–-" else "”"
        out += [last, part]
        last = part[-1] if part else last
    return "".join(out)


def parse_document(source: Source, problems: Problems) -> Document | None:
    """Validate metadata and parse the body; None (with problems reported) if unusable."""
    meta = read_meta(source, problems)
    if meta is None:
        return None
    # Pad with blank lines so markdown-it's token maps are lines of the file.
    body = "\n" * (source.body_line - 1) + meta.body
    env: dict[str, int] = {}
    found = markdown().parse(body, env)
    if _TOO_DEEP in env:
        problems.error(
            f"nested more than {MAX_NESTING} levels deep (block quotes or lists); "
            "sitegen cannot show text this deep: flatten it",
            source.path,
            env[_TOO_DEEP],
        )
        return None
    blocks = find_blocks(found)
    for block in blocks:
        if len(block.text) > MAX_BLOCK_CHARS:
            problems.warn(
                f"a paragraph of {len(block.text):,} characters is too long to annotate "
                f"(at most {MAX_BLOCK_CHARS:,}); its names are not marked: split it with "
                "blank lines",
                source.path,
                block.line,
            )
    return Document(
        source=source.path,
        slug=meta.slug,
        title=plain_text(meta.title) if meta.title_is_markdown else meta.title,
        author=meta.author,
        date=meta.date,
        tags=meta.tags,
        summary=meta.summary,
        draft=meta.draft,
        extra=MappingProxyType(meta.extra),
        body=body,
        blocks=blocks,
        lines=source.meta_lines,
        sources=meta.sources,
        digest=source.digest,
    )


def body_tokens(document: Document) -> list[Token]:
    """The document's markdown-it tokens, as the parse stage saw them (a fresh list)."""
    return markdown().parse(document.body)


def plain_text(markdown_text: str) -> str:
    """The visible text of one line of inline Markdown (for titles)."""
    tokens = markdown().parseInline(markdown_text)
    return visible_text(tokens[0].children or [])[0] if tokens else markdown_text


def find_blocks(tokens: Sequence[Token]) -> tuple[Block, ...]:
    """The prose blocks: inline content of paragraphs, at any nesting depth."""
    blocks: list[Block] = []
    in_footnote = False
    for i, token in enumerate(tokens):
        if token.type in ("footnote_block_open", "footnote_block_close"):
            in_footnote = token.type == "footnote_block_open"
        if token.type != "inline" or i == 0 or tokens[i - 1].type != "paragraph_open":
            continue
        text, prose = visible_text(token.children or [])
        if not text.strip():
            continue
        line = token.map[0] + 1 if token.map else 1
        blocks.append(Block(len(blocks), i, text, line, prose, in_footnote))
    return tuple(blocks)


def visible_text(children: Sequence[Token]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """An inline token's visible text and the ranges of it that are annotatable prose.

    Prose is text outside links, code and raw HTML elements. Notes (footnote
    references, and the source notes placed later) are not part of the text. Adjacent ranges are
    merged, so a name that crosses emphasis (``*New York* Times``) is one range.
    """
    parts: list[str] = []
    prose: list[list[int]] = []
    offset = link_depth = html_depth = 0
    barrier = False
    for child in children:
        piece = ""
        annotatable = False
        if child.type == "text":
            piece = child.content
            annotatable = link_depth == 0 and html_depth == 0
        elif child.type in ("softbreak", "hardbreak"):
            piece, annotatable = "\n", link_depth == 0 and html_depth == 0
        elif child.type == "code_inline":
            piece = child.content
        elif child.type == "link_open":
            link_depth += 1
        elif child.type == "link_close":
            link_depth -= 1
        elif child.type == "html_inline":
            html_depth = max(0, html_depth + _html_nesting(child.content))
            barrier = True  # a mention never spans raw HTML
        if not piece:
            continue
        if annotatable:
            if prose and prose[-1][1] == offset and not barrier:
                prose[-1][1] += len(piece)
            else:
                prose.append([offset, offset + len(piece)])
        parts.append(piece)
        offset += len(piece)
        barrier = False
    return "".join(parts), tuple((a, b) for a, b in prose)


def _html_nesting(tag: str) -> int:
    match = _TAG.match(tag.strip())
    if not match or match.group(3) or match.group(2).lower() in VOID_TAGS:
        return 0
    return -1 if match.group(1) else 1


def parse_file(
    rel: str, raw: bytes, problems: Problems
) -> tuple[Document, tuple[SitegenError, ...]] | None:
    """Load and parse one file; its problems go to ``problems`` and its warnings
    are returned with it too, to be kept with its article."""
    local = Problems()
    source = load_source(rel, raw, local)
    document = parse_document(source, local) if source else None
    problems.errors += local.errors
    problems.warnings += local.warnings
    if document is None:
        return None
    return document, tuple(local.warnings)


def parse_files(
    files: Sequence[ContentFile], keys: Sequence[bytes], skip: Collection[bytes], problems: Problems
) -> dict[bytes, tuple[Document, tuple[SitegenError, ...]]]:
    """``parse_file`` of each of ``files`` whose key (``keys``, in the same order) is not
    in ``skip``, by key, each key once."""
    parsed = {}
    seen = set(skip)
    for file, key in zip(files, keys, strict=True):
        if key not in seen:
            seen.add(key)
            if (read := parse_file(file.path, file.read(), problems)) is not None:
                parsed[key] = read
    return parsed
