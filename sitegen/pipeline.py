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

The stages after the shortcut (parse, enrich, site, render) are imported where
they are first needed: a warm build with nothing changed, the most common
build, then only starts Python, reads the content and compares digests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import memos, writing
from .cache import CACHE_DIR, Cache, code_digest, digest
from .catalog import CATALOG_NAME, Catalog, load_catalog
from .config import SiteConfig, load_config
from .cores import default_jobs
from .enrich.warnings import conflict_message, warn_about
from .errors import BuildFailed, ModelNotInstalledError, Problems, SitegenError
from .model import Article, BuildReport, Document, Site
from .names import CONFIG_NAME
from .nlp.annotator import Annotator, model_fingerprint
from .nlp.cached import CachedAnnotator
from .nlp.choice import Annotators
from .nlp.workers import POOL_MIN_BLOCKS
from .output.folder import check_out_dir, recover
from .output.preflight import check_writable
from .render.theme import (
    Settings,
    compile_templates,
    make_theme,
    static_digests,
    template_digest,
)
from .source.content import ContentFile, ContentReader
from .source.select import build_date, publish, published, say_skipped
from .stored import Articles, Enriched, last_build, remember_build, without_gc
from .writing import SiteWriter

if TYPE_CHECKING:
    from .site.index import SiteIndex

    Parsed = tuple[Document, tuple[SitegenError, ...]]

__all__ = ["ContentFile", "Pipeline", "Progress", "conflict_message"]

