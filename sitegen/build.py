"""build(): the pipeline in order. Read this first.

content/*.md --load--> Source --parse--> Document --enrich--> Article
  --site--> Site --render--> OutputFile --write--> build/
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .catalog import Catalog, load_catalog
from .config import SiteConfig
from .enrich.article import enrich
from .errors import Problems, SitegenError
from .model import BlockNLP, BuildReport, Conflict, Document, Site
from .nlp.annotator import Annotator, SpacyAnnotator, load_model
from .output.write import check_out_dir, write_site
from .render.pages import Settings, make_theme, render_site
from .site.index import build_site
from .source.load import find_content, load_sources
from .source.parse import parse_document

#: ``progress(description, total)`` starts a task and returns its ``advance(n)``.
Progress = Callable[[str, int], Callable[[int], None]]


def build(
    config: SiteConfig,
    out_dir: Path,
    *,
    drafts: bool = False,
    strict: bool = False,
    annotator: Annotator | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the site into ``out_dir``; raise BuildFailed listing every problem."""
    check_out_dir(
        out_dir, config.site_dir, [config.content_dir, config.templates_dir, config.static_dir]
    )
    problems = Problems()
    catalog = load_catalog(config.site_dir)
    documents = read_documents(config, problems, drafts=drafts)
    problems.raise_if_any(strict)  # before the model loads: bad input fails fast
    annotator = annotator or make_annotator(config, catalog)
    site = analyse(documents, annotator, catalog, progress)
    for conflict in site.conflicts:
        problems.warn(conflict_message(conflict), conflict.sources[0] if conflict.sources else None)
    for article in site.articles:
        for block, start, end in article.unattributed:
            text = article.document.blocks[block]
            words = " ".join(text.text[start:end].split()[:8])
            problems.warn(
                f"quotation without a source: “{words}…”", article.document.source, text.line
            )
    problems.raise_if_any(strict)
    settings = Settings(config.title, config.description, config.language, config.highlight)
    files = render_site(site, settings, make_theme(config.site_dir))
    written = write_site(files, out_dir)
    return BuildReport(
        out_dir=str(out_dir),
        articles=len(site.articles),
        entities=len(site.entities),
        files=written,
        warnings=tuple(str(w) for w in sorted(problems.warnings, key=SitegenError.sort_key)),
    )


def make_annotator(config: SiteConfig, catalog: Catalog) -> SpacyAnnotator:
    """The spaCy annotator for this site: its model, labels and curated names."""
    return SpacyAnnotator(
        load_model(config.model), config.labels, config.batch_size, catalog.phrases()
    )


def analyse(
    documents: Sequence[Document],
    annotator: Annotator,
    catalog: Catalog,
    progress: Progress | None = None,
) -> Site:
    """NLP, enrich and the site indexes: everything between parsing and rendering."""
    results = annotate(documents, annotator, progress)
    articles = (enrich(d, r, catalog) for d, r in zip(documents, results, strict=True))
    return build_site(articles, catalog)


def conflict_message(conflict: Conflict) -> str:
    candidates = " or ".join(f"'{c}'" for c in conflict.candidates)
    return (
        f"'{conflict.name}' could be {candidates}; it is kept apart "
        f"(add it to an entity's aliases in entities.toml to decide)"
    )


def read_documents(config: SiteConfig, problems: Problems, *, drafts: bool) -> list[Document]:
    """Load and parse every content file; drafts only when asked; slugs unique."""
    if not config.content_dir.is_dir():
        raise SitegenError(
            "no content/ folder: put your Markdown articles there", config.site_dir.as_posix()
        )
    paths = find_content(config.content_dir)
    if not paths:
        problems.error("no Markdown (*.md) files found", "content/")
    sources = load_sources(config.site_dir, paths, problems)
    documents = [doc for s in sources if (doc := parse_document(s, problems)) is not None]
    documents = [doc for doc in documents if drafts or not doc.draft]
    owners: dict[str, Document] = {}
    for doc in documents:
        first = owners.setdefault(doc.slug.lower(), doc)
        if first is not doc:
            problems.error(
                f"slug '{doc.slug}' is already used by {first.source}; set another 'slug:'",
                doc.source,
                doc.lines.get("slug", 1),
            )
    return documents


def annotate(
    documents: Sequence[Document], annotator: Annotator, progress: Progress | None = None
) -> list[list[BlockNLP]]:
    """Run the annotator over every prose block of every document in one stream."""
    texts = [block.text for doc in documents for block in doc.blocks]
    advance = progress("Annotating", len(texts)) if progress else None
    flat = annotator.annotate(texts, advance)
    out, at = [], 0
    for doc in documents:
        out.append(flat[at : at + len(doc.blocks)])
        at += len(doc.blocks)
    return out
