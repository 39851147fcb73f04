"""Test helpers: the visible text of HTML, and a well-formedness check."""

from __future__ import annotations

from html.parser import HTMLParser

from sitegen.source.parse import VOID_TAGS

VOID = VOID_TAGS


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.note_depth: int | None = None  # stack depth of an open [data-note] element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)
            if self.note_depth is None and any(name == "data-note" for name, _ in attrs):
                self.note_depth = len(self.stack)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        if self.note_depth == len(self.stack):
            self.note_depth = None
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.note_depth is None and not any(t in ("script", "style") for t in self.stack):
            self.parts.append(data)


def text_content(html: str) -> str:
    """What a browser's textContent gives for a fragment: scripts, styles and notes
    (elements marked ``data-note``: note markers and the notes) aside."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def nesting_problems(html: str) -> list[str]:
    """Tags closed out of order or left open: empty for well-formed HTML."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.problems + [f"<{t}> never closed" for t in parser.stack]
