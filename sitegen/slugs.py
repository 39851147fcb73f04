"""Slugs: the path components sitegen derives from names, always short enough.

A file name holds at most 255 bytes on common file systems. Every component
sitegen makes from text (an entity's page from its name, an article's folder
from its file name) goes through ``make_slug``, which keeps it under
``SLUG_CHARS`` by cutting it and adding a hash of the whole, so it stays stable
from build to build and distinct from its neighbours. A slug the author wrote
is used as written and must ``fit``.
"""

from __future__ import annotations

import hashlib

from slugify import slugify

#: The most bytes one file name may have (ext4, APFS, NTFS in UTF-16 units, tmpfs...).
MAX_NAME_BYTES = 255
#: The longest slug sitegen derives; longer ones are cut and get a hash suffix.
SLUG_CHARS = 100
_HASH_CHARS = 8


def make_slug(text: str) -> str:
    """``text`` as a URL segment of at most SLUG_CHARS characters ("" if none is left)."""
    slug: str = slugify(text)
    if len(slug) <= SLUG_CHARS:
        return slug
    digest = hashlib.sha1(slug.encode()).hexdigest()[:_HASH_CHARS]
    keep = SLUG_CHARS - _HASH_CHARS - 1
    head = slug[: keep + 1]  # cut at the last word break that fits, if there is one
    cut = head.rfind("-")
    head = head[:cut] if cut > keep // 2 else head[:keep]
    return f"{head.rstrip('-')}-{digest}"


def fits(component: str) -> bool:
    """True when ``component`` can be a file or folder name."""
    return len(component.encode("utf-8", "surrogateescape")) <= MAX_NAME_BYTES