NO_BASE_URL = (
    "no base_url: feeds, sitemap.xml and canonical links are left out "
    "(set base_url under [site] in sitegen.toml, or pass --base-url)"
)
T = TypeVar("T")
#: ``progress(description, total)`` starts a task and returns its ``advance(n)``.
Progress = Callable[[str, int], Callable[[int], None]]


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
        once: bool = False,
        worker: subprocess.Popen[bytes] | None = None,
    ) -> None:
        """``dask``: a Dask scheduler's address or ``local[:N]`` to annotate on
        (default: ``[nlp] dask`` in sitegen.toml unless ``jobs`` is given, else
        ``jobs`` processes here, all cores by default). ``once``: this pipeline builds
        once (``sitegen build``), so what the render stage works out from each article
        is let go of when every page is planned, not kept for the next build.
        ``worker``: an NLP worker the command started for the build's new paragraphs
        before it knew them (``launch.py``); the build stops it if it has none."""
        self.site_dir = site_dir
        self.jobs = jobs or default_jobs()
        here = dask is None and jobs is not None
        self.annotators = Annotators(annotator, self.jobs, dask, here, worker)
        self.progress = progress
        self.once = once
        self.notices: list[str] = []
        """One-line notes for the terminal (a cache rebuilt, for example)."""
        self.cache = Cache(site_dir / CACHE_DIR, self.notices.append) if use_cache else None
        self.enriched = Articles(self.cache)
        """Enriched articles by key: a preview's rebuild starts from the last run's."""
        self._stamp: tuple[object, ...] | None = None
        self.reader = ContentReader(site_dir)
        self._index: SiteIndex | None = None
        """The last build's site-wide indexes, updated from the articles that changed."""
        self.fresh: set[str] = set()
        """The slugs of the articles read anew by the last build (changed or new)."""

    def refresh(self) -> None:
        """Read the settings, curated entities and theme again where they changed."""
        config_file, catalog_file = self.site_dir / CONFIG_NAME, self.site_dir / CATALOG_NAME
        templates = self.site_dir / "templates", self.site_dir / "static"
        stamp = (*map(_stat, (config_file, catalog_file)), *(d.is_dir() for d in templates))
        if stamp == self._stamp:
            return
        self.config, self.catalog = _settings(self.site_dir)
        if self._stamp is None or stamp[2:] != self._stamp[2:]:
            self.theme = make_theme(self.site_dir)
        given = self.annotators.given
        fingerprint = given.fingerprint if given else self._fingerprint()
        self.annotators.config, self.annotators.fingerprint = self.config, fingerprint
        self.annotator = CachedAnnotator(self.annotators.inner, fingerprint, self.cache)
        self.annotator.start = self.progress
        c = self.config
        self.settings = Settings(
            c.title,
            c.description,
            c.language,
            c.highlight,
            c.base_url,
            c.page_size,
            c.search,
            c.entity_page_size,
        )
        self._stamp = stamp

    def _fingerprint(self) -> str:
        """The model's (see ``model_fingerprint``); a model not installed is said of the
        line of sitegen.toml that names it, if one does."""
        try:
            return model_fingerprint(self.config.model)
        except ModelNotInstalledError as exc:
            if (line := self.config.lines.get("model")) is not None:
                exc.path, exc.line = CONFIG_NAME, line
            raise

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
        early: Callable[[Sequence[str]], None] | None = None,
        shortcut: bool = True,
    ) -> BuildReport:
        """Build the site into ``out_dir``; raise BuildFailed listing every problem.

        Articles dated after ``today`` (default ``build_date()``) only with ``future``;
        ``base_url`` (normalised) replaces the one of ``sitegen.toml``. ``search=False``
        keeps the last search index even if pages changed (the preview's edits).
        ``early``: the pages of the articles that changed are written first, before
        the rest of the site is planned, and ``early`` is told which files changed.
        ``shortcut=False`` goes through every stage even when nothing changed, which
        leaves this pipeline's indexes and memos ready for the next edit."""
        self.refresh()
        config, today = self.config, today or build_date()
        settings = self._prepare(out_dir, base_url)
        problems = Problems()
        files = self.reader.read(config.content_dir, problems)
        salt = digest(self.enrich_digest, template_digest(self.theme), repr(settings)).hex()
        flags = repr((drafts, strict, future, today, search, config.cname))
        inputs = digest(salt, flags, *(f.digest for f in files), *static_digests(self.theme))
        if shortcut and (same := last_build(self.cache, inputs, out_dir)) is not None:
            say_skipped(same.skipped)
            self._built()
            return same
        if not settings.base_url:
            problems.warn(NO_BASE_URL, self._config_file())
        writer = SiteWriter(out_dir, settings, self.theme, salt, self.cache, self.jobs, self.once)
        site = self.analyse(
            problems,
            drafts=drafts,
            strict=strict,
            future=future,
            today=today,
            files=files,
            meanwhile=writer.plan_ahead,
        )
        del files  # the bytes read, a tenth of the articles' memory: the articles are made
        with without_gc(self.once):
            warn_about(site, problems)
        problems.raise_if_any(strict)
        written, first = writer.write(site, self.fresh, search, config.cname, early)
        report = writing.report(out_dir, site, written, first, problems, self.annotator.annotated)
        memos.store_made(self.cache)
        remember_build(self.cache, inputs, out_dir, report)
        self.enriched.prune(site)
        self._built()
        return report

    def _config_file(self) -> str | None:
        """``sitegen.toml``, if the site has one (where what it lacks is set)."""
        return CONFIG_NAME if (self.site_dir / CONFIG_NAME).is_file() else None

    def _built(self) -> None:
        if self.cache is not None:
            self.cache.mark_built()

    def _prepare(self, out_dir: Path, base_url: str | None) -> Settings:
        """Check the output folder (and finish what a killed build left there) before
        any work, so a read-only place fails in a moment; the settings to build with."""
        config = self.config
        recover(out_dir)
        inputs = [config.content_dir, config.templates_dir, config.static_dir]
        check_out_dir(out_dir, config.site_dir, inputs)
        check_writable(out_dir)
        if base_url is None:
            return self.settings
        return dataclasses.replace(self.settings, base_url=base_url)

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
        meanwhile: Callable[[Site], None] | None = None,
    ) -> Site:
        """Load, parse, annotate and enrich every article (reusing what is cached),
        then the site-wide indexes. ``files`` are the content files (read from the
        site folder when not given); ``extra`` adds files to them. ``meanwhile`` is
        given the site of the articles enriched before while new blocks are annotated
        elsewhere (``Pipeline.articles``), if they are."""
        self.refresh()
        if files is None:
            files = self.reader.read(self.config.content_dir, problems)
        index = self._site_index()

        def known(articles: list[Article]) -> None:  # (the index then adds the new ones)
            site = index.update(articles)
            if meanwhile is not None:
                meanwhile(site)

        with without_gc(self.once):
            articles = self.articles(
                [*files, *extra], problems, drafts, strict, future, today, meanwhile=known
            )
            return index.update(articles)

    def _site_index(self) -> SiteIndex:
        from .site.index import SiteIndex

        if self._index is None or self._index.catalog is not self.catalog:
            self._index = SiteIndex(self.catalog)
        return self._index

    def articles(
        self,
        files: Sequence[ContentFile],
        problems: Problems,
        drafts: bool = False,
        strict: bool = False,
        future: bool = False,
        today: dt.date | None = None,
        meanwhile: Callable[[list[Article]], object] | None = None,
    ) -> list[Article]:
        """The article of each file, drafts and future ones only when asked.

        Every file is read and checked before this process annotates any, so bad
        input fails before the model loads. ``meanwhile`` is given the articles
        enriched before while a build's few new blocks are annotated elsewhere
        (``start_ahead``), if they are.
        """
        self.refresh()
        self.annotators.reach()
        salt = self.enrich_digest
        keys = [digest(file.digest, salt) for file in files]
        today = today or build_date()
        present = self.enriched.present(keys)
        from .source.parse import parse_files  # (see the module's docstring)

        parsed = parse_files(files, keys, present, problems)
        if self.once and not problems.errors:
            new = [d for d, _ in parsed.values()]
            self._start_ahead(published(new, drafts=drafts, future=future, today=today))
        try:
            done = self._reused(files, keys, present, parsed, problems)
            documents = {k: v[0].document for k, v in done.items()}
            documents |= {k: v[0] for k, v in parsed.items()}
            shown = publish(keys, documents, problems, strict, drafts, future, today)
            wanted = list(shown)
            todo = [k for k in wanted if k not in done]
            memos.fit_memos(len(wanted))
            self.fresh = {shown[k].slug for k in todo}
            if meanwhile is not None and self.annotators.ahead is not None:
                meanwhile([done[k][0] for k in wanted if k in done])
            from .enrich.many import enrich_documents  # (see the module's docstring)

            read = {k: (shown[k], parsed[k][1]) for k in todo}
            labels = self.config.labels
            done |= enrich_documents(read, self.annotator, self.catalog, labels, problems)
        finally:
            self.annotators.stop_ahead()
        self.enriched.keep({k: done[k] for k in keys if k in done}, todo)
        return [done[k][0] for k in wanted]

    def _reused(
        self,
        files: Sequence[ContentFile],
        keys: Sequence[bytes],
        present: Collection[bytes],
        parsed: dict[bytes, Parsed],
        problems: Problems,
    ) -> dict[bytes, Enriched]:
        """What earlier runs enriched of the files (their ``present`` keys), its warnings
        reported again; a stored article that no longer decodes has its file parsed into
        ``parsed``, to be enriched again."""
        from .source.parse import parse_files

        done = self.enriched.known([k for k in keys if k in present])
        settled = {k for k in keys if k not in present or k in done}  # read or decoded
        parsed |= parse_files(files, keys, settled, problems)
        problems.warnings += [w for k in keys if k in done for w in done[k][1]]
        return done

    def _start_ahead(self, documents: Sequence[Document]) -> None:
        """Send the blocks of the new ``documents`` that the cache lacks to a worker now,
        if there are a few (see nlp/choice.py)."""
        from .nlp.bounded import annotatable

        texts = [block.text for document in documents for block in document.blocks]
        few = 0 < len(texts) < POOL_MIN_BLOCKS
        missing = self.annotator.missing(annotatable(texts)) if few else {}
        self.annotators.start_ahead(list(missing.values()))

    def close(self) -> None:
        """Stop an NLP worker still at work and close the cache (its last writes are
        then in the file itself, not in SQLite's log beside it)."""
        self.annotators.stop_ahead()
        if self.cache is not None:
            self.cache.close()

    def preload(self) -> None:
        """Load the model now if edits would annotate with it here, and compile the
        theme's templates."""
        if self.annotators.given is None and self.annotators.address is None:
            self.annotators.in_process()
        compile_templates(self.theme)


def _settings(site_dir: Path) -> tuple[SiteConfig, Catalog]:
    """``sitegen.toml`` and ``entities.toml``, the problems of both reported at once."""
    errors: list[SitegenError] = []

    def load(loader: Callable[[Path], T]) -> T | None:
        try:
            return loader(site_dir)
        except BuildFailed as exc:
            errors.extend(exc.errors)
        except SitegenError as exc:
            if type(exc) is not SitegenError:  # (a usage error, say: as it is)
                raise
            errors.append(exc)
        return None

    config, catalog = load(load_config), load(load_catalog)
    if config is None or catalog is None:
        raise BuildFailed(errors)
    return config, catalog


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)
