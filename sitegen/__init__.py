"""sitegen: a static site generator for annotated news analysis."""

__version__ = "0.1.0"
