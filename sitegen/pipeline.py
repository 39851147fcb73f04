"""The pipeline object: what a build needs across runs, and the build itself.

content/*.md --load--> Source --parse--> Document --annotate--> BlockNLP (cached)
  --enrich--> Article (cached) --site--> Site --plan--> Page --write--> build/

Per-article work (load, parse, annotate, enrich) is a pure function of one
file and the site's settings, so its results are cached by the file's digest
and reused until the file or a setting changes. Site-wide work (names across
articles, entities, ledgers) is a function of the set of articles, done once
per build. Every output file is keyed by what it is made from, and only files
whose key changed are rendered and written. ``sitegen build``, ``annotate``,
``entities`` and the preview all go through one ``Pipeline``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from .cache import CACHE_DIR, Cache, code_digest, digest
from .catalog import CATALOG_NAME, load_catalog
from .config import CONFIG_NAME, load_config
from .enrich.article import enrich
from .errors import Problems, SitegenError, is_environment_error
from .model import Article, BlockNLP, BuildReport, Conflict, Document, Site
from .nlp.annotator import Annotator, SpacyAnnotator, load_model, model_fingerprint
from .nlp.bounded import annotate_bounded
from .nlp.cached import CachedAnnotator
from .nlp.cluster import DaskAnnotator, reach
from .nlp.workers import POOL_MIN_BLOCKS, PoolAnnotator, default_jobs
from .output.preflight import check_writable, write_error
from .output.write import check_out_dir, locked, manifest_digest, recover, write_site
from .render.pages import plan_site, search_bundle
from .render.theme import Settings, make_theme, static_digests, template_digest
from .site.index import build_site
from .source.files import read_bytes
from .source.load import content_name, file_digest, find_content, load_source
from .source.parse import parse_document
from .source.select import build_date, published

NO_BASE_URL = (
    "no base_url: feeds, sitemap.xml and canonical links are left out "
    "(set [site] base_url or pass --base-url)"
)
#: ``progress(description, total)`` starts a task and returns its ``advance(n)``.
Progress = Callable[[str, int], Callable[[int], None]]
#: The warnings of reading and enriching a file, kept with its article.
Warnings = tuple[SitegenError, ...]
#: How the cache stores them: (message, path, line).
_Stored = tuple[tuple[str, str | None, int | None], ...]
_encode_article = msgspec.msgpack.Encoder(enc_hook=dict).encode
_decoder = msgspec.msgpack.Decoder(tuple[Article, _Stored])
_decode_build = msgspec.msgpack.Decoder(tuple[str, BuildReport, str]).decode


def _decode_article(value: bytes) -> tuple[Article, Warnings]:
    article, stored = _decoder.decode(value)
    return article, tuple(SitegenError(*w) for w in stored)


def _stored(value: tuple[Article, Warnings]) -> bytes:
    article, warnings = value
    return _encode_article((article, tuple((w.message, w.path, w.line) for w in warnings)))


class Pipeline:
    """Settings, curated entities, theme, annotator and cache of one site folder.

    Every build first re-reads whatever of ``sitegen.toml``, ``entities.toml``
    and the theme's folders changed on disk, so one long-lived pipeline (the
    preview's) always builds the site as it is now. The spaCy model is loaded
    on first need, at most once per process, and kept.
    """

    def __init__(
        self,
        site_dir: Path,
        *,
        annotator: Annotator | None = None,
        use_cache: bool = True,
        jobs: int | None = None,
        dask: str | None = None,
        progress: Progress | None = None,
    ) -> None:
        """``dask``: a Dask scheduler's address or ``local[:N]`` to annotate on
        (default: ``[nlp] dask`` in sitegen.toml unless ``jobs`` is given, else
        ``jobs`` processes here, all cores by default)."""
        self.site_dir = site_dir
        self.jobs = jobs or default_jobs()
        self.dask = dask
        self._here = dask is None and jobs is not None
        """``jobs`` given: annotate here, whatever ``[nlp] dask`` says."""
        self.progress = progress
        self.notices: list[str] = []
        """One-line notes for the terminal (a cache rebuilt, for example)."""
        self.cache = Cache(site_dir / CACHE_DIR, self.notices.append) if use_cache else None
        self._given = annotator
        self._spacy: tuple[str, SpacyAnnotator] | None = None
        """The in-process annotator, with the model name it was loaded for."""
        self._memo: dict[bytes, tuple[Article, Warnings]] = {}
        """The articles of the last run, by key: a preview's rebuild starts from them."""
        self._stamp: tuple[object, ...] | None = None
        self._files: dict[Path, tuple[tuple[int, ...], ContentFile]] = {}
        """Content files by path, with the stat they were read at."""
        self._reached: str | None = None
        """The Dask scheduler this pipeline has found reachable."""

    def refresh(self) -> None:
        """Read the settings, curated entities and theme again where they changed."""
        config_file, catalog_file = self.site_dir / CONFIG_NAME, self.site_dir / CATALOG_NAME
        templates = self.site_dir / "templates", self.site_dir / "static"
        stamp = (*map(_stat, (config_file, catalog_file)), *(d.is_dir() for d in templates))
        if stamp == self._stamp:
            return
        self.config = load_config(self.site_dir)
        self.catalog = load_catalog(self.site_dir)
        if self._stamp is None or stamp[2:] != self._stamp[2:]:
            self.theme = make_theme(self.site_dir)
        fingerprint = self._given.fingerprint if self._given else None
        self.annotator = CachedAnnotator(
            self._inner, fingerprint or model_fingerprint(self.config.model), self.cache
        )
        self.annotator.start = self.progress
        c = self.config
        self.settings = Settings(
            c.title, c.description, c.language, c.highlight, c.base_url, c.page_size, c.search
        )
        self._stamp = stamp

    @property
    def enrich_digest(self) -> str:
        """What an article depends on besides its file: the NLP, the curated entities,
        the labels highlighted and sitegen's code."""
        labels = ",".join(self.config.labels)
        parts = (self.annotator.fingerprint, self.catalog.fingerprint, labels, code_digest())
        return digest(*parts).hex()

    def build(
        self,
        out_dir: Path,
        *,
        drafts: bool = False,
        strict: bool = False,
        future: bool = False,
        today: dt.date | None = None,
        base_url: str | None = None,
        search: bool = True,
    ) -> BuildReport:
        """Build the site into ``out_dir``; raise BuildFailed listing every problem.

        Articles dated after ``today`` (default ``build_date()``) only with ``future``;
        ``base_url`` (normalised) replaces the one of ``sitegen.toml``. ``search=False``
        keeps the last search index even if pages changed (the preview's edits)."""
        self.refresh()
        config, today = self.config, today or build_date()
        recover(out_dir)
        check_out_dir(out_dir, config.site_dir, [config.content_dir, config.templates_dir])
        check_writable(out_dir)  # before the NLP: a read-only place fails in a moment
        settings = self.settings
        if base_url is not None:
            settings = dataclasses.replace(settings, base_url=base_url)
        problems = Problems()
        files = self._content(problems)
        salt = digest(self.enrich_digest, template_digest(self.theme), repr(settings)).hex()
        flags = repr((drafts, strict, future, today, search, config.cname))
        inputs = digest(salt, flags, *(f.digest for f in files), *static_digests(self.theme))
        if (same := self._up_to_date(inputs, out_dir)) is not None:
            return same
        if not settings.base_url:
            problems.warn(NO_BASE_URL, "sitegen.toml")
        site = self.analyse(
            problems, drafts=drafts, strict=strict, future=future, today=today, files=files
        )
        with _without_gc():
            warn_about(site, problems)
        problems.raise_if_any(strict)
        with _without_gc():
            pages = plan_site(site, settings, self.theme, salt, config.cname)
        index = search_bundle(pages, settings.language, search) if settings.search else None
        try:
            with locked(out_dir):
                written = write_site(pages, out_dir, index)
        except OSError as exc:  # reading is checked where it happens: this is the writing
            if is_environment_error(exc):
                raise write_error(exc, out_dir) from exc
            raise
        report = BuildReport(
            out_dir=str(out_dir),
            articles=len(site.articles),
            entities=len(site.entities),
            files=written.files,
            warnings=tuple(str(w) for w in sorted(problems.warnings, key=SitegenError.sort_key)),
            rendered=written.rendered,
            changed=written.changed,
            annotated=self.annotator.annotated,
        )
        self._remember(inputs, out_dir, report)
        return report

    def _up_to_date(self, inputs: bytes, out_dir: Path) -> BuildReport | None:
        """The report of the last build into ``out_dir`` if it was made from exactly
        these inputs and the output folder is as that build left it: then there is
        nothing to do (the shortcut every warm build with no change takes)."""
        if self.cache is None:
            return None
        key = digest("build", str(out_dir.resolve()))
        stored = self.cache.get("builds", [key]).get(key)
        if stored is None:
            return None
        try:
            made_from, report, marker = _decode_build(stored)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
        if made_from != inputs.hex() or marker != manifest_digest(out_dir):
            return None
        nothing: dict[str, Any] = {"rendered": 0, "changed": (), "annotated": 0}
        return dataclasses.replace(report, out_dir=str(out_dir), **nothing)

    def _remember(self, inputs: bytes, out_dir: Path, report: BuildReport) -> None:
        """Keep the report of the last build into ``out_dir`` (one per output folder)."""
        if self.cache is not None:
            key = digest("build", str(out_dir.resolve()))
            value = (inputs.hex(), report, manifest_digest(out_dir))
            self.cache.put("builds", [(key, _encode_article(value))])

    def analyse(
        self,
        problems: Problems,
        *,
        drafts: bool = False,
        strict: bool = False,
        extra: Sequence[ContentFile] = (),
        future: bool = False,
        today: dt.date | None = None,
        files: Sequence[ContentFile] | None = None,
    ) -> Site:
        """Load, parse, annotate and enrich every article (reusing what is cached),
        then the site-wide indexes. ``files`` are the content files (read from the
        site folder when not given); ``extra`` adds files to them."""
        self.refresh()
        files = [*(self._content(problems) if files is None else files), *extra]
        articles = self.articles(files, problems, drafts, strict, future, today)
        with _without_gc():
            return build_site(articles, self.catalog)

    def articles(
        self,
        files: Sequence[ContentFile],
        problems: Problems,
        drafts: bool = False,
        strict: bool = False,
        future: bool = False,
        today: dt.date | None = None,
    ) -> list[Article]:
        """The article of each file, drafts and future ones only when asked.

        Every file is read and checked before any is annotated, so bad input
        fails before the model loads.
        """
        self.refresh()
        self.reach_cluster()
        salt = self.enrich_digest
        keys = [digest(file.digest, salt) for file in files]
        done = self._known(keys)  # key -> (article, warnings)
        parsed: dict[bytes, tuple[Document, Warnings]] = {}
        for file, key in zip(files, keys, strict=True):
            if key in done:
                problems.warnings += done[key][1]
            elif (read := self._parse(file.path, file.read(), problems)) is not None:
                parsed[key] = read
        documents = {k: v[0].document for k, v in done.items()} | {
            k: v[0] for k, v in parsed.items()
        }
        wanted = [k for k in dict.fromkeys(keys) if k in documents]
        shown = published(
            [documents[k] for k in wanted],
            drafts=drafts,
            future=future,
            today=today or build_date(),
        )
        kept = {id(d) for d in shown}
        wanted = [k for k in wanted if id(documents[k]) in kept]
        _check_slugs([documents[k] for k in wanted], problems)
        problems.raise_if_any(strict)
        todo = [k for k in wanted if k not in done]
        self.annotator.annotated = 0
        results = annotate([documents[k] for k in todo], self.annotator)
        for key, result in zip(todo, results, strict=True):
            article = enrich(documents[key], result, self.catalog, self.config.labels)
            quotes = unattributed_warnings(article)
            done[key] = self._memo[key] = (article, parsed[key][1] + quotes)
            problems.warnings += quotes
        self._store(todo)
        self._memo = {k: done[k] for k in keys if k in done}
        return [done[k][0] for k in wanted]

    def _parse(self, rel: str, raw: bytes, problems: Problems) -> tuple[Document, Warnings] | None:
        local = Problems()
        source = load_source(rel, raw, local)
        document = parse_document(source, local) if source else None
        problems.errors += local.errors
        problems.warnings += local.warnings
        if document is None:
            return None
        return document, tuple(local.warnings)

    def _known(self, keys: Sequence[bytes]) -> dict[bytes, tuple[Article, Warnings]]:
        """What earlier runs enriched: in this process, then in the cache."""
        found: dict[bytes, tuple[Article, Warnings]] = {
            k: self._memo[k] for k in keys if k in self._memo
        }
        missing = [k for k in keys if k not in found]
        if self.cache is None or not missing:
            return found
        with _without_gc():  # many small objects and no cycles: collecting only costs
            for key, value in self.cache.get("articles", missing).items():
                with contextlib.suppress(msgspec.DecodeError, msgspec.ValidationError):
                    found[key] = self._memo[key] = _decode_article(value)  # else: enriched
        return found

    def _store(self, keys: Sequence[bytes]) -> None:
        if self.cache is not None and keys:
            self.cache.put("articles", ((k, _stored(self._memo[k])) for k in keys))

    def _content(self, problems: Problems) -> list[ContentFile]:
        """The site's content files; a file whose size and times did not change
        since this process last read it is not read again."""
        content = self.config.content_dir
        if not content.is_dir():
            raise SitegenError(
                "no content/ folder: put your Markdown articles there", self.site_dir.as_posix()
            )
        paths = find_content(content)
        if not paths:
            problems.error("no Markdown (*.md) files found", "content/")
        files = []
        seen: dict[Path, tuple[tuple[int, ...], ContentFile]] = {}
        for path in paths:
            if (rel := content_name(path, self.site_dir, problems)) is None:
                continue
            stat = path.stat()
            stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
            known = self._files.get(path)
            if known is not None and known[0] == stamp:
                files.append(known[1])
            else:  # this build uses the bytes read; later ones read them again if needed
                try:
                    raw = read_bytes(path, rel)
                except SitegenError as exc:  # unreadable: named, and the build fails
                    problems.errors.append(exc)
                    continue
                files.append(ContentFile.of(rel, raw))
                known = (stamp, ContentFile(rel, files[-1].digest, path.read_bytes))
            seen[path] = known
        self._files = seen
        return files

    @property
    def dask_address(self) -> str | None:
        """The Dask cluster to annotate on, if any."""
        return self.dask if self.dask is not None or self._here else self.config.dask

    def reach_cluster(self) -> None:
        """A Dask scheduler that cannot be reached fails the run before any work."""
        address = self.dask_address
        if self._given is None and address is not None and address != self._reached:
            reach(address)
            self._reached = address

    def _inner(self, blocks: int) -> Annotator:
        """The annotator for ``blocks`` blocks the cache does not have."""
        if self._given is not None:
            return self._given
        if self.dask_address is not None:
            return DaskAnnotator(
                self.dask_address,
                self.config.model,
                self.annotator.fingerprint,
                self.config.batch_size,
            )
        if blocks >= POOL_MIN_BLOCKS and self.jobs > 1:
            return PoolAnnotator(
                self.config.model, self.annotator.fingerprint, self.jobs, self.config.batch_size
            )
        model = self.config.model
        if self._spacy is None or self._spacy[0] != model:
            nlp = load_model(model)
            annotator = SpacyAnnotator(nlp, self.config.batch_size, self.annotator.fingerprint)
            self._spacy = (model, annotator)
        return self._spacy[1]


