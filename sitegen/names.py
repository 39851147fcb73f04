"""The names of sitegen's own files in a site folder.

Nothing else lives here, so the command can look at these files (``launch.py``)
before the rest of sitegen is imported."""

CONFIG_NAME = "sitegen.toml"
"""The site's settings, in the site folder."""
CACHE_DIR = ".sitegen-cache"
"""The annotation cache's folder, in the site folder."""
CACHE_FILE = "cache.sqlite"
"""The cache itself, in ``CACHE_DIR``."""
BUILT = "built"
"""A file in ``CACHE_DIR`` touched when a build succeeds (nothing changed included):
content files modified after it are edits no build has seen (``launch.py``)."""
