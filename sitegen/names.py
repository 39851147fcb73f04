"""The names of sitegen's own files in a site folder and in an output folder.

Nothing else lives here, so the command can look at these files (``launch.py``)
before the rest of sitegen is imported."""

CACHE_DIR = ".sitegen-cache"
"""The annotation cache's folder, in the site folder."""
CACHE_FILE = "cache.sqlite"
"""The cache itself, in ``CACHE_DIR``."""
BUILT = "built"
"""A file in ``CACHE_DIR`` touched when a build succeeds (nothing changed included):
content files modified after it are edits no build has seen (``launch.py``)."""
MARKER = ".sitegen-build"
"""A file in every output folder: sitegen only ever replaces a folder that has it.
It lists the files sitegen wrote there, with the key each was made from, and what
each search shard was made from: no time or machine detail, so the same input
gives the same bytes here too (``output/record.py``)."""