@dataclass(frozen=True)
class ContentFile:
    """A content file as the pipeline sees it before parsing it."""

    path: str
    """Relative to the site folder, POSIX style: ``content/a.md``."""
    digest: str
    """``file_digest`` of its path and bytes: the key of everything made from it."""
    read: Callable[[], bytes]

    @classmethod
    def of(cls, path: str, raw: bytes) -> ContentFile:
        return cls(path, file_digest(path, raw), lambda: raw)


def annotate(documents: Sequence[Document], annotator: Annotator) -> list[list[BlockNLP]]:
    """Run the annotator over every prose block of every document in one stream."""
    texts = [block.text for doc in documents for block in doc.blocks]
    if not texts:
        return [[] for _ in documents]
    flat = annotate_bounded(annotator, texts)
    out, at = [], 0
    for doc in documents:
        out.append(flat[at : at + len(doc.blocks)])
        at += len(doc.blocks)
    return out


def warn_about(site: Site, problems: Problems) -> None:
    """What the site as a whole should warn about: ambiguous names."""
    for conflict in site.conflicts:
        problems.warn(conflict_message(conflict), conflict.sources[0] if conflict.sources else None)


def unattributed_warnings(article: Article) -> Warnings:
    """Quotations no cue attributes, one warning each (kept with the article)."""
    warnings = []
    for block, start, end in article.unattributed:
        text = article.document.blocks[block]
        words = " ".join(text.text[start:end].split()[:8])
        warnings.append(
            SitegenError(
                f"quotation without a source: “{words}…”", article.document.source, text.line
            )
        )
    return tuple(warnings)


def conflict_message(conflict: Conflict) -> str:
    candidates = " or ".join(f"'{c}'" for c in conflict.candidates)
    return (
        f"'{conflict.name}' could be {candidates}; it is kept apart "
        f"(add it to an entity's aliases in entities.toml to decide)"
    )


def _check_slugs(documents: Sequence[Document], problems: Problems) -> None:
    owners: dict[str, Document] = {}
    for doc in documents:
        first = owners.setdefault(doc.slug.lower(), doc)
        if first is not doc:
            problems.error(
                f"slug '{doc.slug}' is already used by {first.source}; set another 'slug:'",
                doc.source,
                doc.lines.get("slug", 1),
            )


@contextlib.contextmanager
def _without_gc() -> Iterator[None]:
    """Steps that make many small objects and no reference cycles run about twice
    as fast without the cycle collector looking at them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)
