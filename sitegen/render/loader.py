"""Render: where templates come from, confined like every file sitegen reads.

A template folder's files are used only when they are not hidden and do not
lead (by a symbolic link) outside the folder's root: the site folder for the
site's own ``templates/``, the theme folder for the built-in theme. Anything
else is as if it were not there, so the next folder's template of the same
name is used, or the template is reported missing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path

from ..errors import SitegenError, cause
from ..source.files import OUTSIDE, inside, log


class ConfinedLoader(jinja2.FileSystemLoader):
    """Templates of one folder, none hidden, none leading outside ``root`` (resolved)."""

    def __init__(self, folder: Path, root: Path, shown: Path) -> None:
        super().__init__(str(folder))
        self.folder, self.root, self.shown = folder, root, shown
        self._reported: set[str] = set()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        path = self.folder.joinpath(*pieces)
        hidden = any(p.startswith(".") for p in pieces)
        if path.exists() and (hidden or not inside(path, self.root)):
            if template not in self._reported:
                self._reported.add(template)
                log.info("skipped %s: %s", self._shown(path), "hidden" if hidden else OUTSIDE)
            raise jinja2.TemplateNotFound(template)
        try:
            return super().get_source(environment, template)
        except jinja2.TemplateNotFound:  # an OSError too, but the next folder may have it
            raise
        except OSError as exc:  # the file is there but the machine will not read it
            raise SitegenError(f"cannot read the file: {cause(exc)}", self._shown(path)) from None

    def list_templates(self) -> list[str]:
        return [t for t in super().list_templates() if not t.startswith(".") and "/." not in t]

    def _shown(self, path: Path) -> str:
        try:
            return path.relative_to(self.shown).as_posix()
        except ValueError:
            return path.as_posix()


def confined_loader(folders: tuple[Path, ...], site_dir: Path) -> Any:
    """One loader over ``folders``, first match wins: the site's, then the theme's."""
    return jinja2.ChoiceLoader([ConfinedLoader(d, root_of(d, site_dir), site_dir) for d in folders])


def root_of(folder: Path, site_dir: Path) -> Path:
    """What ``folder`` may not lead outside of: the site folder, or the theme's own folder."""
    return site_dir.resolve() if folder.parent == site_dir else folder.resolve()
